/**
 * The contract of `helpRequestWorkflow`: its input, the status it reports, its messages and task
 * queues. Shared by the workflow, the worker, the intake and the tests; no name is spelled twice.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { CoverageCalendar } from '../domain/calendar.js';
import type { GuideLink } from '../domain/registry.js';
import type { ActionArgs, Requester, SystemRef } from '../domain/request.js';
import type { SlaPolicy } from '../domain/sla-policy.js';
import type { RequestStatusView } from '../domain/status-view.js';
import type { Priority, RequestType, Tier } from '../domain/types.js';

export type { ClockView, RequestStatusView, TimelineView } from '../domain/status-view.js';

/** Task queue of the workflow and its orchestration activities. */
export const HELP_REQUEST_TASK_QUEUE = 'tierflow-requests';

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
  calendar: CoverageCalendar;
  policy: SlaPolicy;
}

export const statusQuery = defineQuery<RequestStatusView>('status');
export const acknowledgeUpdate = defineUpdate<RequestStatusView, [ActionArgs]>('acknowledge');
export const resolveUpdate = defineUpdate<RequestStatusView, [ActionArgs]>('resolve');
/** Fire-and-forget twins of the updates, for webhooks and the Temporal UI. */
export const acknowledgeSignal = defineSignal<[ActionArgs]>('acknowledgeSignal');
export const resolveSignal = defineSignal<[ActionArgs]>('resolveSignal');

/** Engineer actions reachable over HTTP, each an Update with a validator. */
export const ACTION_UPDATES = {
  acknowledge: acknowledgeUpdate,
  resolve: resolveUpdate,
} as const;
export type EngineerActionName = keyof typeof ACTION_UPDATES;
