/**
 * The intake HTTP app: transport only. It verifies, parses and validates, then starts, queries or
 * updates a workflow through the gateway and answers. Built by `createApp(deps)` and tested in
 * memory with `app.inject`.
 */
import { timingSafeEqual } from 'node:crypto';

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

import { handleError, HttpError } from './http-errors.js';
import { registerRequestRoutes } from './routes/requests.js';
import type { RequestGateway } from './temporal-gateway.js';

export interface IntakeOptions {
  /** HMAC secret of `POST /webhooks/requests`; null accepts unsigned bodies (sandbox only). */
  intakeSecret: string | null;
  apiToken: string;
  /** Base of the status URLs handed back to senders. */
  publicUrl: string;
  bodyLimitBytes?: number;
}

export interface IntakeDeps {
  gateway: RequestGateway;
  options: IntakeOptions;
  logger?: Logger;
  /** In sandbox mode, what the Slack and GitLab emulators received (`GET /sandbox`). */
  sandboxSnapshot?: () => unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function createApp(deps: IntakeDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    bodyLimit: deps.options.bodyLimitBytes ?? 64 * 1024,
    return503OnClosing: true,
  });

  // Keep the raw bytes: signatures are computed over them, not over re-serialised JSON.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(new HttpError(400, 'request body is empty; expected JSON'), undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch (err) {
      done(new HttpError(400, `malformed JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const requireBearer = async (request: FastifyRequest) => {
    if (!bearerMatches(request.headers.authorization, deps.options.apiToken)) {
      throw new HttpError(401, 'missing or invalid Authorization: Bearer token');
    }
  };

  app.get('/healthz', async () => ({ ok: true }));
  registerRequestRoutes(app, { ...deps, requireBearer });
  if (deps.sandboxSnapshot) {
    const snapshot = deps.sandboxSnapshot;
    app.get('/sandbox', async () => snapshot());
  }
  return app;
}
