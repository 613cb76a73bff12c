/**
 * The request state machine: a help request's tier, status, SLA clocks and timeline, and the
 * decisions taken on each event. Pure: the workflow feeds it events with `now` and carries out the
 * effects it returns (Slack posts, GitLab issues) through activities.
 */
import type { CoverageCalendar } from './calendar.js';
import { targetsFor, type SlaPolicy } from './sla-policy.js';
import {
  clockDueAt,
  markBreached,
  startClock,
  stopClock,
  type ClockKind,
  type SlaClock,
} from './sla-clock.js';
import type { Priority, RequestType, Tier } from './types.js';

/** Where a request stands. `closed` = resolved and past the reopen window. */
export type RequestStatus = 'open' | 'acknowledged' | 'waiting_on_requester' | 'resolved' | 'cancelled' | 'closed';

export interface Requester {
  email: string;
  name?: string;
  slackUserId?: string;
}

export interface TimelineEntry {
  at: number;
  actor: string;
  action: string;
  note?: string;
}

/** Everything the workflow needs to know about the owning system, resolved at intake from the registry. */
export interface SystemRef {
  id: string;
  name: string;
  gitlabLabel: string;
  gitlabOwners: string;
  slackOwners: string;
}

export interface RequestLinks {
  slackChannel: string | null;
  slackTs: string | null;
  slackThread: string | null;
  gitlabIssueIid: number | null;
  gitlabIssue: string | null;
}

export interface RequestState {
  id: string;
  createdAt: number;
  requester: Requester;
  summary: string;
  description: string;
  type: RequestType;
  priority: Priority;
  system: SystemRef | null;
  tier: Tier;
  status: RequestStatus;
  assignee: string | null;
  clocks: SlaClock[];
  slaBreached: boolean;
  links: RequestLinks;
  timeline: TimelineEntry[];
  resolvedAt: number | null;
}

/** What the workflow must carry out after a decision. */
export type Effect =
  | { kind: 'post_thread' }
  | { kind: 'open_tracker_issue'; tier: Tier; reason: string }
  | { kind: 'thread_reply'; event: string; note?: string };

export interface Decision {
  state: RequestState;
  effects: Effect[];
}

/** Engineer actions arrive with who did them and an optional note. */
export interface ActionArgs {
  actor: string;
  note?: string;
}

export type EngineerAction = 'acknowledge' | 'resolve';

/** The context every decision needs: time, coverage calendar and SLA policy. */
export interface DecisionContext {
  now: number;
  calendar: CoverageCalendar;
  policy: SlaPolicy;
}

export interface NewRequest {
  id: string;
  requester: Requester;
  summary: string;
  description?: string;
  type: RequestType;
  priority?: Priority;
  system: SystemRef | null;
  startTier: Tier;
}

/** The clocks a tier starts with, targeted from the policy for the request's priority. */
export function clocksForTier(tier: Tier, priority: Priority, ctx: DecisionContext): SlaClock[] {
  const targets = targetsFor(ctx.policy, tier, priority);
  const spec = (kind: ClockKind, targetMs: number) =>
    startClock({ kind, tier, targetMs, warningFraction: ctx.policy.warningFraction }, ctx.now);
  return [spec('first_response', targets.firstResponseMs), spec('resolution', targets.resolutionMs)];
}

/** Opens a request at its starting tier: clocks running, thread to post, tracker issue from Tier 3 up. */
export function openRequest(input: NewRequest, ctx: DecisionContext): Decision {
  const priority = input.priority ?? ctx.policy.defaultPriority;
  const tier: Tier = input.startTier < 2 ? 2 : input.startTier;
  const state: RequestState = {
    id: input.id,
    createdAt: ctx.now,
    requester: input.requester,
    summary: input.summary,
    description: input.description ?? '',
    type: input.type,
    priority,
    system: input.system,
    tier,
    status: 'open',
    assignee: null,
    clocks: clocksForTier(tier, priority, ctx),
    slaBreached: false,
    links: { slackChannel: null, slackTs: null, slackThread: null, gitlabIssueIid: null, gitlabIssue: null },
    timeline: [{ at: ctx.now, actor: input.requester.email, action: 'opened', note: input.summary }],
    resolvedAt: null,
  };
  const effects: Effect[] = [{ kind: 'post_thread' }];
  if (tier >= 3) effects.push({ kind: 'open_tracker_issue', tier, reason: `${input.type} request starts at Tier ${tier}` });
  return { state, effects };
}

const ACTIVE: RequestStatus[] = ['open', 'acknowledged', 'waiting_on_requester'];

/**
 * Why an action is not allowed now, or `null` when it is. Used by update validators, so a refused
 * action leaves no trace in history.
 */
