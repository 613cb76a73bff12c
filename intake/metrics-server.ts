/**
 * The Prometheus listener: `GET /metrics` on its own small app, bound to `METRICS_ADDRESS`
 * (loopback by default), never on the public intake port. It serves the intake's metrics and, in
 * one process (`npm start`), the worker runtime's (SDK and SLA metrics) appended.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { handleError } from './http-errors.js';
import { loopbackHostGuard, serverTimeoutOptions, type HttpTimeouts } from './http-transport.js';
import type { IntakeMetrics } from './metrics.js';

export interface MetricsAppOptions {
  /** The intake's metrics (the same object given to `createApp`). */
  metrics: IntakeMetrics;
  /** More Prometheus text appended (e.g. the worker runtime's, in one process); a failure drops it, not the answer. */
  extraMetrics?: () => Promise<string>;
  logger?: Logger;
  timeouts?: Partial<HttpTimeouts>;
  /** Sandbox mode: answer only requests addressed to a loopback name. */
  loopbackHostsOnly?: boolean;
}

/**
 * Builds the metrics app (not listening).
 * @example
 * const metrics = createIntakeMetrics();
 * createApp({ gateway, options, metrics }); createMetricsApp({ metrics }).listen({ host: '127.0.0.1', port: 9091 });
 */
export function createMetricsApp(opts: MetricsAppOptions): FastifyInstance {
  const app = Fastify({ loggerInstance: opts.logger as FastifyBaseLogger | undefined, bodyLimit: 1024, ...serverTimeoutOptions(opts.timeouts) });
  app.setErrorHandler(handleError);
  if (opts.loopbackHostsOnly) app.addHook('onRequest', loopbackHostGuard);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}; this listener serves GET /metrics` }),
  );
  app.get('/metrics', async (_request, reply) => {
    const extra = opts.extraMetrics ? await opts.extraMetrics().catch(() => '') : '';
    const own = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(`${own}${extra ? `\n${extra}` : ''}`);
  });
  return app;
}
