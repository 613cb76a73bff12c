/**
 * The contract of `automationCandidatesWorkflow`, started daily by a Temporal Schedule: group the
 * requests resolved lately by system and similar summary, and open or update one Tier 4 automation
 * issue in the tracker per group that recurs. Also the hidden markers its issues carry, so a later
 * run (or a retry) finds the issue again instead of opening another.
 */
import type { ActivityOptions } from '@temporalio/common';

import type { AutomationCandidate } from '../domain/sla-report.js';
import { INTEGRATION_CONFIG_ERROR } from './failures.js';

/** Workflow type name, for the Schedule that starts it. */
export const AUTOMATION_CANDIDATES_WORKFLOW = 'automationCandidatesWorkflow';
/** Schedule id of the daily review. */
export const AUTOMATION_SCHEDULE_ID = 'tierflow-automation-candidates';
/** When the review runs: daily, at this hour (UTC), before the working day starts in most zones. */
export const AUTOMATION_HOUR_UTC = 6;

/** One run reads visibility and writes a few issues: minutes at most; a configuration error is not retried. */
export const AUTOMATION_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [INTEGRATION_CONFIG_ERROR] },
};

/** What one review did. */
export interface AutomationReview {
  /** Requests resolved at or after this instant (ISO) were read. */
  since: string;
  /** Resolved requests read. */
  requestsRead: number;
  /** The candidates, each with its automation issue. */
  candidates: AutomationCandidate[];
  /** Issues (iids) opened, rewritten (members changed) and noted (the count grew), this run. */
  opened: number[];
  updated: number[];
  noted: number[];
}

/** The words an automation issue's marker starts with (also the search term that finds them). */
export const AUTOMATION_MARKER = 'tierflow-automation:';
const REQUESTS_MARKER = 'tierflow-automation-requests:';

const SYSTEM = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const STEM = /^[\p{L}\p{N}]{1,40}$/u;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** Most request ids an issue's hidden list keeps (the newest ones). */
export const MAX_MARKED_REQUESTS = 1_000;

/** What an automation issue's markers say: the group's system and name stems, and its requests. */
export interface AutomationMark {
  system: string;
  stems: string[];
  requestIds: string[];
}

// HTML comments end at `-->`: an id carrying `--` or `>` is not written (tierflow's ids never do).
const commentSafe = (id: string) => REQUEST_ID.test(id) && !id.includes('--');

/**
 * The hidden comments an automation issue's description ends with.
 * @example automationMarkerComments({ system: 'okta-sso', stems: ['mfa', 'okta', 'reset'], requestIds: ['req-1', 'req-2'] })
 * // '<!-- tierflow-automation: okta-sso mfa okta reset -->\n<!-- tierflow-automation-requests: req-1 req-2 -->'
 */
export function automationMarkerComments(mark: AutomationMark): string {
  if (!SYSTEM.test(mark.system)) throw new RangeError(`not a system id: ${mark.system}`);
  const stems = mark.stems.filter((s) => STEM.test(s));
  const ids = mark.requestIds.filter(commentSafe).slice(-MAX_MARKED_REQUESTS);
  return [`<!-- ${AUTOMATION_MARKER} ${[mark.system, ...stems].join(' ')} -->`, `<!-- ${REQUESTS_MARKER} ${ids.join(' ')} -->`].join('\n');
}

const MARK = /<!-- tierflow-automation: ([^<>\n]{1,1000}) -->\n<!-- tierflow-automation-requests: ([^<>\n]{0,210000}) -->\s*$/;

/**
 * The markers at the end of a description, or null. A hint only: anyone can write them, so callers
 * also check who wrote the issue.
 */
export function readAutomationMark(description: string | null | undefined): AutomationMark | null {
  const match = MARK.exec((description ?? '').replace(/\r/g, ''));
  if (!match) return null;
  const [system, ...stems] = match[1]!.trim().split(' ');
  if (!system || !SYSTEM.test(system) || !stems.every((s) => STEM.test(s))) return null;
  const requestIds = match[2]!.trim().split(' ').filter(Boolean);
  return requestIds.every(commentSafe) ? { system, stems, requestIds } : null;
}
