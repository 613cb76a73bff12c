/**
 * Typed search attributes of `helpRequestWorkflow`: what an ops person filters on in the Temporal UI,
 * e.g. `Tier = 3 AND SlaBreached = true`. The dev server and the compose stack register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';

import type { CoverageCalendar } from '../domain/calendar.js';
import type { RequestState } from '../domain/request.js';
import { clockDueAt } from '../domain/sla-clock.js';
import { NO_OUTCOME } from '../domain/sla-outcome.js';
import { HELP_REQUEST_WORKFLOW } from './help-request.js';

export const TierKey = defineSearchAttributeKey('Tier', SearchAttributeType.INT);
export const SystemKey = defineSearchAttributeKey('System', SearchAttributeType.KEYWORD);
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);
/**
 * The same value as `Status`, under a name SQL visibility can query: there `Status` collides with
 * the table's own `status` column ("invalid search attribute: status"), so `Status = 'open'` is
 * refused on the dev server and on PostgreSQL. Filter on `RequestStatus`; `Status` stays for what
 * already reads it (describe, the UI's column).
 */
export const RequestStatusKey = defineSearchAttributeKey('RequestStatus', SearchAttributeType.KEYWORD);
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

// The SLA outcome (see domain/sla-outcome.ts), read by the SLA report. SQL visibility (the dev
// server's SQLite, PostgreSQL) has three custom slots per type (ten for Keyword): Int, Bool and
// Datetime are now full, Double has one left.
/** When the request was opened (the first run's start; `StartTime` changes at continue-as-new). */
export const OpenedAtKey = defineSearchAttributeKey('OpenedAt', SearchAttributeType.DATETIME);
/** When the request was (last) resolved; absent while it is not resolved. */
export const ResolvedAtKey = defineSearchAttributeKey('ResolvedAt', SearchAttributeType.DATETIME);
/** Coverage seconds from opening to the first response. */
export const FirstResponseSecondsKey = defineSearchAttributeKey('FirstResponseSeconds', SearchAttributeType.DOUBLE);
export const FirstResponseMetKey = defineSearchAttributeKey('FirstResponseMet', SearchAttributeType.BOOL);
/** Coverage seconds from opening to the resolution. */
export const ResolutionSecondsKey = defineSearchAttributeKey('ResolutionSeconds', SearchAttributeType.DOUBLE);
export const ResolutionMetKey = defineSearchAttributeKey('ResolutionMet', SearchAttributeType.BOOL);
export const EscalationsKey = defineSearchAttributeKey('Escalations', SearchAttributeType.INT);
export const ReopensKey = defineSearchAttributeKey('Reopens', SearchAttributeType.INT);

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
  OpenedAtKey,
  ResolvedAtKey,
  FirstResponseSecondsKey,
  FirstResponseMetKey,
  ResolutionSecondsKey,
  ResolutionMetKey,
  EscalationsKey,
  ReopensKey,
  RequestStatusKey,
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
 * `SlaDueAt` is the next breach instant, absent when no clock is running. With `outcome` (runs
 * under the operations patch), the SLA outcome too.
 */
export function searchAttributesOf(state: RequestState, calendar: CoverageCalendar, opts: { outcome?: boolean } = {}): SearchAttributeUpdatePair[] {
  const due = state.clocks.map((c) => clockDueAt(c, calendar)).filter((d): d is number => d !== null);
  const base: SearchAttributeUpdatePair[] = [
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
  return opts.outcome ? [...base, ...outcomeAttributes(state)] : base;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));

/** The SLA outcome's search attributes; one not known yet is absent (removed). */
export function outcomeAttributes(state: RequestState): SearchAttributeUpdatePair[] {
  const o = state.outcome ?? NO_OUTCOME;
  return [
    { key: OpenedAtKey, value: new Date(state.createdAt) },
    { key: ResolvedAtKey, value: state.resolvedAt !== null && o.resolutionMs !== null ? new Date(state.resolvedAt) : null },
    { key: FirstResponseSecondsKey, value: seconds(o.firstResponseMs) },
    { key: FirstResponseMetKey, value: o.firstResponseMet },
    { key: ResolutionSecondsKey, value: seconds(o.resolutionMs) },
    { key: ResolutionMetKey, value: o.resolutionMet },
    { key: EscalationsKey, value: o.escalations },
    { key: ReopensKey, value: o.reopens },
    { key: RequestStatusKey, value: state.status },
  ];
}
