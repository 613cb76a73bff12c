/**
 * A help request's state and the decisions taken when it opens and when it moves between tiers.
 * Pure: the workflow feeds events with `now` and carries out the effects returned (Slack posts,
 * GitLab issues) through activities. Engineer actions live in `request-actions.ts`, clock-driven
 * events (warning, breach, reminder) in `request-timers.ts`.
 */
import type { CoverageCalendar } from './calendar.js';
import { holdOutsideCoverage, type Held } from './coverage-hold.js';
import type { DecisionEvent, EscalationCause } from './decision-events.js';
import type { SlaOutcome } from './sla-outcome.js';
import { pauseClock, startClock, type ClockKind, type SlaClock } from './sla-clock.js';
import { targetsFor, type SlaPolicy } from './sla-policy.js';
import type { Priority, RequestType, Tier } from './types.js';

/** Where a request stands. `closed` = resolved and past the reopen window. */
export type RequestStatus = 'open' | 'acknowledged' | 'waiting_on_requester' | 'resolved' | 'cancelled' | 'closed';

/** How a request ended. */
export type Resolution = 'resolved' | 'self_served' | 'cancelled';

export interface Requester {
  email: string;
  name?: string;
  slackUserId?: string;
  /** Set when the request came from a GitLab issue: the author's username. */
  gitlabUsername?: string;
}

export interface TimelineEntry {
  at: number;
  actor: string;
  action: string;
  note?: string;
}

/** The owning system, resolved from the registry when the request opens. */
export interface SystemRef {
  id: string;
  name: string;
  gitlabLabel: string;
  gitlabOwners: string;
  slackOwners: string;
  /** Issue template names in the tracker (`.gitlab/issue_templates/<name>.md`); absent in plans recorded before templates were used. */
  issueTemplate?: string;
  accessRequestTemplate?: string;
}

/** Who stands behind a tier: the Slack user group mentioned when a request reaches it. */
export interface TierContact {
  tier: Tier;
  name: string;
  slackGroup: string;
  /** GitLab group mentioned on the tracker issue when the request reaches the tier (absent in older plans). */
  gitlabGroup?: string;
}

export interface RequestLinks {
  slackChannel: string | null;
  /** The thread's first message. */
  slackTs: string | null;
  /** tierflow's Block Kit status message, updated in place (the thread's first message, or a reply in the requester's own thread). */
  statusTs: string | null;
  slackThread: string | null;
  gitlabIssueIid: number | null;
  /** The numeric id of the project holding the issue, as GitLab reported it (absent in states carried from before it was kept). */
  gitlabProjectId?: number | null;
  gitlabIssue: string | null;
  /** A crisis's swarm channel (Slack channel id), once created. */
  swarmChannel?: string | null;
  /** The post-incident review issue (URL) of a request resolved at Tier 5, once opened. */
  reviewIssue?: string | null;
}

/** Everything that happens to a request, as announced in Slack and GitLab. */
export type RequestEvent =
  | 'acknowledged'
  | 'resolved'
  | 'self_served'
  | 'escalated'
  | 'sla_warning'
  | 'sla_breached'
  | 'reminder'
  | 'waiting_on_requester'
  | 'resumed'
  | 'reassigned'
  | 'priority_changed'
  | 'comment'
  | 'reopened'
  | 'cancelled'
  /** A crisis's swarm channel was opened (the note names it). */
  | 'swarm_opened'
  /** Coverage opened: what was held while it was closed (a breach's escalation, mentions) is announced now. */
  | 'coverage_opened'
  /** A request resolved at Tier 5 got its post-incident review issue (the note links it). */
  | 'review_opened';

/**
 * What the workflow must carry out after a decision. Every effect has an id unique within the
 * request, so an activity retried after an ambiguous failure can find what it already did.
 */
export type Effect =
  | { id: string; kind: 'post_thread'; mentions: string[] }
  | { id: string; kind: 'open_tracker_issue'; reason: string }
  | { id: string; kind: 'thread_reply'; event: RequestEvent; note?: string; mentions: string[] }
  /**
   * `mentions`: GitLab group paths (no `@`) to cc on the note. Absent in effects decided before the
   * domain chose them: the activity then follows the old rule (the owners, on entering a tier).
   */
  | { id: string; kind: 'sync_tracker'; event: RequestEvent; note?: string; mentions?: string[] }
  /** A crisis: create its swarm channel, invite the Tier 5 group, the system owners and the requester. */
  | { id: string; kind: 'open_swarm' }
  /**
   * A request resolved at Tier 5: open its post-incident review issue in the tracker, assigned to
   * `group` (the Tier 5 GitLab group: its members, GitLab cannot assign a group) and cc'ing `cc`
   * (GitLab group paths, no `@`). Not named `mentions`: a review is a task for the days after,
   * not a page held for coverage.
   */
  | { id: string; kind: 'open_review_issue'; group: string | null; cc: string[] };

