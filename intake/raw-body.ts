/**
 * Bodies of the signed routes (Slack, GitLab, the JSON intake) are kept as raw bytes by the parser and
 * parsed here, in the handler, *after* the signature or token was checked: an unauthenticated
 * sender learns nothing from our parser's error messages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { HttpError } from './http-errors.js';

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The raw body (empty when none was sent). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return request.rawBody ?? Buffer.alloc(0);
}

/** Parses a JSON body: 415 for another content type, 400 for an empty or malformed one. */
export function jsonBody(request: FastifyRequest): unknown {
  if (mediaType(request) !== 'application/json') {
    throw new HttpError(415, `expected Content-Type: application/json, got ${mediaType(request) || '(none)'}`, undefined, 'unsupported_media_type');
  }
  const raw = rawBodyOf(request);
  if (raw.length === 0) throw new HttpError(400, 'request body is empty; expected JSON', undefined, 'invalid_body');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`, undefined, 'invalid_body');
  }
}

/** Parses a form-encoded body (`application/x-www-form-urlencoded`) into its fields; the last of a repeated field wins. */
export function formBody(request: FastifyRequest): Record<string, string> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw new HttpError(
      415,
      `expected Content-Type: application/x-www-form-urlencoded, got ${mediaType(request) || '(none)'}`,
      undefined,
      'unsupported_media_type',
    );
  }
  return Object.fromEntries(new URLSearchParams(rawBodyOf(request).toString('utf8')));
}

/**
 * Makes `scope` (an encapsulated fastify context) keep every body as raw bytes in
 * `request.rawBody`, for `jsonBody`/`formBody` to parse once the credential is checked.
 */
export function keepBodiesRaw(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });
}
