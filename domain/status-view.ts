/**
 * The status of a request as people and tools see it: plain JSON with ISO instants and
 * human-readable coverage durations, computed from the state at a given `now`.
 */
import { formatDuration, formatInstant, formatInstantWithDate, type CoverageCalendar } from './calendar.js';
import { heldLine } from './coverage-hold.js';
import type { RequestState, RequestStatus } from './request.js';
import { nextWakeUp } from './request-timers.js';
import { clockDueAt, remainingCoverage, type SlaClock } from './sla-clock.js';
import type { Priority, RequestType, Tier } from './types.js';

export interface ClockView {
  kind: string;
  tier: Tier;
  state: string;
  /** ISO instant of breach, null when the clock is not running. */
  dueAt: string | null;
  /** Coverage time left, e.g. "1h 40m" (negative after breach: "-20m"). */
  remaining: string;
  remainingMs: number;
}

export interface TimelineView {
  at: string;
  actor: string;
  action: string;
  note?: string;
}

/** A request's status: `GET /requests/:id`, the status query and the 202 body. */
export interface RequestStatusView {
  id: string;
  tier: Tier;
  status: RequestStatus;
  priority: Priority;
  system: string | null;
  type: RequestType;
  summary: string;
  requester: string;
  assignee: string | null;
  slaBreached: boolean;
  details: string;
  clocks: ClockView[];
  links: { slackThread: string | null; gitlabIssue: string | null; swarmChannel?: string | null; reviewIssue?: string | null };
  /** ISO instant until which the requester may reopen a resolved request; null otherwise. */
  reopenUntil?: string | null;
  /** ISO instant at which announcements held while coverage was closed go out (a breach's escalation); null when nothing waits. */
  heldUntil?: string | null;
  /** The opening entry and the latest ones (bounded; notes cut short: the full text is in Slack or GitLab). */
  timeline: TimelineView[];
  /** Every entry ever recorded, by action, e.g. `{ opened: 1, comment: 2412 }`. */
  timelineCounts: Record<string, number>;
  /** Entries recorded but no longer in `timeline`. */
  timelineOmitted: number;
}

const STANDING: Record<RequestStatus, string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  waiting_on_requester: 'waiting on the requester (clocks paused)',
  resolved: 'resolved',
  cancelled: 'cancelled',
  closed: 'closed',
};

/** The running clock that breaches first, with its breach instant. */
function nextDue(state: RequestState, calendar: CoverageCalendar): { clock: SlaClock; at: number } | null {
  let next: { clock: SlaClock; at: number } | null = null;
  for (const clock of state.clocks) {
    const at = clockDueAt(clock, calendar);
    if (at !== null && (next === null || at < next.at)) next = { clock, at };
  }
  return next;
}

/**
 * The one-line story of a request for the Temporal UI's current details and Slack.
 * @example describeState(state, cal) // 'Tier 2 — waiting for first response, due Mon 02:00 UTC'
 */
export function describeState(state: RequestState, calendar: CoverageCalendar): string {
  const head = `Tier ${state.tier} — `;
  if (state.held?.escalation && ACTIVE.includes(state.status)) return `${head}SLA breached at the close; ${heldLine(state.held, { calendar })}`;
  const due = nextDue(state, calendar);
  if (due) {
    const waiting = due.clock.kind === 'first_response' ? 'waiting for first response' : `${STANDING[state.status]}, resolution`;
    // A weekday alone is ambiguous a week or more ahead: then the date is shown too.
    const latest = state.timeline.at(-1)?.at ?? state.createdAt;
    const when = due.at - latest < 6 * 24 * 3_600_000 ? formatInstant(calendar, due.at) : formatInstantWithDate(calendar, due.at);
    return `${head}${waiting}, due ${when}${state.slaBreached ? ' (SLA breached earlier)' : ''}`;
  }
  const wake = nextWakeUp(state, calendar);
  if (wake) return `${head}${STANDING[state.status]}, SLA breached; next reminder ${formatInstant(calendar, wake.at)}`;
  return `${head}${STANDING[state.status]}`;
}

const ACTIVE: readonly RequestStatus[] = ['open', 'acknowledged', 'waiting_on_requester'];

/**
 * Builds the status view of a request at `now`; with the policy's reopen window, a resolved
 * request says until when it can be reopened.
 */
export function toStatusView(state: RequestState, calendar: CoverageCalendar, now: number, reopenWindowMs?: number): RequestStatusView {
  const reopenUntil = state.status === 'resolved' && state.resolvedAt !== null && reopenWindowMs !== undefined ? state.resolvedAt + reopenWindowMs : null;
  return {
    id: state.id,
    tier: state.tier,
    status: state.status,
    priority: state.priority,
    system: state.system?.id ?? null,
    type: state.type,
    summary: state.summary,
    requester: state.requester.email,
    assignee: state.assignee,
    slaBreached: state.slaBreached,
    details: describeState(state, calendar),
    clocks: state.clocks.map((clock) => {
      const due = clockDueAt(clock, calendar);
      const remainingMs = remainingCoverage(clock, calendar, now);
      return {
        kind: clock.kind,
        tier: clock.tier,
        state: clock.state,
        dueAt: due === null ? null : new Date(due).toISOString(),
        remaining: (remainingMs < 0 ? '-' : '') + formatDuration(Math.abs(remainingMs)),
        remainingMs,
      };
    }),
    links: {
      slackThread: state.links.slackThread,
      gitlabIssue: state.links.gitlabIssue,
      ...(state.links.swarmChannel ? { swarmChannel: state.links.swarmChannel } : {}),
      ...(state.links.reviewIssue ? { reviewIssue: state.links.reviewIssue } : {}),
    },
    reopenUntil: reopenUntil === null ? null : new Date(reopenUntil).toISOString(),
    heldUntil: state.held && ACTIVE.includes(state.status) ? new Date(state.held.at).toISOString() : null,
    timeline: state.timeline.map((e) => ({
      at: new Date(e.at).toISOString(),
      actor: e.actor,
      action: e.action,
      ...(e.note ? { note: e.note } : {}),
    })),
    timelineCounts: { ...state.timelineCounts },
    timelineOmitted: state.timelineTotal - state.timeline.length,
  };
}
