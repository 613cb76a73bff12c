/**
 * The intake HTTP app: transport only. It verifies, parses and validates, then starts, queries or
 * updates a workflow through the gateway and answers. Built by `createApp(deps)` and tested in
 * memory with `app.inject`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';

import { secretEquals } from './constant-time.js';
import { handleError, HttpError } from './http-errors.js';
import { listCursorKey } from './list-cursor.js';
import { keepBodiesRaw } from './raw-body.js';
import { loopbackHostGuard, serverTimeoutOptions } from './http-transport.js';
import { createIntakeMetrics } from './metrics.js';
import { registerGitlabRoutes } from './routes/gitlab.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerRequestListRoutes } from './routes/request-list.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerSlackRoutes } from './routes/slack.js';
import { registerStatusPageRoutes } from './routes/status-page.js';
import { statusLinkFor, statusLinkKey } from './status-link.js';
import type { IntakeDeps, IntakeOptions, WiredIntakeDeps } from './deps.js';

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

  // Every body stays raw bytes, parsed by the handler (raw-body.ts) once the signature, token or
  // bearer is checked: signatures are computed over the bytes, and a stranger learns nothing from
  // the parser.
  keepBodiesRaw(app);

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

  // The requester's link: signed with a key derived from API_TOKEN, so rotating the token revokes it.
  const { options } = deps;
  const now = options.now ?? Date.now;
  const key = statusLinkKey(options.apiToken);
  const wired: WiredIntakeDeps = {
    ...deps,
    statusUrl:
      deps.statusUrl ??
      ((id) => statusLinkFor(id, { key, publicUrl: options.publicUrl, now: now(), ...(options.statusLinkTtlMs ? { ttlMs: options.statusLinkTtlMs } : {}) })),
  };

  app.get('/healthz', async () => ({ ok: true }));
  registerRequestRoutes(app, { ...wired, requireBearer });
  registerRequestListRoutes(app, { gateway: deps.gateway, requireBearer, cursorKey: listCursorKey(options.apiToken) });
  registerReportRoutes(app, {
    gateway: deps.gateway,
    requireBearer,
    now,
    ...(deps.automationCandidates ? { automationCandidates: deps.automationCandidates } : {}),
  });
  registerStatusPageRoutes(app, { gateway: deps.gateway, key, now });
  if (options.slack) registerSlackRoutes(app, wired);
  if (options.gitlab) registerGitlabRoutes(app, wired);
  if (deps.sandboxSnapshot) {
    const snapshot = deps.sandboxSnapshot;
    app.get('/sandbox', async () => snapshot());
  }
  return app;
}
