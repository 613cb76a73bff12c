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
import { StatusKey } from '../workflows/search-attributes.js';

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

export interface RequestGateway {
  start(input: HelpRequestInput): Promise<StartResult>;
  status(id: string): Promise<RequestStatusView>;
  act(id: string, action: EngineerActionName, args: ActionArgs, updateId?: string): Promise<RequestStatusView>;
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

/** Gateway over a Temporal client; `timeoutMs` bounds every call. */
export function createTemporalGateway(client: Client, opts: { timeoutMs?: number; taskQueue?: string } = {}): RequestGateway {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const bounded = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + timeoutMs, fn);

  async function closedStatus(id: string): Promise<string | null> {
    const description = await bounded(() => client.workflow.getHandle(id).describe());
    if (description.status.name === 'RUNNING') return null;
    return description.typedSearchAttributes.get(StatusKey) ?? description.status.name.toLowerCase();
  }

  return {
    async start(input) {
      try {
        await bounded(() =>
          client.workflow.start('helpRequestWorkflow', {
            workflowId: input.id,
            taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `Help request: ${input.summary}`.slice(0, 200),
            staticDetails: `From ${input.requester.email} via ${input.source}${input.system ? `, system ${input.system}` : ''}`,
          }),
        );
        return { id: input.id, status: 'open', duplicate: false };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) translate(err, input.id);
      }
      try {
        const description = await bounded(() => client.workflow.getHandle(input.id).describe());
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

    async act(id, action, args, updateId) {
      try {
        return await bounded(() =>
          client.workflow.getHandle(id).executeUpdate(ACTION_UPDATES[action], { args: [args], ...(updateId ? { updateId } : {}) }),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND)) {
          const closed = await closedStatus(id).catch((e) => translate(e, id));
          if (closed) throw new GatewayError('conflict', `cannot ${action}: request is ${closed}`);
        }
        translate(err, id);
      }
    },
  };
}
