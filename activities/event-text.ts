/**
 * The wording of request events, shared by the Slack thread and the GitLab issue so both tell the
 * same story. Pure: the caller passes how to escape user text for its target and the time `now`.
 */
import { formatDuration } from '../domain/duration.js';
import type { RequestEvent, RequestState } from '../domain/request.js';
import type { SlaClock } from '../domain/sla-clock.js';
import type { Tier } from '../domain/types.js';

/** What each tier does, in the seed's words (shown after "Tier N"). */
export const TIER_NAMES: Readonly<Record<Tier, string>> = {
  1: 'self-service',
  2: 'helpdesk',
  3: 'escalation and systems engineering',
  4: 'automation engineering',
  5: 'architecture and crisis',
};

/** Cuts text to `max` characters (code points), marking the cut. Applied before escaping. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * When the state was last decided: its latest timeline entry, on the workflow's clock (the same
 * clock as the SLA clocks), else `fallback`. Text dated this way reads the same on every retry.
 */
export function stateTime(state: RequestState, fallback: number): number {
  return state.timeline.reduce<number | null>((latest, entry) => (latest === null || entry.at > latest ? entry.at : latest), null) ?? fallback;
}

const clockName = (clock: SlaClock): string => (clock.kind === 'first_response' ? 'first response' : 'resolution');

/** The clock a warning is about: the current tier's warned, still-running clock. */
function warnedClock(state: RequestState): SlaClock | undefined {
  return state.clocks.find((c) => c.tier === state.tier && c.warned && c.state === 'running') ?? state.clocks.find((c) => c.warned);
}

/** The most recently breached clock (a breach may already have moved the request up a tier). */
function latestBreach(state: RequestState): SlaClock | undefined {
  return state.clocks.filter((c) => c.breachedAt !== null).sort((a, b) => (b.breachedAt ?? 0) - (a.breachedAt ?? 0))[0];
}

/** How to write user-controlled text (names, notes) for one target. */
export interface HeadlineStyle {
  /** Makes user text inert for the target (Slack or GitLab escaping) and keeps it on one line: a headline is one line. */
  escape(text: string): string;
  /** Writes a person (the assignee): a mention where the target can do it safely, else escaped text on one line. */
  person(who: string): string;
  /** The time the text is written, for "breached 2 h ago". */
  now: number;
}

/**
 * One line saying what happened, without markup of the target: the Slack reply and the GitLab
 * note both start with it. Exhaustive over {@link RequestEvent}.
 * @example eventHeadline(state, 'priority_changed', style) // 'Priority changed to P1'
 */
export function eventHeadline(state: RequestState, event: RequestEvent, style: HeadlineStyle): string {
  const tier = `Tier ${state.tier} (${TIER_NAMES[state.tier]})`;
  switch (event) {
    case 'acknowledged':
      return state.assignee ? `Acknowledged by ${style.person(state.assignee)}` : 'Acknowledged';
    case 'resolved':
      return state.assignee ? `Resolved by ${style.person(state.assignee)}` : 'Resolved';
    case 'self_served':
      return 'Marked solved by the requester with a self-service guide';
    case 'escalated':
      return `Escalated to ${tier}`;
    case 'sla_warning': {
      const clock = warnedClock(state);
      if (!clock) return `SLA warning at Tier ${state.tier}`;
      const used = Math.round(clock.warningFraction * 100);
      return `SLA warning: the ${clockName(clock)} target at Tier ${clock.tier} (${formatDuration(clock.targetMs)}) is ${used}% used`;
    }
    case 'sla_breached': {
      const clock = latestBreach(state);
      if (!clock) return `SLA breached at Tier ${state.tier}`;
      return `SLA breached: the ${clockName(clock)} target at Tier ${clock.tier} (${formatDuration(clock.targetMs)}) was missed`;
    }
    case 'reminder': {
      const clock = latestBreach(state);
      const breachedAt = clock?.breachedAt ?? null;
      const overdue = breachedAt !== null ? `, SLA breached ${formatDuration(style.now - breachedAt)} ago` : '';
      const count = state.remindersSent > 0 ? ` (reminder ${state.remindersSent})` : '';
      return `Reminder: still unresolved at ${tier}${overdue}${count}`;
    }
    case 'waiting_on_requester':
      return 'Waiting on the requester: SLA clocks paused';
    case 'resumed':
      return 'Resumed: SLA clocks running again';
    case 'reassigned':
      return state.system ? `Reassigned to ${style.escape(state.system.name)}` : 'Reassigned to triage (no system)';
    case 'priority_changed':
      return `Priority changed to ${state.priority}`;
    case 'comment':
      return 'Comment';
    case 'reopened':
      return `Reopened at ${tier}`;
    case 'cancelled':
      return 'Cancelled';
    case 'swarm_opened':
      return 'Crisis swarm channel opened';
    case 'coverage_opened':
      return `Coverage is open: over to ${tier}`;
    case 'review_opened':
      return 'Post-incident review opened';
    default: {
      const unknown: never = event;
      return style.escape(String(unknown));
    }
  }
}
