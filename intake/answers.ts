/**
 * Shared answers of the webhook routes: a 400 naming the field of a payload that failed its schema,
 * and the `200 {ok, ignored}` acknowledgement of a delivery there is nothing to do for.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';

import { HttpError } from './http-errors.js';
import { noteOutcome } from './metrics.js';
import { describeIssues } from './schemas.js';

/**
 * The parsed data, or a 400 `HttpError` naming each bad field of `what`.
 * @example parsedOr400(issueHookSchema.safeParse(body), 'GitLab Issue Hook')
 */
export function parsedOr400<T>(result: z.ZodSafeParseResult<T>, what: string): T {
  if (result.success) return result.data;
  const { error, details } = describeIssues(result.error);
  throw new HttpError(400, error.replace('invalid request', `invalid ${what}`), details, 'invalid_body');
}

/**
 * Acknowledges a delivery that needs nothing done. `label` is the metrics reason, from a fixed
 * set written in our code (never payload text, which would grow the label set without bound);
 * `reason` is the sentence in the body, for the sender's delivery log.
 */
export function ignoredAnswer(request: FastifyRequest, label: string, reason: string = label.replace(/_/g, ' ')): { ok: true; ignored: string } {
  noteOutcome(request, 'ignored', label);
  return { ok: true, ignored: reason };
}