/** The request's state: plain data, carried whole across continue-as-new. */
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
  /** The status to return to when a paused request resumes. */
  statusBeforePause: RequestStatus | null;
  resolution: Resolution | null;
  assignee: string | null;
  clocks: SlaClock[];
  slaBreached: boolean;
  /** When the next reminder of a breach at the top tier is due (coverage-aware), if any. */
  nextReminderAt: number | null;
  remindersSent: number;
  links: RequestLinks;
  /**
   * The request's recent history: the opening entry and the latest ones, at most
   * {@link TIMELINE_LIMIT} in all, notes cut to {@link TIMELINE_NOTE_CHARS}. The full text of
   * comments lives where it was written (Slack, GitLab); the state stays small whatever users send.
   */
  timeline: TimelineEntry[];
  /** How many entries were ever recorded (the timeline keeps only the latest). */
  timelineTotal: number;
  /** How many entries of each action were ever recorded, e.g. `{ comment: 2412 }`. */
  timelineCounts: Record<string, number>;
  resolvedAt: number | null;
  effectSeq: number;
  /** What waits for coverage to open (a breach's escalation, mentions); absent or null when nothing does. */
  held?: Held | null;
  /** How the request did against its SLA so far (absent in states carried from before it was kept). */
  outcome?: SlaOutcome;
  /** True once a post-incident review was decided (opened or on its way): a request gets one review, however often it is reopened. */
  reviewDecided?: boolean;
}

export interface Decision {
  state: RequestState;
  effects: Effect[];
  /** What the decision did to SLA clocks and tiers (for metrics), in the order it happened. */
  events: DecisionEvent[];
}

/** The context every decision needs: time, coverage calendar, SLA policy and tier contacts. */
export interface DecisionContext {
  now: number;
  calendar: CoverageCalendar;
  policy: SlaPolicy;
  contacts: TierContact[];
  /**
   * Rules a request keeps from the version of the workflow that started it (the workflow decides
   * these with `patched`, so a running request replays as it ran). Absent: today's rules.
   */
  legacy?: {
    /** Escalating a request that waits on the requester started the new tier's clocks running. */
    escalationStartsClocks?: boolean;
    /** Mentions and breach escalations went out at any hour (nothing was held for coverage to open). */
    announceOutsideCoverage?: boolean;
    /** A resolved crisis opened no post-incident review issue, and no SLA outcome was published. */
    beforeOperations?: boolean;
  };
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
  /** Slack groups to mention in the first post (analysts on shift, or the starting tier's group). */
  mentions: string[];
  /** Why the tracker issue opens with the request although it starts at Tier 2 (an access request), if it does. */
  openTrackerIssue?: string;
  /** A crisis: open its swarm channel. */
  swarm?: boolean;
  /** The tracker issue the request came from, if it came from GitLab. */
  gitlabIssue?: { iid: number; url: string; projectId?: number };
  /** The Slack message the request came from: its thread is the request's thread. */
  slackMessage?: { channel: string; ts: string };
}

/** Statuses in which a request is being worked on (clocks may run). */
export const ACTIVE_STATUSES: readonly RequestStatus[] = ['open', 'acknowledged', 'waiting_on_requester'];

export function isActive(state: RequestState): boolean {
  return ACTIVE_STATUSES.includes(state.status);
}

/** Who an announcement pages: Slack user-group handles and GitLab group paths (no `@`). */
export interface Page {
  slack: string[];
  gitlab: string[];
}

/** An announcement that pages nobody. */
export const NOBODY: Page = { slack: [], gitlab: [] };

const unique = (items: string[]): string[] => [...new Set(items)];

/**
 * The people a tier's announcements page: the tier's groups (Slack and GitLab), and at Tier 3 the
 * system owners too, since they are the tier's engineers for their system (the handbook's table).
 * @example tierPage(ctx, 3, okta) // { slack: ['corpsec-engineers', 'sysowners-okta-sso'], gitlab: ['…/corp', '…/sys/okta'] }
 */
