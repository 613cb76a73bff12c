/**
 * A request as its workflow holds it: the state from the domain state machine, the plan decided
 * when it opened, the effects still to carry out, and a version that every decision bumps (the
 * main loop wakes on it). Only this class changes the state; handlers and the effect runner go
 * through it. Deterministic: time is the workflow's `Date.now()`.
 */
import { patched, workflowInfo } from '@temporalio/workflow';

import type { CarriedRequest, HelpRequestInput, RequestPlan } from '../contracts/help-request.js';
import type { ActionContext } from '../domain/request-actions.js';
import { nextWakeUp, onTimersDue, type WakeUp } from '../domain/request-timers.js';
import {
  isActive,
  openRequest,
  record,
  swarmOpened,
  upgradeState,
  type Decision,
  type Effect,
  type RequestLinks,
  type RequestState,
  type TimelineEntry,
} from '../domain/request.js';
import { reviewOpened } from '../domain/review.js';
import { toStatusView, type RequestStatusView } from '../domain/status-view.js';
import { NO_OUTCOME, nextOutcome } from '../domain/sla-outcome.js';
import { recordSlaMetrics } from './sla-metrics.js';

/**
 * Patch of 2026-12: escalating a request that waits on the requester starts the new tier's clocks
 * paused (they ran before). Decided once per run: a run started before it keeps the old rule, so
 * its history replays as it ran; a new run (or the next after continue-as-new) has the new one.
 */
export const PAUSED_ESCALATION_PATCH = 'paused-escalation-v1';

/**
 * Patch of 2026-12 (the handbook round): outside coverage mentions and a breach's escalation wait
 * for the window to open, and the status message is refreshed at SLA warnings too. A run started
 * before it keeps announcing at any hour and refreshing as it did, so its history replays.
 */
export const HANDBOOK_PATCH = 'handbook-v1';

/**
 * Patch of 2026-12 (running the desk): the request publishes its SLA outcome as search attributes
 * (`OpenedAt`, `FirstResponseMet`, …, read by the SLA report) and a resolved crisis opens its
 * post-incident review issue. A run started before it publishes and opens neither, so it replays.
 */
export const OPERATIONS_PATCH = 'operations-v1';

/** The rules of the workflow version a run started with, decided once per run (in this order). */
function rulesOfThisRun(): NonNullable<ActionContext['legacy']> {
  const escalationStartsClocks = !patched(PAUSED_ESCALATION_PATCH);
  const announceOutsideCoverage = !patched(HANDBOOK_PATCH);
  const beforeOperations = !patched(OPERATIONS_PATCH);
  return { escalationStartsClocks, announceOutsideCoverage, beforeOperations };
}

export class LiveRequest {
  /** Effects decided and not yet carried out, oldest first. */
  readonly pending: Effect[] = [];
  /** Bumped by every decision, so a wait can wake for any change, effects or not. */
  version = 0;
  #state: RequestState;
  private constructor(
    readonly input: HelpRequestInput,
    readonly plan: RequestPlan,
    state: RequestState,
    /** The rules of the workflow version this run started with (see {@link PAUSED_ESCALATION_PATCH}, {@link HANDBOOK_PATCH}). */
    readonly legacy: NonNullable<ActionContext['legacy']>,
  ) {
    this.#state = state;
  }

  /**
   * Opens a new request at its starting tier. Clocks start when the request was accepted (the
   * workflow's start), not when a busy worker first got to it.
   */
  static open(input: HelpRequestInput, plan: RequestPlan): LiveRequest {
    const acceptedAt = Math.min(Date.now(), workflowInfo().startTime.getTime());
    const legacy = rulesOfThisRun();
    const newRequest = {
      ...input,
      type: plan.type,
      priority: plan.priority ?? input.priority,
      system: plan.system,
      startTier: plan.startTier,
      mentions: plan.mentions,
      openTrackerIssue: plan.openTrackerIssue,
      swarm: plan.swarm !== undefined,
    };
    const opened = openRequest(newRequest, { ...contextOf(plan), now: acceptedAt, legacy });
    const request = new LiveRequest(input, plan, opened.state, legacy);
    request.pending.push(...opened.effects);
    return request;
  }

