/**
 * How a request did against its SLA, kept in its state as its decisions happen and published as
 * search attributes, so the SLA report is a set of visibility queries (no second database):
 *
 * - **first response**: the coverage time from opening to the first answer (acknowledge, comment,
 *   escalate by hand, resolve), met when no first-response clock breached before it;
 * - **resolution**: the coverage time from opening to the (latest) resolution, met when no
 *   resolution clock breached on the way (a breach at any tier counts; a reopen clears the result
 *   until the request is resolved again);
 * - a breach settles its clock as missed at once (`…Met` false before any answer), so the report's
 *   met % counts a request that breached and still waits;
 * - counts of escalations and reopens.
 *
 * Pure: fed the decision's events, the states before and after, and the request's calendar.
 */
import { coverageBetween, type CoverageCalendar } from './calendar.js';
import type { DecisionEvent } from './decision-events.js';

export interface SlaOutcome {
  /** Coverage time from opening to the first response, once there was one. */
  firstResponseMs: number | null;
  /** True when the first response came before any first-response clock breached. */
  firstResponseMet: boolean | null;
  /** Coverage time from opening to the resolution, while resolved. */
  resolutionMs: number | null;
  /** True when the request was resolved without any resolution clock breaching. */
  resolutionMet: boolean | null;
  /** A first-response clock breached before the first response. */
  firstResponseBreached: boolean;
  /** A resolution clock breached (any tier). */
  resolutionBreached: boolean;
  escalations: number;
  reopens: number;
}

export const NO_OUTCOME: SlaOutcome = {
  firstResponseMs: null,
  firstResponseMet: null,
  resolutionMs: null,
  resolutionMet: null,
  firstResponseBreached: false,
  resolutionBreached: false,
  escalations: 0,
  reopens: 0,
};

/** What the outcome reads of a request's state (structural: `request.ts` imports this module's type). */
interface OutcomeState {
  createdAt: number;
  status: string;
}

/**
 * The outcome after one decision.
 * @example nextOutcome(NO_OUTCOME, [{ kind: 'clock_stopped', clock: 'first_response', outcome: 'met', ... }], before, after, cal, now)
 * // { firstResponseMs: <coverage ms since opening>, firstResponseMet: true, ... }
 */
export function nextOutcome(
  outcome: SlaOutcome,
  events: readonly DecisionEvent[],
  before: OutcomeState,
  after: OutcomeState,
  calendar: CoverageCalendar,
  now: number,
): SlaOutcome {
  let next = outcome;
  const since = () => coverageBetween(calendar, after.createdAt, now);
  for (const event of events) {
    if (event.kind === 'escalated') {
      next = { ...next, escalations: next.escalations + 1 };
    } else if (event.kind === 'sla_breached' && event.clock === 'first_response' && next.firstResponseMs === null) {
      // A breach settles its clock as missed at once: the report counts it before anyone answers.
      next = { ...next, firstResponseBreached: true, firstResponseMet: false };
    } else if (event.kind === 'sla_breached' && event.clock === 'resolution') {
      next = { ...next, resolutionBreached: true, resolutionMet: false };
    } else if (event.kind === 'clock_stopped' && event.clock === 'first_response' && next.firstResponseMs === null) {
      next = { ...next, firstResponseMs: since(), firstResponseMet: event.outcome === 'met' && !next.firstResponseBreached };
    } else if (event.kind === 'clock_stopped' && event.clock === 'resolution' && event.outcome === 'breached') {
      next = { ...next, resolutionBreached: true, resolutionMet: false };
    }
  }
  if (before.status !== 'resolved' && after.status === 'resolved') {
    next = { ...next, resolutionMs: since(), resolutionMet: !next.resolutionBreached };
    // Resolved without an answer first (e.g. "this solved it" from the guides): the resolution answers.
    if (next.firstResponseMs === null) next = { ...next, firstResponseMs: next.resolutionMs, firstResponseMet: !next.firstResponseBreached };
  }
  if (before.status === 'resolved' && after.status !== 'resolved' && after.status !== 'closed') {
    next = { ...next, resolutionMs: null, resolutionMet: next.resolutionBreached ? false : null, reopens: next.reopens + 1 };
  }
  return next;
}