export function tierPage(ctx: DecisionContext, tier: Tier, system: SystemRef | null): Page {
  const contact = ctx.contacts.find((c) => c.tier === tier);
  const slack = contact ? [contact.slackGroup] : [];
  const gitlab = contact?.gitlabGroup ? [contact.gitlabGroup] : [];
  if (tier === 3 && system) {
    slack.push(system.slackOwners);
    gitlab.push(system.gitlabOwners);
  }
  return { slack: unique(slack), gitlab: unique(gitlab) };
}

/** The owners of a system as a page (a reassignment tells the new owners). */
export function ownersPage(system: SystemRef): Page {
  return { slack: [system.slackOwners], gitlab: [system.gitlabOwners] };
}

/** The clocks a tier starts with, targeted from the policy for the request's priority. */
export function clocksForTier(tier: Tier, priority: Priority, ctx: DecisionContext): SlaClock[] {
  const targets = targetsFor(ctx.policy, tier, priority);
  const start = (kind: ClockKind, targetMs: number) => startClock({ kind, tier, targetMs, warningFraction: ctx.policy.warningFraction }, ctx.now);
  return [start('first_response', targets.firstResponseMs), start('resolution', targets.resolutionMs)];
}

/** Most entries a request's timeline keeps: the opening one and the latest. */
export const TIMELINE_LIMIT = 40;
/** Longest note a timeline entry keeps (the full text is in Slack or GitLab). */
export const TIMELINE_NOTE_CHARS = 300;

function clipNote(entry: TimelineEntry): TimelineEntry {
  if (entry.note === undefined || entry.note.length <= TIMELINE_NOTE_CHARS) return entry;
  return { ...entry, note: `${entry.note.slice(0, TIMELINE_NOTE_CHARS - 1).trimEnd()}…` };
}

function countActions(timeline: readonly TimelineEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of timeline) counts[entry.action] = (counts[entry.action] ?? 0) + 1;
  return counts;
}

/**
 * Appends a timeline entry, keeping the timeline bounded: the opening entry stays, the oldest
 * of the rest go, and the totals keep counting.
 */
export function record(state: RequestState, entry: TimelineEntry): RequestState {
  const appended = [...state.timeline, clipNote(entry)];
  const timeline = appended.length > TIMELINE_LIMIT ? [appended[0]!, ...appended.slice(appended.length - (TIMELINE_LIMIT - 1))] : appended;
  const timelineCounts = { ...state.timelineCounts, [entry.action]: (state.timelineCounts[entry.action] ?? 0) + 1 };
  return { ...state, timeline, timelineTotal: state.timelineTotal + 1, timelineCounts };
}

/**
 * A state carried over continue-as-new by an earlier version of the workflow, brought to the
 * current shape: a timeline of any length is bounded, and its totals are counted from it.
 */
export function upgradeState(carried: RequestState): RequestState {
  if (typeof carried.timelineTotal === 'number' && carried.timelineCounts) return carried;
  const { timeline } = carried;
  const bounded = timeline.length > TIMELINE_LIMIT ? [timeline[0]!, ...timeline.slice(timeline.length - (TIMELINE_LIMIT - 1))] : timeline;
  return { ...carried, timeline: bounded.map(clipNote), timelineTotal: timeline.length, timelineCounts: countActions(timeline) };
}

/** An effect before {@link withEffects} gives it its id. */
export type EffectBody = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

/** Adds effects with ids `<request id>#<n>`; the counter lives in the state so ids survive replay and continue-as-new. */
export function withEffects(state: RequestState, bodies: EffectBody[], events: DecisionEvent[] = []): Decision {
  let seq = state.effectSeq;
  const effects = bodies.map((body) => ({ ...body, id: `${state.id}#${++seq}` }) as Effect);
  return { state: { ...state, effectSeq: seq }, effects, events };
}

/** Announces an event in the Slack thread and, once there is one, on the tracker issue, paging `page` in each. */
export function announce(state: RequestState, event: RequestEvent, note?: string, page: Page = NOBODY): EffectBody[] {
  const bodies: EffectBody[] = [{ kind: 'thread_reply', event, mentions: page.slack, ...(note ? { note } : {}) }];
  if (state.links.gitlabIssueIid !== null || state.tier >= 3) bodies.push({ kind: 'sync_tracker', event, mentions: page.gitlab, ...(note ? { note } : {}) });
  return bodies;
}

