/**
 * Typed search attributes of `helpRequestWorkflow`: what an ops person filters on in the Temporal UI,
 * e.g. `Tier = 3 AND SlaBreached = true`. The dev server and the compose stack register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TierKey = defineSearchAttributeKey('Tier', SearchAttributeType.INT);
export const SystemKey = defineSearchAttributeKey('System', SearchAttributeType.KEYWORD);
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);
export const PriorityKey = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const RequestTypeKey = defineSearchAttributeKey('RequestType', SearchAttributeType.KEYWORD);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const SlaDueAtKey = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);

/** Every search attribute tierflow upserts, for registration on a server. */
export const SEARCH_ATTRIBUTE_KEYS = [
  TierKey,
  SystemKey,
  StatusKey,
  PriorityKey,
  RequestTypeKey,
  SlaBreachedKey,
  SlaDueAtKey,
] as const;
