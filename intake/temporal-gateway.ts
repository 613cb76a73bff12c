/**
 * The intake's only door to Temporal: start a request (idempotently), read its status, run an
 * engineer action as an Update, list requests and report SLA attainment from visibility. Temporal
 * errors become typed gateway errors the HTTP layer maps to status codes; every call has a deadline
 * so an unreachable server answers 503, not a hang.
 */
import {
  isGrpcServiceError,
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';

import type { ActionArgs } from '../domain/request-actions.js';
import type { AutomationCandidate, SlaReport } from '../domain/sla-report.js';
import {
  ACTION_UPDATES,
  HELP_REQUEST_TASK_QUEUE,
  HELP_REQUEST_WORKFLOW,
  helpRequestStartOptions,
  statusQuery,
  type ActionName,
  type HelpRequestInput,
  type RequestStatusView,
} from '../contracts/help-request.js';
import { INVALID_TRANSITION } from '../contracts/failures.js';
import { FilterError, type RequestFilter } from '../contracts/request-list.js';
import { SlackThreadKey, StatusKey, trackerIssueQuery, trackerIssueValue, TrackerIssueKey } from '../contracts/search-attributes.js';
import { SLACK_NOTICE_WORKFLOW, slackNoticeId, type SlackNoticeInput } from '../contracts/slack-notice.js';
import { CursorError, listRequests, type RequestPage } from '../queries/requests.js';
import { readSlaReport } from '../queries/sla-report.js';

export type GatewayErrorCode = 'not_found' | 'conflict' | 'unavailable' | 'rejected';

/** A Temporal outcome the HTTP layer maps to a status code: 404, 409, 503 (with Retry-After) or 400. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface StartResult {
  id: string;
  status: string;
  duplicate: boolean;
}

/** What a request records of its tracker issue. */
export interface TrackerIssueRecord {
  running: boolean;
  /** `<project id>#<iid>`, or null while the request has no tracker issue. */
  trackerIssue: string | null;
}

/** The range of an SLA report, `[since, until)` in epoch ms, and the automation candidates to show with it. */
export interface SlaReportRange {
  since: number;
  until: number;
  automation?: readonly AutomationCandidate[];
}

/** Per-call options: Slack wants an answer within 3 s, so its routes bound calls tighter. */
export interface CallOptions {
  timeoutMs?: number;
}

export interface RequestGateway {
  start(input: HelpRequestInput, opts?: CallOptions): Promise<StartResult>;
  status(id: string): Promise<RequestStatusView>;
  /** Runs an action as an Update; the same `updateId` (a delivery id) is applied once by Temporal. */
  act(id: string, action: ActionName, args: ActionArgs, updateId?: string, opts?: CallOptions): Promise<RequestStatusView>;
  /** The request whose Slack thread is `<channel>/<threadTs>` (the `SlackThread` search attribute), or null. */
  findBySlackThread(channel: string, threadTs: string, opts?: CallOptions): Promise<string | null>;
  /**
   * The request that records tracker issue `<projectId>#<iid>` (the `TrackerIssue` search
   * attribute, set from what GitLab answered tierflow), running or not; null when none does, or
   * when more than one does (never a guess).
   */
  findByTrackerIssue(projectId: number, iid: number, opts?: CallOptions): Promise<string | null>;
  /**
   * What request `id` records of its tracker issue (`TrackerIssue` as the workflow itself holds it,
   * without visibility's lag), or null when there is no such request.
   */
  trackerIssueOf(id: string, opts?: CallOptions): Promise<TrackerIssueRecord | null>;
  /** Starts the notice workflow for one Slack event, once (`slack-notice-<event id>`). */
  startNotice(eventId: string, notice: SlackNoticeInput, opts?: CallOptions): Promise<{ id: string; duplicate: boolean }>;
  /**
   * One page of the requests matching `filter`, from visibility (no workflow is queried). A filter
   * that cannot be used throws `FilterError`, a cursor this service did not give out `CursorError`:
   * both are the caller's to answer with 400.
   */
  listRequests(filter: RequestFilter, page?: { cursor?: string; pageSize?: number }, opts?: CallOptions): Promise<RequestPage>;
  /** SLA attainment of the requests opened in `[since, until)`, read from visibility (every page). */
  slaReport(range: SlaReportRange, opts?: CallOptions): Promise<SlaReport>;
}

const UNREACHABLE = 'Temporal is unreachable; retry later';

/** The gRPC status of a Temporal client error: the error itself, or the cause a `ServiceError` wraps. */
function grpcCodeOf(err: unknown): number | null {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return null;
}

/**
 * Maps a Temporal client error to a gateway error, by failure type and gRPC status code only:
 * - a refused transition (the Update validator's `InvalidTransition`) → conflict (409);
 * - no such workflow → not found (404); an argument Temporal refuses → rejected (400);
 * - everything else that is not the caller's fault — unreachable, deadline, too many Updates in
 *   flight on one request, a workflow that cannot answer right now — → unavailable (503).
 */
export function translateTemporalError(err: unknown, id: string): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof WorkflowNotFoundError || err instanceof QueryNotRegisteredError) return new GatewayError('not_found', `no request with id ${id}`);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === INVALID_TRANSITION) return new GatewayError('conflict', cause.message);
    return new GatewayError('unavailable', `request ${id} could not apply the action right now; retry later`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err instanceof QueryRejectedError) {
    return new GatewayError('unavailable', `request ${id} did not answer in time; retry later`);
  }
  switch (grpcCodeOf(err)) {
    case grpcStatus.NOT_FOUND:
      return new GatewayError('not_found', `no request with id ${id}`);
    case grpcStatus.INVALID_ARGUMENT:
      return new GatewayError('rejected', `Temporal refused the call for ${id}: ${(err as Error).message.slice(0, 200)}`);
    case grpcStatus.FAILED_PRECONDITION:
      // An Update that met the workflow task in which the run continued as new (the server failed
      // that task with UnhandledCommand), or a workflow whose task is failing for now (a worker
      // killed mid-task: WorkflowNotReady, "Workflow Task in failed state"): a worker takes it on
      // its next attempt, so this is "retry", not "refused".
      if (
        /unexpected workflow task failure|workflow task in failed state|WorkflowNotReady/i.test(
          `${(err as Error).message} ${((err as Error).cause as Error | undefined)?.message ?? ''}`,
        )
      )
        return new GatewayError('unavailable', `request ${id} was busy; retry the action`);
      return new GatewayError('conflict', `request ${id} cannot take this now`);
    case grpcStatus.ALREADY_EXISTS:
      return new GatewayError('conflict', `request ${id} cannot take this now`);
    case grpcStatus.RESOURCE_EXHAUSTED:
      return new GatewayError('unavailable', `request ${id} is busy with other actions; retry later`);
    case grpcStatus.UNAVAILABLE:
    case grpcStatus.DEADLINE_EXCEEDED:
    case grpcStatus.CANCELLED:
    case null:
      return new GatewayError('unavailable', UNREACHABLE);
    default:
      return new GatewayError('unavailable', `Temporal could not answer for ${id}; retry later`);
  }
}

