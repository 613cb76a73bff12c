/**
 * Engineer and requester actions on a request: which are allowed in which state (`refusal`, used
 * by update validators so a refused action leaves no trace in history) and what each one does
 * (`applyAction`). Every action records who did it, when, and an optional note.
 */
import { formatInstant } from './calendar.js';
import { holdOutsideCoverage } from './coverage-hold.js';
import { clockStopEvents } from './decision-events.js';
import { pauseClock, resumeClock, retargetClock, stopClock, type SlaClock } from './sla-clock.js';
import { withReview } from './review.js';
import { targetsFor } from './sla-policy.js';
import {
  announce,
  clocksForTier,
  escalate,
  isActive,
  ownersPage,
  record,
  tierPage,
  withEffects,
  type Decision,
  type DecisionContext,
  type RequestEvent,
  type RequestState,
  type SystemRef,
} from './request.js';
import { PRIORITIES, type Priority } from './types.js';

/** Every action, by the name used in updates, signals, HTTP paths and Slack buttons. */
export const ACTIONS = ['acknowledge', 'resolve', 'solved', 'escalate', 'pause', 'resume', 'comment', 'reopen', 'priority', 'reassign', 'cancel'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Where an action came from; a comment is not echoed back to where it was written. */
export type ActionSource = 'api' | 'slack' | 'gitlab' | 'temporal-ui';

/** Arguments of every action; each action says which fields it needs. */
export interface ActionArgs {
  actor: string;
  note?: string;
  /** `priority` only. */
  priority?: Priority;
  /** `reassign` only: a registry system id. */
  system?: string;
  /** `cancel` only: why (e.g. duplicate, spam). */
  reason?: string;
  source?: ActionSource;
  /**
   * Slack user-group handles the actor belongs to, looked up by intake in Slack for a click
   * (`source: 'slack'`); what {@link slackPermission} decides on. Absent means "member of none".
   */
  actorGroups?: string[];
}

/** What actions need beyond the state: the systems a request may be reassigned to. */
export interface ActionContext extends DecisionContext {
  systems: SystemRef[];
}

/** Longest note an action carries (a comment's full text is posted to Slack and GitLab). */
export const MAX_NOTE_CHARS = 10_000;
/** Longest actor name or cancel reason an action carries. */
export const MAX_ACTOR_CHARS = 200;

/** True when the actor is the requester (by email or Slack user id). */
export function isRequester(state: RequestState, actor: string): boolean {
  const who = actor.trim().toLowerCase();
  const { email, slackUserId, gitlabUsername } = state.requester;
  return [email, slackUserId, gitlabUsername].some((id) => !!id && who === id.toLowerCase());
}

const handle = (group: string): string => group.trim().replace(/^@/, '').toLowerCase();

/** Actions anyone in the help channel may take from Slack: a thread reply is a comment. */
const OPEN_TO_ALL: ReadonlySet<ActionName> = new Set(['comment']);
/** Actions that belong to the requester: "This solved it" and reopening their own request. */
const REQUESTER_ONLY: ReadonlySet<ActionName> = new Set(['solved', 'reopen']);

/**
 * Who may act from Slack, where anyone in the workspace can press a button. The help desk's
 * tiers act on a request at their tier: the tier's group (or a higher tier's), the system's owner
 * group, or the assignee; the requester may mark it solved, reopen it and resume it. API callers
 * hold the operators' token and Temporal UI senders are operators: they are not checked here.
 * @returns why the actor may not, or null
 */
export function slackPermission(state: RequestState, action: ActionName, args: ActionArgs, ctx: DecisionContext): string | null {
  if (args.source !== 'slack' || OPEN_TO_ALL.has(action)) return null;
  const requester = isRequester(state, args.actor);
  if (REQUESTER_ONLY.has(action))
    return requester ? null : `only the requester can ${action === 'solved' ? 'mark this request solved' : 'reopen this request'}`;
  if (action === 'resume' && requester) return null;
  if (state.assignee !== null && state.assignee === args.actor) return null;
  const staff = [...ctx.contacts.filter((c) => c.tier >= state.tier).map((c) => c.slackGroup), ...(state.system ? [state.system.slackOwners] : [])].map(handle);
  const member = (args.actorGroups ?? []).map(handle).some((g) => staff.includes(g));
  if (member) return null;
  const groups = [...new Set(staff)].map((g) => `@${g}`).join(', ');
  return `only members of ${groups} or the assignee can ${action} this request at Tier ${state.tier}`;
}

/**
 * Why `action` is not allowed now, or `null` when it is.
 * @example refusal(resolved, 'resolve', { actor: 'grace' }) // 'cannot resolve: request is already resolved'
 */
export function refusal(state: RequestState, action: ActionName, args: ActionArgs, ctx: ActionContext): string | null {
  if (typeof args?.actor !== 'string' || !args.actor.trim()) return 'actor is required';
  if (args.actor.length > MAX_ACTOR_CHARS) return `actor must be at most ${MAX_ACTOR_CHARS} characters`;
  if (args.note !== undefined && (typeof args.note !== 'string' || args.note.length > MAX_NOTE_CHARS)) return 'note must be text of at most 10,000 characters';
  if (args.reason !== undefined && (typeof args.reason !== 'string' || args.reason.length > MAX_ACTOR_CHARS))
    return `reason must be text of at most ${MAX_ACTOR_CHARS} characters`;
  if (action === 'reopen') {
    if (state.status !== 'resolved' || state.resolvedAt === null) return `cannot reopen: request is ${state.status}`;
    const closesAt = state.resolvedAt + ctx.policy.reopenWindowMs;
    // The window is [resolvedAt, closesAt): the workflow closes the request at closesAt itself.
    if (ctx.now >= closesAt) return `cannot reopen: the reopen window closed at ${formatInstant(ctx.calendar, closesAt)}`;
    return slackPermission(state, action, args, ctx);
  }
  // "It's broken again": the requester's reply to a resolved request, inside the reopen window, reopens it.
  if (action === 'comment' && requesterCanReopen(state, args, ctx)) return args.note?.trim() ? null : 'comment needs a note';
  if (!isActive(state)) return `cannot ${action}: request is already ${state.status}`;
  const forbidden = slackPermission(state, action, args, ctx);
  if (forbidden) return forbidden;
  switch (action) {
    case 'acknowledge':
      if (state.status === 'acknowledged') return `already acknowledged by ${state.assignee ?? 'someone'}`;
      if (state.status === 'waiting_on_requester') return 'cannot acknowledge: request is waiting on the requester; resume it first';
      return null;
    case 'solved':
      return state.tier > 2 ? `cannot mark solved by self-service: request is at Tier ${state.tier}; resolve it instead` : null;
    case 'escalate':
      if (state.tier >= 5) return 'cannot escalate: request is already at Tier 5';
      return args.note?.trim() ? null : 'escalate needs a reason (note)';
    case 'pause':
      return state.status === 'waiting_on_requester' ? 'already waiting on the requester' : null;
    case 'resume':
      return state.status === 'waiting_on_requester' ? null : `cannot resume: request is ${state.status}, not waiting on the requester`;
    case 'comment':
      return args.note?.trim() ? null : 'comment needs a note';
    case 'priority':
      if (!args.priority || !PRIORITIES.includes(args.priority)) return `priority must be one of ${PRIORITIES.join(', ')}`;
      return args.priority === state.priority ? `priority is already ${args.priority}` : null;
    case 'reassign':
      if (!args.system || !ctx.systems.some((s) => s.id === args.system)) return `unknown system ${String(args.system)}`;
      return args.system === state.system?.id ? `request is already assigned to ${args.system}` : null;
    case 'resolve':
    case 'cancel':
      return null;
  }
}

/**
 * What counts as the tier's first response: the desk acknowledging, commenting, escalating or
 * resolving. Not the requester's own comment or resolution, not what tierflow does on its own
 * (automatic escalation on breach, reminders: those are not actions), and not housekeeping
 * (pause, resume, priority change, reassign, reopen, cancel).
 */
export const FIRST_RESPONSE_ACTIONS: ReadonlySet<ActionName> = new Set(['acknowledge', 'comment', 'escalate', 'resolve']);

/** Stops the first-response clock when the action is a first response by someone other than the requester. */
function answerFirstResponse(state: RequestState, action: ActionName, args: ActionArgs, ctx: DecisionContext): SlaClock[] {
  if (!FIRST_RESPONSE_ACTIONS.has(action) || isRequester(state, args.actor)) return state.clocks;
  return state.clocks.map((c) => (c.kind === 'first_response' ? stopClock(c, ctx.calendar, ctx.now, 'met') : c));
}

function stopAll(clocks: SlaClock[], ctx: DecisionContext, outcome: 'met' | 'stopped'): SlaClock[] {
  return clocks.map((c) => stopClock(c, ctx.calendar, ctx.now, outcome));
}

function breachedIn(state: RequestState, clocks: SlaClock[]): boolean {
  return state.slaBreached || clocks.some((c) => c.state === 'breached');
}

/** True when `args.actor` is the requester of a resolved request whose reopen window is still open. */
function requesterCanReopen(state: RequestState, args: ActionArgs, ctx: DecisionContext): boolean {
  return (
    state.status === 'resolved' &&
    state.resolvedAt !== null &&
    ctx.now < state.resolvedAt + ctx.policy.reopenWindowMs &&
    typeof args?.actor === 'string' &&
    isRequester(state, args.actor)
  );
}

/**
 * Applies an action that `refusal` allowed (it throws otherwise, so a caller cannot skip the
 * check). Outside coverage its announcements page nobody: their mentions wait for the opening.
 */
export function applyAction(state: RequestState, action: ActionName, args: ActionArgs, ctx: ActionContext): Decision {
  return holdOutsideCoverage(decide(state, action, args, ctx), ctx);
}

function decide(state: RequestState, action: ActionName, args: ActionArgs, ctx: ActionContext): Decision {
  const why = refusal(state, action, args, ctx);
  if (why) throw new Error(why);
  const note = args.note?.trim() || undefined;
  const timelineNote =
    action === 'priority' ? `${state.priority} → ${args.priority}` : action === 'reassign' ? `${state.system?.id ?? 'unknown'} → ${args.system}` : note;
  const logged = (s: RequestState, name: string = action) =>
    record(s, { at: ctx.now, actor: args.actor, action: name, ...(timelineNote ? { note: timelineNote } : {}) });
  const clocks = answerFirstResponse(state, action, args, ctx);
  // Clocks this action stopped: the first response when it answers, every clock when it resolves.
  const stops = (next: RequestState) =>
    clockStopEvents(state.clocks, next.clocks, action === 'resolve' || action === 'solved' ? ['first_response', 'resolution'] : ['first_response']);
  const done = (next: RequestState, event: RequestEvent, text = note) => withEffects(next, announce(next, event, text), stops(next));

  switch (action) {
    case 'acknowledge':
      return done(logged({ ...state, status: 'acknowledged', assignee: args.actor, clocks, slaBreached: breachedIn(state, clocks) }), 'acknowledged');
    case 'resolve':
    case 'solved': {
      const stopped = stopAll(clocks, ctx, 'met');
      const resolution = action === 'solved' ? 'self_served' : 'resolved';
      const next = {
        ...state,
        status: 'resolved' as const,
        resolution,
        resolvedAt: ctx.now,
        clocks: stopped,
        nextReminderAt: null,
        slaBreached: breachedIn(state, stopped),
      } as RequestState;
      // At Tier 5 the resolution closes an incident: its post-incident review opens after the announcements.
      const review = withReview(logged(next), ctx);
      const event = action === 'solved' ? 'self_served' : 'resolved';
      return withEffects(review.state, [...announce(review.state, event, note), ...review.bodies], stops(review.state));
    }
    case 'escalate': {
      // The tier's clocks are superseded; one already past its target is a breach its timer had not fired yet.
      const superseded = stopAll(clocks, ctx, 'stopped');
      const escalated = escalate(
        { ...state, clocks: superseded, slaBreached: breachedIn(state, superseded) },
        args.actor,
        note ?? 'escalated by hand',
        ctx,
        'manual',
      );
      return { ...escalated, events: [...clockStopEvents(state.clocks, superseded, ['first_response']), ...escalated.events] };
    }
    case 'pause': {
      const paused = state.clocks.map((c) => pauseClock(c, ctx.calendar, ctx.now));
      return done(logged({ ...state, status: 'waiting_on_requester', statusBeforePause: state.status, clocks: paused }), 'waiting_on_requester');
    }
    case 'resume':
      return resume(state, args, ctx, note, 'resume');
    case 'comment': {
      const fromRequester = isRequester(state, args.actor);
      if (state.status === 'resolved') return reopen(logged(state), args, ctx, `the requester replied${note ? `: ${note}` : ''}`);
      if (fromRequester && state.status === 'waiting_on_requester') return resume(logged(state), args, ctx, note, 'comment');
      const next = logged({ ...state, clocks, slaBreached: breachedIn(state, clocks) });
      const bodies = announce(next, 'comment', note).filter(
        (e) => !(args.source === 'slack' && e.kind === 'thread_reply') && !(args.source === 'gitlab' && e.kind === 'sync_tracker'),
      );
      return withEffects(next, bodies, stops(next));
    }
    case 'reopen':
      return reopen(state, args, ctx, note);
    case 'priority': {
      const priority = args.priority!;
      const targets = targetsFor(ctx.policy, state.tier, priority);
      const retargeted = state.clocks.map((c) => retargetClock(c, c.kind === 'first_response' ? targets.firstResponseMs : targets.resolutionMs));
      return done(logged({ ...state, priority, clocks: retargeted }), 'priority_changed', `${state.priority} → ${priority}${note ? `: ${note}` : ''}`);
    }
    case 'reassign': {
      // The new owners hear of it once the request is theirs to work (Tier 3 and up) or has an issue.
      const system = ctx.systems.find((s) => s.id === args.system)!;
      const next = logged({ ...state, system });
      const engaged = next.tier >= 3 || next.links.gitlabIssueIid !== null;
      return withEffects(next, announce(next, 'reassigned', `${system.name}${note ? `: ${note}` : ''}`, engaged ? ownersPage(system) : undefined));
    }
    case 'cancel': {
      const stopped = stopAll(state.clocks, ctx, 'stopped');
      const reason = [args.reason, note].filter(Boolean).join(': ') || undefined;
      const next = {
        ...state,
        status: 'cancelled' as const,
        resolution: 'cancelled' as const,
        clocks: stopped,
        nextReminderAt: null,
        slaBreached: breachedIn(state, stopped),
      };
      return done(record(next, { at: ctx.now, actor: args.actor, action, ...(reason ? { note: reason } : {}) }), 'cancelled', reason);
    }
  }
}

/** Opens a resolved request again at its tier: new clocks, unassigned, the tier paged. */
function reopen(state: RequestState, args: ActionArgs, ctx: DecisionContext, note: string | undefined): Decision {
  const next = record(
    { ...state, status: 'open', resolution: null, resolvedAt: null, assignee: null, clocks: clocksForTier(state.tier, state.priority, ctx) },
    { at: ctx.now, actor: args.actor, action: 'reopen', ...(note ? { note } : {}) },
  );
  return withEffects(next, announce(next, 'reopened', note, tierPage(ctx, next.tier, next.system)));
}

function resume(state: RequestState, args: ActionArgs, ctx: DecisionContext, note: string | undefined, via: 'resume' | 'comment'): Decision {
  const clocks = state.clocks.map((c) => resumeClock(c, ctx.now));
  const status = state.statusBeforePause && isActive({ ...state, status: state.statusBeforePause }) ? state.statusBeforePause : 'open';
  const next = record(
    { ...state, status, statusBeforePause: null, clocks },
    { at: ctx.now, actor: args.actor, action: 'resumed', ...(via === 'comment' ? { note: 'the requester replied' } : note ? { note } : {}) },
  );
  const bodies = announce(next, 'resumed', via === 'comment' ? `the requester replied${note ? `: ${note}` : ''}` : note);
  return withEffects(next, via === 'comment' && args.source === 'slack' ? bodies.filter((b) => b.kind !== 'thread_reply') : bodies);
}
