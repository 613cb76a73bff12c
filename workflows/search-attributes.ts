/**
 * Typed search attributes of `helpRequestWorkflow`: what an ops person filters on in the Temporal UI,
 * e.g. `Tier = 3 AND SlaBreached = true`. The dev server and the compose stack register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';

import type { CoverageCalendar } from '../domain/calendar.js';
import type { RequestState } from '../domain/request.js';
import { clockDueAt } from '../domain/sla-clock.js';

export const TierKey = defineSearchAttributeKey('Tier', SearchAttributeType.INT);
export const SystemKey = defineSearchAttributeKey('System', SearchAttributeType.KEYWORD);
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);
export const PriorityKey = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const RequestTypeKey = defineSearchAttributeKey('RequestType', SearchAttributeType.KEYWORD);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const SlaDueAtKey = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);
/** `<channel>/<thread ts>` of the request's Slack thread: how a thread reply finds its request. */
export const SlackThreadKey = defineSearchAttributeKey('SlackThread', SearchAttributeType.KEYWORD);

/** Every search attribute tierflow upserts, for registration on a server. */
export const SEARCH_ATTRIBUTE_KEYS = [
  TierKey,
  SystemKey,
  StatusKey,
  PriorityKey,
  RequestTypeKey,
  SlaBreachedKey,
  SlaDueAtKey,
  SlackThreadKey,
] as const;

/**
 * The search attributes of a request as it stands: what the Temporal UI filters on.
 * `SlaDueAt` is the next breach instant, absent when no clock is running.
 */
export function searchAttributesOf(state: RequestState, calendar: CoverageCalendar): SearchAttributeUpdatePair[] {
  const due = state.clocks.map((c) => clockDueAt(c, calendar)).filter((d): d is number => d !== null);
  return [
    { key: TierKey, value: state.tier },
    { key: StatusKey, value: state.status },
    { key: PriorityKey, value: state.priority },
    { key: RequestTypeKey, value: state.type },
    { key: SystemKey, value: state.system?.id ?? 'unknown' },
    { key: SlaBreachedKey, value: state.slaBreached },
    { key: SlaDueAtKey, value: due.length > 0 ? new Date(Math.min(...due)) : null },
    { key: SlackThreadKey, value: state.links.slackChannel && state.links.slackTs ? `${state.links.slackChannel}/${state.links.slackTs}` : null },
  ];
}