export function refusal(state: RequestState, action: EngineerAction, args: ActionArgs): string | null {
  if (!args.actor.trim()) return 'actor is required';
  switch (action) {
    case 'acknowledge':
      if (!ACTIVE.includes(state.status)) return `cannot acknowledge: request is ${state.status}`;
      if (state.status === 'acknowledged') return `already acknowledged by ${state.assignee ?? 'someone'}`;
      return null;
    case 'resolve':
      if (!ACTIVE.includes(state.status)) return `cannot resolve: request is already ${state.status}`;
      return null;
  }
}

/** A clock still counting: running, paused, or breached and not yet stopped. */
function isLive(clock: SlaClock): boolean {
  return clock.state === 'running' || clock.state === 'paused' || clock.state === 'breached';
}

/** Stopping a clock past its target marks it breached even if the breach timer had not fired yet. */
function anyBreached(state: RequestState, clocks: SlaClock[]): boolean {
  return state.slaBreached || clocks.some((c) => c.state === 'breached');
}

function record(state: RequestState, entry: TimelineEntry): RequestState {
  return { ...state, timeline: [...state.timeline, entry] };
}

/** Applies an engineer action that `refusal` allowed. */
export function applyAction(state: RequestState, action: EngineerAction, args: ActionArgs, ctx: DecisionContext): Decision {
  const why = refusal(state, action, args);
  if (why) throw new Error(why);
  const entry: TimelineEntry = { at: ctx.now, actor: args.actor, action, ...(args.note ? { note: args.note } : {}) };
  switch (action) {
    case 'acknowledge': {
      const clocks = state.clocks.map((c) => (c.kind === 'first_response' && isLive(c) ? stopClock(c, ctx.calendar, ctx.now, 'met') : c));
      const next = record({ ...state, status: 'acknowledged', assignee: args.actor, clocks, slaBreached: anyBreached(state, clocks) }, entry);
      return { state: next, effects: [{ kind: 'thread_reply', event: 'acknowledged', note: args.note }] };
    }
    case 'resolve': {
      const clocks = state.clocks.map((c) => (isLive(c) ? stopClock(c, ctx.calendar, ctx.now, 'met') : c));
      const next = record({ ...state, status: 'resolved', resolvedAt: ctx.now, clocks, slaBreached: anyBreached(state, clocks) }, entry);
      return { state: next, effects: [{ kind: 'thread_reply', event: 'resolved', note: args.note }] };
    }
  }
}

/** The next instant a running clock breaches, or null when nothing is due. */
export function nextDeadline(state: RequestState, calendar: CoverageCalendar): number | null {
  let next: number | null = null;
  for (const clock of state.clocks) {
    const due = clockDueAt(clock, calendar);
    if (due !== null && (next === null || due < next)) next = due;
  }
  return next;
}

/** Breaches every clock due by `now` and escalates one tier (up to Tier 5) with the reason recorded. */
export function onClocksDue(state: RequestState, ctx: DecisionContext): Decision {
  const due = state.clocks.filter((c) => {
    const at = clockDueAt(c, ctx.calendar);
    return at !== null && at <= ctx.now;
  });
  if (due.length === 0 || !ACTIVE.includes(state.status)) return { state, effects: [] };
  const breached = due[0]!;
  const reason = `${breached.kind.replace('_', ' ')} SLA breached at Tier ${state.tier}`;
  let next: RequestState = {
    ...state,
    slaBreached: true,
    clocks: state.clocks.map((c) => (due.includes(c) ? markBreached(c, ctx.now) : c)),
  };
  next = record(next, { at: ctx.now, actor: 'tierflow', action: 'sla_breached', note: reason });
  if (state.tier >= 5) return { state: next, effects: [{ kind: 'thread_reply', event: 'sla_breached', note: reason }] };
  return escalate(next, reason, ctx);
}

/** Moves a request up one tier: new tier's clocks, and a tracker issue when entering Tier 3. */
export function escalate(state: RequestState, reason: string, ctx: DecisionContext): Decision {
  const tier = Math.min(5, state.tier + 1) as Tier;
  const next = record(
    { ...state, tier, status: 'open', clocks: clocksForTier(tier, state.priority, ctx) },
    { at: ctx.now, actor: 'tierflow', action: 'escalated', note: `Tier ${state.tier} → Tier ${tier}: ${reason}` },
  );
  const effects: Effect[] = [];
  if (tier === 3 && next.links.gitlabIssueIid === null) effects.push({ kind: 'open_tracker_issue', tier, reason });
  effects.push({ kind: 'thread_reply', event: 'escalated', note: reason });
  return { state: next, effects };
}

/** Human-readable one-liner for the Temporal UI's current details. */
export function describeState(state: RequestState, calendar: CoverageCalendar, format: (at: number) => string): string {
  const due = nextDeadline(state, calendar);
  const waiting = state.status === 'open' ? 'waiting for first response' : state.status.replace(/_/g, ' ');
  return `Tier ${state.tier} — ${waiting}${due === null ? '' : `, due ${format(due)}`}`;
}