  /**
   * Takes over a request carried across continue-as-new (its state brought to the current shape),
   * with the effects the last run had not carried out yet.
   */
  static resume(input: HelpRequestInput, carried: CarriedRequest): LiveRequest {
    const request = new LiveRequest(input, carried.plan, upgradeState(carried.state), rulesOfThisRun());
    for (const effect of carried.pending ?? []) {
      request.pending.push(effect);
      request.carriedOver.add(effect.id);
    }
    return request;
  }

  /** Ids of effects carried from the last run: one may have been carried out already, so its activity looks first. */
  readonly carriedOver = new Set<string>();

  get state(): RequestState {
    return this.#state;
  }

  get active(): boolean {
    return isActive(this.#state);
  }

  /** What every decision needs, at the workflow's now. */
  ctx(): ActionContext {
    return { ...contextOf(this.plan), legacy: this.legacy };
  }

  /** Takes a decision of the state machine: its state, its effects queued, its SLA metrics emitted. */
  apply(decision: Decision): void {
    recordSlaMetrics(decision.events, this.#state);
    const outcome = nextOutcome(this.#state.outcome ?? NO_OUTCOME, decision.events, this.#state, decision.state, this.plan.calendar, Date.now());
    this.#state = { ...decision.state, outcome };
    this.pending.push(...decision.effects);
    this.version += 1;
  }

  /** Records something that happened outside a decision (an integration misconfigured). */
  note(entry: TimelineEntry): void {
    this.#state = record(this.#state, entry);
  }

  /** Keeps what an effect learned: the Slack thread, the tracker issue. */
  link(links: Partial<RequestLinks>): void {
    this.#state = { ...this.#state, links: { ...this.#state.links, ...links } };
  }

  /** The crisis's swarm channel is open: linked, announced, mirrored from now on. */
  swarmOpened(channel: { id: string; name: string }): void {
    this.apply(swarmOpened(this.#state, channel, this.ctx()));
  }

  /** The post-incident review issue is open: linked, recorded, announced in the thread (and the swarm) and on the tracker issue. */
  reviewOpened(issue: { url: string }): void {
    this.apply(reviewOpened(this.#state, issue, this.ctx()));
  }

  /** True when this run publishes its SLA outcome as search attributes (see {@link OPERATIONS_PATCH}). */
  get publishesOutcome(): boolean {
    return !this.legacy.beforeOperations;
  }

  /** A resolved request that stayed resolved through its reopen window. */
  close(): void {
    if (this.#state.status === 'resolved') this.#state = { ...this.#state, status: 'closed' };
  }

  /** The next warning, breach or reminder, if any. */
  nextWakeUp(): WakeUp | null {
    return nextWakeUp(this.#state, this.plan.calendar);
  }

  /** Handles whatever warnings, breaches and reminders are due now. */
  timersDue(): void {
    this.apply(onTimersDue(this.#state, this.ctx()));
  }

  view(): RequestStatusView {
    return toStatusView(this.#state, this.plan.calendar, Date.now(), this.plan.policy.reopenWindowMs);
  }

  /**
   * The state for an activity: without its history of events (only the latest), so payloads in the
   * workflow history stay small however long the timeline grows.
   */
  snapshot(): RequestState {
    return { ...this.#state, timeline: this.#state.timeline.slice(-1) };
  }

  /** What continue-as-new carries: the whole state and the plan, so nothing is decided twice. */
  carried(): CarriedRequest {
    return { state: this.#state, plan: this.plan };
  }
}

function contextOf(plan: RequestPlan): ActionContext {
  return { now: Date.now(), calendar: plan.calendar, policy: plan.policy, contacts: plan.contacts, systems: plan.systems };
}

/** The status of a request whose routing has not been decided yet (the first instants of its life). */
export function routingView(input: HelpRequestInput): RequestStatusView {
  return {
    id: input.id,
    tier: 2,
    status: 'open',
    priority: input.priority ?? 'P3',
    system: input.system ?? null,
    type: input.type ?? 'question',
    summary: input.summary,
    requester: input.requester.email,
    assignee: null,
    slaBreached: false,
    details: 'Routing the request',
    clocks: [],
    links: { slackThread: null, gitlabIssue: input.gitlabIssue?.url ?? null },
    timeline: [],
    timelineCounts: {},
    timelineOmitted: 0,
  };
}
