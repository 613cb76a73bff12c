/**
 * The contract of `helpRequestWorkflow`: its input, the status it reports, its messages and task
 * queue. Shared by the workflow, the worker, the intake and the tests; no name is spelled twice.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { CoverageCalendar } from '../domain/calendar.js';
import type { GuideLink } from '../domain/registry.js';
import { ACTIONS, type ActionArgs, type ActionName } from '../domain/request-actions.js';
import type { Effect, Requester, RequestState, SystemRef, TierContact } from '../domain/request.js';
import type { SlaPolicy } from '../domain/sla-policy.js';
import type { RequestStatusView } from '../domain/status-view.js';
import type { Priority, RequestType, Tier } from '../domain/types.js';

export type { ActionArgs, ActionName } from '../domain/request-actions.js';
export type { RequestStatusView } from '../domain/status-view.js';

/** Task queue of the workflow and its activities. */
export const HELP_REQUEST_TASK_QUEUE = 'tierflow-requests';
/**
 * The task queues of a request's Slack and GitLab activities, beside its own: each is rate-limited
 * by the Temporal server for every worker at once, and one service's backlog never holds up the other.
 * @example laneTaskQueue('tierflow-requests', 'slack') // 'tierflow-requests-slack'
 */
export function laneTaskQueue(taskQueue: string, lane: EffectLane): string {
  return `${taskQueue}-${lane}`;
}

/** The two lanes effects run in: Slack (threads, replies, the status message, the swarm) and GitLab (the tracker issue). */
export type EffectLane = 'slack' | 'gitlab';
export const EFFECT_LANES: readonly EffectLane[] = ['slack', 'gitlab'];

/** The memo field holding the request's summary (at most 200 characters), as visibility lists return it. */
export const SUMMARY_MEMO = 'summary';

/** Workflow type name, for clients that start or list requests by name. */
export const HELP_REQUEST_WORKFLOW = 'helpRequestWorkflow';

/** Where a request came from. */
export type RequestSource = 'webhook' | 'slack' | 'gitlab';

/** What intake hands to the workflow: transport-level facts only, no decisions. */
export interface HelpRequestInput {
  id: string;
  source: RequestSource;
  requester: Requester;
  summary: string;
  description?: string;
  system?: string;
  type?: RequestType;
  priority?: Priority;
  /** The Slack message that asked (top-level in the help channel, or a slash command's channel): the request's thread is that message. */
  slackMessage?: { channel: string; ts: string };
  /** The GitLab issue that asked (opened in the tracker): it is the request's tracker issue. */
  gitlabIssue?: { iid: number; url: string; projectId?: number };
  /** Continue-as-new after this many history events (default 2,000; tests lower it). */
  historyLimit?: number;
}

/**
 * The decisions taken from the registry when a request opens, recorded once in history by a local
 * activity so a later configuration change never alters a running request's replay.
 */
export interface RequestPlan {
  system: SystemRef | null;
  type: RequestType;
  startTier: Tier;
  guides: GuideLink[];
  shadowItOwner: string | null;
  /** Slack groups mentioned in the first post: the analysts on shift (or the next shift to begin), or the starting tier's group. */
  mentions: string[];
  /**
   * The request's priority when it states none and the default does not fit: a crisis is P1.
   * Absent in plans recorded before it was decided here (the input's or the policy default applies).
   */
  priority?: Priority;
  /** Why the tracker issue opens with the request at Tier 2 (an access request, from the system's access-request template); absent: it does not. */
  openTrackerIssue?: string;
  /** A crisis: a swarm channel is opened for it (absent in older plans). */
  swarm?: { groups: string[] };
  /** The request's coverage calendar: the team's window, or around the clock for a crisis. */
  calendar: CoverageCalendar;
  policy: SlaPolicy;
  contacts: TierContact[];
  /** Every registry system, for reassignment. */
  systems: SystemRef[];
}

/** What continue-as-new carries: the whole state and the plan, so nothing is decided twice. */
export interface CarriedRequest {
  state: RequestState;
  plan: RequestPlan;
  /**
   * Effects decided and not yet carried out (announcements waiting for Slack or GitLab): the next
   * run carries them out, so continue-as-new never waits for a slow service. Absent in older runs.
   */
  pending?: Effect[];
}

export const statusQuery = defineQuery<RequestStatusView>('status');

type ActionUpdate = UpdateDefinition<RequestStatusView, [ActionArgs]>;
type ActionSignal = SignalDefinition<[ActionArgs]>;

/**
 * One Update per action (validated; the caller gets the new status or the refusal) and a Signal
 * of the same name for fire-and-forget senders (webhooks, the Temporal UI's "Send signal").
 */
export const ACTION_UPDATES = Object.fromEntries(ACTIONS.map((a) => [a, defineUpdate<RequestStatusView, [ActionArgs]>(a)])) as Record<ActionName, ActionUpdate>;
export const ACTION_SIGNALS = Object.fromEntries(ACTIONS.map((a) => [a, defineSignal<[ActionArgs]>(a)])) as Record<ActionName, ActionSignal>;

/**
 * How a request's workflow is started: its id is the business key, a closed request is never
 * started again, and the Temporal UI gets a static summary and details.
 */
export function helpRequestStartOptions(input: HelpRequestInput, taskQueue: string) {
  return {
    workflowId: input.id,
    taskQueue,
    args: [input] as [HelpRequestInput],
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    staticSummary: `Help request: ${input.summary}`.slice(0, 200),
    // Visibility lists return the memo: the request list and the Tier 4 grouping read the summary there.
    memo: { [SUMMARY_MEMO]: input.summary.slice(0, 200) },
    staticDetails: `From ${input.requester.email} via ${input.source}${input.system ? `, system ${input.system}` : ''}`,
  };
}
