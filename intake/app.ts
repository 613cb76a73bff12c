/**
 * The intake HTTP app: transport only. It verifies, parses and validates, then starts, queries or
 * updates a workflow through the gateway and answers. Built by `createApp(deps)` and tested in
 * memory with `app.inject`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

import { secretEquals } from './constant-time.js';
import { handleError, HttpError } from './http-errors.js';
import { loopbackHostGuard, serverTimeoutOptions, type HttpTimeouts } from './http-transport.js';
import { createIntakeMetrics, type IntakeMetrics } from './metrics.js';
import { registerGitlabRoutes } from './routes/gitlab.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerSlackRoutes } from './routes/slack.js';
import type { SlackDirectory } from './slack-directory.js';
import type { SlackResponder } from './slack-respond.js';
import type { RequestGateway } from './temporal-gateway.js';

/** What the intake is configured with (from `workers/settings.ts` in `buildIntake`). */
export interface IntakeOptions {
  /** HMAC secret of `POST /webhooks/requests`; null accepts unsigned bodies (sandbox only). */
  intakeSecret: string | null;
  /**
   * The JSON intake (`POST /webhooks/requests`); false switches it off (`TIERFLOW_SOURCES`): 404.
   * Slack and GitLab are switched off by leaving out `slack` / `gitlab`.
   */
  webhook?: boolean;
  apiToken: string;
  /** Base of the status URLs handed back to senders. */
  publicUrl: string;
  bodyLimitBytes?: number;
  /**
   * Slack (`/slack/*`); absent: switched off (404). Without a signing secret every Slack request is
   * refused with 401 naming SLACK_SIGNING_SECRET: unsigned Slack payloads are never trusted, not
   * even in sandbox mode.
   */
  slack?: {
    signingSecret: string | null;
    /** Channel id of `#it_help`: top-level messages there start requests. */
    helpChannel: string;
    /** Only `response_url`s under this base are called (default `https://hooks.slack.com/`). */
    responseUrlBase?: string;
  };
  /** GitLab (`/webhooks/gitlab`); absent: switched off (404). Without a webhook secret every hook is refused with 401 naming GITLAB_WEBHOOK_SECRET. */
  gitlab?: {
    webhookSecret: string | null;
    /** The tracker project (path or id): only its issues are acted on. */
    project: string;
  };
  /** Clock for Slack's signature timestamps, epoch ms (default `Date.now`). */
  now?: () => number;
  /** Header, request, idle and keep-alive timeouts (defaults: `DEFAULT_HTTP_TIMEOUTS`). */
  timeouts?: Partial<HttpTimeouts>;
  /** Sandbox mode: answer only requests addressed to a loopback name (DNS-rebinding guard). */
  loopbackHostsOnly?: boolean;
}

/** What `createApp` is built from: the Temporal gateway, the options and optional collaborators. */
export interface IntakeDeps {
  gateway: RequestGateway;
  options: IntakeOptions;
  logger?: Logger;
  /** In sandbox mode, what the Slack and GitLab emulators received (`GET /sandbox`). */
  sandboxSnapshot?: () => unknown;
  /** Intake metrics over an injected registry (default: a fresh registry per app); served by `metrics-server.ts`, not here. */
  metrics?: IntakeMetrics;
  /** Posts ephemeral replies to Slack `response_url`s (default: `fetch`, limited to `slack.responseUrlBase`). */
  respond?: SlackResponder;
  /** The Slack user groups of a clicking user, for the request's rules (default: none known, so staff actions from Slack are refused). */
  slackDirectory?: SlackDirectory;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** Check of `Authorization: Bearer <token>` in time independent of the token's content and length. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  return secretEquals(given, token);
}

/** The source a path belongs to when that source is switched off in `options`, else null. */
function switchedOffSource(path: string, options: IntakeOptions): 'webhook' | 'slack' | 'gitlab' | null {
  if (path === '/webhooks/requests' && options.webhook === false) return 'webhook';
  if (path.startsWith('/slack/') && !options.slack) return 'slack';
  if (path === '/webhooks/gitlab' && !options.gitlab) return 'gitlab';
  return null;
}

/** Builds the intake HTTP app (not listening): every route of the contract in DESIGN.md. */
export function createApp(deps: IntakeDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    bodyLimit: deps.options.bodyLimitBytes ?? 64 * 1024,
    return503OnClosing: true,
    ...serverTimeoutOptions(deps.options.timeouts),
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
  if (deps.options.loopbackHostsOnly) app.addHook('onRequest', loopbackHostGuard);
  // A switched-off source answers 404 saying so, whether or not its routes are registered.
  const refuseSwitchedOff = async (request: FastifyRequest) => {
    const off = switchedOffSource(request.url.split('?')[0]!, deps.options);
    if (off) throw new HttpError(404, `${off} intake is switched off (TIERFLOW_SOURCES)`, undefined, 'switched_off');
  };
  app.addHook('onRequest', refuseSwitchedOff);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const requireBearer = async (request: FastifyRequest) => {
    if (!bearerMatches(request.headers.authorization, deps.options.apiToken)) {
      throw new HttpError(401, 'missing or invalid Authorization: Bearer token');
    }
  };

  const metrics = deps.metrics ?? createIntakeMetrics();
  app.addHook('onResponse', async (request, reply) => metrics.observe(request, reply));

  app.get('/healthz', async () => ({ ok: true }));
  registerRequestRoutes(app, { ...deps, requireBearer });
  // Slack and GitLab bodies stay raw bytes until the signature or token is checked (raw-body.ts).
  app.register(async (signed) => {
    signed.removeAllContentTypeParsers();
    signed.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    });
    if (deps.options.slack) registerSlackRoutes(signed, deps);
    if (deps.options.gitlab) registerGitlabRoutes(signed, deps);
  });
  if (deps.sandboxSnapshot) {
    const snapshot = deps.sandboxSnapshot;
    app.get('/sandbox', async () => snapshot());
  }
  return app;
}
