/**
 * Every client mistake is a 4xx JSON `{error, details}` naming the problem; Temporal being
 * unreachable is a 503 with Retry-After. Nothing escapes as a bare 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { noteOutcome } from './metrics.js';
import { GatewayError } from './temporal-gateway.js';

/** An answer with a status code; `reason` labels it in the intake metrics (e.g. `bad_signature`). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
    readonly reason?: string,
  ) {
    super(message);
  }
}

const GATEWAY_STATUS = { not_found: 404, conflict: 409, unavailable: 503, rejected: 400 } as const;

/** Fastify error handler for the intake. */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof HttpError) {
    if (err.reason) noteOutcome(request, 'rejected', err.reason);
    return reply.code(err.statusCode).send({ error: err.message, ...(err.details ? { details: err.details } : {}) });
  }
  if (err instanceof GatewayError) {
    if (err.code === 'unavailable') reply.header('retry-after', '5');
    return reply.code(GATEWAY_STATUS[err.code]).send({ error: err.message });
  }
  const fastifyError = err as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send({ error: 'request body too large', details: { limitBytes: request.routeOptions.bodyLimit } });
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).send({ error: `unsupported content type: ${request.headers['content-type'] ?? '(none)'}` });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return reply.code(fastifyError.statusCode).send({ error: fastifyError.message });
  }
  request.log.error({ err }, 'unexpected intake error');
  return reply.code(500).send({ error: 'internal error' });
}
