/**
 * The intake HTTP app: transport only. It verifies, parses and validates, then starts, queries or
 * updates a workflow through the gateway and answers. Built by `createApp(deps)` and tested in
 * memory with `app.inject`.
 */
import { timingSafeEqual } from 'node:crypto';

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

import { handleError, HttpError } from './http-errors.js';
import { createIntakeMetrics, type IntakeMetrics } from './metrics.js';
import { registerGitlabRoutes } from './routes/gitlab.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerSlackRoutes } from './routes/slack.js';
import type { SlackResponder } from './slack-respond.js';
import type { RequestGateway } from './temporal-gateway.js';

/** What the intake is configured with (from `workers/settings.ts` in `buildIntake`). */
export interface IntakeOptions {
  /** HMAC secret of `POST /webhooks/requests`; null accepts unsigned bodies (sandbox only). */
  intakeSecret: string | null;
  apiToken: string;
  /** Base of the status URLs handed back to senders. */
  publicUrl: string;
  bodyLimitBytes?: number;
  /**
   * Slack (`/slack/*`). Without a signing secret every Slack request is refused with 401 naming
   * SLACK_SIGNING_SECRET: unsigned Slack payloads are never trusted, not even in sandbox mode.
   */
  slack?: {
    signingSecret: string | null;
    /** Channel id of `#it_help`: top-level messages there start requests. */
    helpChannel: string;
    /** Only `response_url`s under this base are called (default `https://hooks.slack.com/`). */
    responseUrlBase?: string;
  };
  /** GitLab (`/webhooks/gitlab`). Without a webhook secret every hook is refused with 401 naming GITLAB_WEBHOOK_SECRET. */
  gitlab?: {
    webhookSecret: string | null;
    /** The tracker project (path or id): only its issues are acted on. */
    project: string;
  };
  /** Clock for Slack's signature timestamps, epoch ms (default `Date.now`). */
  now?: () => number;
}

/** What `createApp` is built from: the Temporal gateway, the options and optional collaborators. */
export interface IntakeDeps {
  gateway: RequestGateway;
  options: IntakeOptions;
  logger?: Logger;
  /** In sandbox mode, what the Slack and GitLab emulators received (`GET /sandbox`). */
  sandboxSnapshot?: () => unknown;
  /** Intake metrics over an injected registry (default: a fresh registry per app). */
  metrics?: IntakeMetrics;
  /** More Prometheus text appended to `GET /metrics` (e.g. the worker's SDK metrics in one process). */
  extraMetrics?: () => Promise<string>;
  /** Posts ephemeral replies to Slack `response_url`s (default: `fetch`, limited to `slack.responseUrlBase`). */
  respond?: SlackResponder;
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

/** Builds the intake HTTP app (not listening): every route of the contract in DESIGN.md. */
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

  const metrics = deps.metrics ?? createIntakeMetrics();
  app.addHook('onResponse', async (request, reply) => metrics.observe(request, reply));
  app.get('/metrics', async (_request, reply) => {
    const extra = deps.extraMetrics ? await deps.extraMetrics().catch(() => '') : '';
    return reply.type(metrics.registry.contentType).send(`${await metrics.registry.metrics()}${extra ? `\n${extra}` : ''}`);
  });

  app.get('/healthz', async () => ({ ok: true }));
  registerRequestRoutes(app, { ...deps, requireBearer });
  // Slack and GitLab bodies stay raw bytes until the signature or token is checked (raw-body.ts).
  app.register(async (signed) => {
    signed.removeAllContentTypeParsers();
    signed.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    });
    registerSlackRoutes(signed, deps);
    registerGitlabRoutes(signed, deps);
  });
  if (deps.sandboxSnapshot) {
    const snapshot = deps.sandboxSnapshot;
    app.get('/sandbox', async () => snapshot());
  }
  return app;
}
