/**
 * Temporal errors become HTTP answers by failure type and gRPC status code only: a refused
 * transition is 409, an unknown request 404, and everything that is not the caller's fault (an
 * unreachable server, a deadline, too many Updates in flight, a workflow that cannot answer) 503.
 */
import { Metadata, status as grpcStatus, type ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import {
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { handleError } from '../../intake/http-errors.js';
import { GatewayError, translateTemporalError } from '../../intake/temporal-gateway.js';
import { INVALID_TRANSITION } from '../../contracts/failures.js';
import Fastify from 'fastify';

function grpcError(code: grpcStatus, details: string): GrpcServiceError {
  return Object.assign(new Error(`${code} ${grpcStatus[code]}: ${details}`), { code, details, metadata: new Metadata() });
}
const wrapped = (code: grpcStatus, details: string) => new ServiceError('Failed to call Temporal', { cause: grpcError(code, details) });

describe('translateTemporalError', () => {
  it.each([
    [
      'a refused transition',
      new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable('already acknowledged by grace', INVALID_TRANSITION)),
      'conflict',
    ],
    [
      'an Update failing for another reason',
      new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable('boom', 'SomethingElse')),
      'unavailable',
    ],
    ['an Update failing without a cause', new WorkflowUpdateFailedError('Workflow Update failed', undefined), 'unavailable'],
    ['an Update call that timed out', new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'), 'unavailable'],
    ['an unknown workflow', new WorkflowNotFoundError('not found', 'req-x', undefined), 'not_found'],
    ['a query the workflow does not know', new QueryNotRegisteredError('no query status', grpcStatus.INVALID_ARGUMENT), 'not_found'],
    ['a rejected query', new QueryRejectedError(2), 'unavailable'],
    [
      'too many Updates in flight on one request',
      wrapped(grpcStatus.RESOURCE_EXHAUSTED, 'limit on number of concurrent in-flight updates has been reached (10)'),
      'unavailable',
    ],
    ['an unreachable server', wrapped(grpcStatus.UNAVAILABLE, 'No connection established'), 'unavailable'],
    ['a deadline', grpcError(grpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'), 'unavailable'],
    ['an internal server error', wrapped(grpcStatus.INTERNAL, 'oops'), 'unavailable'],
    ['an unknown error', new Error('something odd'), 'unavailable'],
    ['a NOT_FOUND status', wrapped(grpcStatus.NOT_FOUND, 'workflow execution already completed'), 'not_found'],
    ['a payload Temporal refuses', wrapped(grpcStatus.INVALID_ARGUMENT, 'BlobSizeLimit exceeded'), 'rejected'],
    ['a failed precondition', wrapped(grpcStatus.FAILED_PRECONDITION, 'not now'), 'conflict'],
    [
      'an Update that met the continue-as-new (its task failed with UnhandledCommand)',
      wrapped(grpcStatus.FAILED_PRECONDITION, 'Unable to perform workflow execution update due to unexpected workflow task failure.'),
      'unavailable',
    ],
    [
      'an Update while the workflow task is failing (a worker was killed)',
      wrapped(grpcStatus.FAILED_PRECONDITION, 'Workflow Task in failed state.'),
      'unavailable',
    ],
  ])('maps %s to %s', (_what, err, code) => {
    expect(translateTemporalError(err, 'req-x').code).toBe(code);
  });

  it('keeps the refusal reason of a refused transition for the 409 body', () => {
    const err = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable('cannot resume: request is open', INVALID_TRANSITION));
    expect(translateTemporalError(err, 'req-x').message).toBe('cannot resume: request is open');
  });

  it('does not guess from message text: a plain error mentioning "not found" is still 503', () => {
    expect(translateTemporalError(new Error('workflow not found'), 'req-x').code).toBe('unavailable');
  });
});

describe('the HTTP answer of a gateway error', () => {
  it.each([
    ['not_found', 404],
    ['conflict', 409],
    ['unavailable', 503],
    ['rejected', 400],
  ] as const)('%s answers %i with a JSON error, never a bare 500', async (code, status) => {
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.get('/x', async () => {
      throw new GatewayError(code, `because ${code}`);
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: `because ${code}` });
    if (status === 503) expect(res.headers['retry-after']).toBeDefined();
  });
});
