/**
 * The intake's only door to Temporal: start a request (idempotently), read its status, run an
 * engineer action as an Update. Temporal errors become typed gateway errors the HTTP layer maps to
 * status codes; every call has a deadline so an unreachable server answers 503, not a hang.
 */
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';

import type { ActionArgs } from '../domain/request-actions.js';
import {
  ACTION_UPDATES,
  HELP_REQUEST_TASK_QUEUE,
  statusQuery,
  type EngineerActionName,
  type HelpRequestInput,
  type RequestStatusView,
} from '../workflows/contracts.js';
import { SlackThreadKey, StatusKey } from '../workflows/search-attributes.js';
import { SLACK_NOTICE_WORKFLOW, slackNoticeId, type SlackNoticeInput } from '../workflows/slack-notice.js';

export type GatewayErrorCode = 'not_found' | 'conflict' | 'unavailable';

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

/** Per-call options: Slack wants an answer within 3 s, so its routes bound calls tighter. */
export interface CallOptions {
  timeoutMs?: number;
}

export interface RequestGateway {
  start(input: HelpRequestInput, opts?: CallOptions): Promise<StartResult>;
  status(id: string): Promise<RequestStatusView>;
  /** Runs an action as an Update; the same `updateId` (a delivery id) is applied once by Temporal. */
  act(id: string, action: EngineerActionName, args: ActionArgs, updateId?: string, opts?: CallOptions): Promise<RequestStatusView>;
  /** The request whose Slack thread is `<channel>/<threadTs>` (the `SlackThread` search attribute), or null. */
  findBySlackThread(channel: string, threadTs: string, opts?: CallOptions): Promise<string | null>;
  /** Starts the notice workflow for one Slack event, once (`slack-notice-<event id>`). */
  startNotice(eventId: string, notice: SlackNoticeInput, opts?: CallOptions): Promise<{ id: string; duplicate: boolean }>;
}

const UNAVAILABLE = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED]);

function translate(err: unknown, id: string): never {
  if (err instanceof GatewayError) throw err;
  if (err instanceof WorkflowNotFoundError) throw new GatewayError('not_found', `no request with id ${id}`);
  if (err instanceof WorkflowUpdateFailedError) {
    throw new GatewayError('conflict', err.cause?.message ?? err.message);
  }
  const grpc = isGrpcServiceError(err) ? err : isGrpcServiceError((err as { cause?: unknown })?.cause) ? (err as { cause: unknown }).cause : null;
  if (grpc && isGrpcServiceError(grpc)) {
    if (UNAVAILABLE.has(grpc.code)) throw new GatewayError('unavailable', 'Temporal is unreachable; retry later');
    if (grpc.code === grpcStatus.NOT_FOUND) throw new GatewayError('not_found', `no request with id ${id}`);
  }
  if (err instanceof Error && /deadline|unavailable|ECONNREFUSED|connect/i.test(err.message)) {
    throw new GatewayError('unavailable', 'Temporal is unreachable; retry later');
  }
  throw err;
}

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
    staticDetails: `From ${input.requester.email} via ${input.source}${input.system ? `, system ${input.system}` : ''}`,
  };
}

/** Gateway over a Temporal client; `timeoutMs` bounds every call. */
export function createTemporalGateway(client: Client, opts: { timeoutMs?: number; taskQueue?: string } = {}): RequestGateway {
  const timeoutMs = opts.timeoutMs ?? 5_000;
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
        await bounded(() =>
          client.workflow.start('helpRequestWorkflow', helpRequestStartOptions(input, taskQueue)),
          call,
        );
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
        if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND)) {
          const closed = await closedStatus(id).catch((e) => translate(e, id));
          if (closed) throw new GatewayError('conflict', `cannot ${action}: request is ${closed}`);
        }
        translate(err, id);
      }
    },

    async findBySlackThread(channel, threadTs, call) {
      // Both parts are validated Slack ids/timestamps (no quotes), so the query cannot be broken out of.
      if (!/^[A-Z0-9]+$/.test(channel) || !/^[0-9.]+$/.test(threadTs)) return null;
      const query = `${SlackThreadKey.name} = '${channel}/${threadTs}' AND WorkflowType = 'helpRequestWorkflow'`;
      try {
        return await bounded(async () => {
          for await (const execution of client.workflow.list({ query, pageSize: 1 })) return execution.workflowId;
          return null;
        }, call);
      } catch (err) {
        translate(err, `${channel}/${threadTs}`);
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
  };
}