/**
 * Opens a request at its starting tier: clocks running, the thread to post, the tracker issue when
 * it starts at Tier 3 or above (change and crisis requests) or when asked (an access request, opened
 * from the system's access-request template, stays with the helpdesk), and a crisis's swarm channel.
 */
export function openRequest(input: NewRequest, ctx: DecisionContext): Decision {
  const priority = input.priority ?? ctx.policy.defaultPriority;
  // Tier 1 (self-service guides) happens at intake; the request stands at Tier 2 at once.
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
    statusBeforePause: null,
    resolution: null,
    assignee: null,
    clocks: clocksForTier(tier, priority, ctx),
    slaBreached: false,
    nextReminderAt: null,
    remindersSent: 0,
    links: {
      slackChannel: input.slackMessage?.channel ?? null,
      slackTs: input.slackMessage?.ts ?? null,
      statusTs: null,
      slackThread: null,
      gitlabIssueIid: input.gitlabIssue?.iid ?? null,
      gitlabProjectId: input.gitlabIssue?.projectId ?? null,
      gitlabIssue: input.gitlabIssue?.url ?? null,
    },
    timeline: [{ at: ctx.now, actor: input.requester.email, action: 'opened', note: `Tier ${tier}, ${priority}` }],
    timelineTotal: 1,
    timelineCounts: { opened: 1 },
    resolvedAt: null,
    effectSeq: 0,
  };
  const bodies: EffectBody[] = [{ kind: 'post_thread', mentions: input.mentions }];
  if (!input.gitlabIssue && (tier >= 3 || input.openTrackerIssue)) {
    bodies.push({ kind: 'open_tracker_issue', reason: tier >= 3 ? `${input.type} request starts at Tier ${tier}` : input.openTrackerIssue! });
  }
  if (input.swarm) bodies.push({ kind: 'open_swarm' });
  return holdOutsideCoverage(withEffects(state, bodies), ctx);
}

/**
 * A crisis's swarm channel is open: linked from the thread and the issue, and from now on every
 * announcement is mirrored there.
 */
export function swarmOpened(state: RequestState, channel: { id: string; name: string }, ctx: DecisionContext): Decision {
  const next = record(
    { ...state, links: { ...state.links, swarmChannel: channel.id } },
    { at: ctx.now, actor: 'tierflow', action: 'swarm_opened', note: `#${channel.name}` },
  );
  return withEffects(next, announce(next, 'swarm_opened', `Swarm channel #${channel.name}`));
}

/**
 * Moves a request up one tier with the reason recorded: the new tier's clocks start, the tracker
 * issue opens on entering Tier 3, and the new tier's group is mentioned. A request waiting on the
 * requester keeps waiting: the new tier's clocks start paused, and it resumes as open (unassigned).
 */
export function escalate(state: RequestState, actor: string, reason: string, ctx: DecisionContext, cause: EscalationCause = 'manual'): Decision {
  const from = state.tier;
  const tier = Math.min(5, from + 1) as Tier;
  const waiting = state.status === 'waiting_on_requester' && !ctx.legacy?.escalationStartsClocks;
  const clocks = clocksForTier(tier, state.priority, ctx);
  const next = record(
    {
      ...state,
      tier,
      status: state.status === 'waiting_on_requester' ? 'waiting_on_requester' : 'open',
      statusBeforePause: waiting ? 'open' : state.statusBeforePause,
      assignee: null,
      clocks: waiting ? clocks.map((c) => pauseClock(c, ctx.calendar, ctx.now)) : clocks,
      nextReminderAt: null,
      // An escalation held for coverage is done now; held mentions still go out when it opens.
      ...(state.held ? { held: { ...state.held, escalation: null } } : {}),
    },
    { at: ctx.now, actor, action: 'escalated', note: `Tier ${from} → Tier ${tier}: ${reason}` },
  );
  const bodies: EffectBody[] = [];
  if (tier >= 3 && next.links.gitlabIssueIid === null) bodies.push({ kind: 'open_tracker_issue', reason });
  bodies.push(...announce(next, 'escalated', reason, tierPage(ctx, tier, next.system)));
  return withEffects(next, bodies, [{ kind: 'escalated', from, to: tier, cause }]);
}
