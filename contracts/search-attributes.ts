/**
 * Typed search attributes of `helpRequestWorkflow`: what an ops person filters on in the Temporal UI,
 * e.g. `Tier = 3 AND SlaBreached = true`. The dev server and the compose stack register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';

import type { CoverageCalendar } from '../domain/calendar.js';
import type { RequestState } from '../domain/request.js';
import { clockDueAt } from '../domain/sla-clock.js';
import { HELP_REQUEST_WORKFLOW } from './help-request.js';

export const TierKey = defineSearchAttributeKey('Tier', SearchAttributeType.INT);
export const SystemKey = defineSearchAttributeKey('System', SearchAttributeType.KEYWORD);
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);
export const PriorityKey = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const RequestTypeKey = defineSearchAttributeKey('RequestType', SearchAttributeType.KEYWORD);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const SlaDueAtKey = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);
/** `<channel>/<thread ts>` of the request's Slack thread: how a thread reply finds its request. */
export const SlackThreadKey = defineSearchAttributeKey('SlackThread', SearchAttributeType.KEYWORD);
/**
 * `<numeric project id>#<iid>` of the request's tracker issue, as GitLab reported them to tierflow
 * (never read from text a user can write): how a GitLab hook or the reconciliation finds its request.
 */
export const TrackerIssueKey = defineSearchAttributeKey('TrackerIssue', SearchAttributeType.KEYWORD);

/** The Temporal CLI's name of each search attribute type (`temporal operator search-attribute create --type`). */
export const CLI_TYPE: Readonly<Record<string, string>> = {
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

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
  TrackerIssueKey,
] as const;

/**
 * The `TrackerIssue` value of an issue, or null unless both parts are positive integers (so the
 * value can stand quoted in a visibility query: it holds nothing but digits and `#`).
 * @example trackerIssueValue(1000, 7) // '1000#7'
 */
export function trackerIssueValue(projectId: unknown, iid: unknown): string | null {
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  return valid(projectId) && valid(iid) ? `${projectId}#${iid}` : null;
}

/**
 * The visibility query for the help requests that record any of these tracker issues (values of
 * {@link trackerIssueValue}), running or not; runs that continued as new are left out, so each
 * request appears once. Throws on a value that is not `<digits>#<digits>`.
 * @example trackerIssueQuery(['1000#7']) // "TrackerIssue IN ('1000#7') AND WorkflowType = 'helpRequestWorkflow' AND …"
 */
export function trackerIssueQuery(values: readonly string[]): string {
  if (values.length === 0 || values.some((v) => !/^[0-9]{1,16}#[0-9]{1,16}$/.test(v))) throw new RangeError('tracker issue values must be <project id>#<iid>');
  const list = values.map((v) => `'${v}'`).join(', ');
  return `${TrackerIssueKey.name} IN (${list}) AND WorkflowType = '${HELP_REQUEST_WORKFLOW}' AND ExecutionStatus != 'ContinuedAsNew'`;
}

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
    { key: TrackerIssueKey, value: trackerIssueValue(state.links.gitlabProjectId, state.links.gitlabIssueIid) },
  ];
}