function translate(err: unknown, id: string): never {
  throw translateTemporalError(err, id);
}

/** Most requests one SLA report reads (visibility pages of 200); the route also bounds the range it may ask for. */
export const MAX_REPORT_REQUESTS = 50_000;

/**
 * Gateway over a Temporal client; `timeoutMs` bounds every call, `reportTimeoutMs` an SLA report
 * (all its visibility pages together; default 30 s).
 */
export function createTemporalGateway(client: Client, opts: { timeoutMs?: number; reportTimeoutMs?: number; taskQueue?: string } = {}): RequestGateway {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const reportTimeoutMs = opts.reportTimeoutMs ?? 30_000;
  const taskQueue = opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE;
  const bounded = <T>(fn: () => Promise<T>, call?: CallOptions) => client.connection.withDeadline(Date.now() + (call?.timeoutMs ?? timeoutMs), fn);

  async function closedStatus(id: string): Promise<string | null> {
    const description = await bounded(() => client.workflow.getHandle(id).describe());
    if (description.status.name === 'RUNNING') return null;
    return description.typedSearchAttributes.get(StatusKey) ?? description.status.name.toLowerCase();
  }

  return {
    async start(input, call) {
      try {
        await bounded(() => client.workflow.start(HELP_REQUEST_WORKFLOW, helpRequestStartOptions(input, taskQueue)), call);
        return { id: input.id, status: 'open', duplicate: false };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) translate(err, input.id);
      }
      try {
        const description = await bounded(() => client.workflow.getHandle(input.id).describe(), call);
        return { id: input.id, status: description.typedSearchAttributes.get(StatusKey) ?? 'open', duplicate: true };
      } catch (err) {
        translate(err, input.id);
      }
    },

    async status(id) {
      try {
        return await bounded(() => client.workflow.getHandle(id).query(statusQuery));
      } catch (err) {
        translate(err, id);
      }
    },

    async act(id, action, args, updateId, call) {
      try {
        return await bounded(
          () => client.workflow.getHandle(id).executeUpdate(ACTION_UPDATES[action], { args: [args], ...(updateId ? { updateId } : {}) }),
          call,
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || grpcCodeOf(err) === grpcStatus.NOT_FOUND) {
          const closed = await closedStatus(id).catch((e) => translate(e, id));
          if (closed) throw new GatewayError('conflict', `cannot ${action}: request is ${closed}`);
        }
        translate(err, id);
      }
    },

    async findBySlackThread(channel, threadTs, call) {
      // Both parts are validated Slack ids/timestamps (no quotes), so the query cannot be broken out of.
      if (!/^[A-Z0-9]+$/.test(channel) || !/^[0-9.]+$/.test(threadTs)) return null;
      const query = `${SlackThreadKey.name} = '${channel}/${threadTs}' AND WorkflowType = '${HELP_REQUEST_WORKFLOW}'`;
      try {
        return await bounded(async () => {
          for await (const execution of client.workflow.list({ query, pageSize: 1 })) return execution.workflowId;
          return null;
        }, call);
      } catch (err) {
        translate(err, `${channel}/${threadTs}`);
      }
    },

    async findByTrackerIssue(projectId, iid, call) {
      // Both parts must be positive integers, so the quoted value cannot break out of the query.
      const value = trackerIssueValue(projectId, iid);
      if (!value) return null;
      const query = trackerIssueQuery([value]);
      try {
        return await bounded(async () => {
          const ids = new Set<string>();
          for await (const execution of client.workflow.list({ query, pageSize: 2 })) {
            ids.add(execution.workflowId);
            if (ids.size > 1) break;
          }
          return ids.size === 1 ? [...ids][0]! : null;
        }, call);
      } catch (err) {
        translate(err, value);
      }
    },

    async trackerIssueOf(id, call) {
      try {
        const description = await bounded(() => client.workflow.getHandle(id).describe(), call);
        if (description.type !== HELP_REQUEST_WORKFLOW) return null;
        return { running: description.status.name === 'RUNNING', trackerIssue: description.typedSearchAttributes.get(TrackerIssueKey) ?? null };
      } catch (err) {
        const failure = translateTemporalError(err, id);
        if (failure.code === 'not_found') return null;
        throw failure;
      }
    },

    async startNotice(eventId, notice, call) {
      const id = slackNoticeId(eventId);
      try {
        await bounded(
          () =>
            client.workflow.start(SLACK_NOTICE_WORKFLOW, {
              workflowId: id,
              taskQueue,
              args: [notice],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              staticSummary: `Slack notice: ${notice.kind} to ${notice.user}`,
            }),
          call,
        );
        return { id, duplicate: false };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { id, duplicate: true };
        translate(err, id);
      }
    },

    async listRequests(filter, page = {}, call) {
      try {
        return await bounded(() => listRequests(client, filter, page), call);
      } catch (err) {
        if (err instanceof FilterError || err instanceof CursorError) throw err;
        translate(err, 'the request list');
      }
    },

    async slaReport(range, call) {
      try {
        return await bounded(
          () =>
            readSlaReport(client, {
              since: range.since,
              until: range.until,
              limit: MAX_REPORT_REQUESTS,
              ...(range.automation ? { automation: range.automation } : {}),
            }),
          { timeoutMs: call?.timeoutMs ?? reportTimeoutMs },
        );
      } catch (err) {
        if (err instanceof FilterError) throw err;
        translate(err, 'the SLA report');
      }
    },
  };
}
