/**
 * Intake metrics in the Prometheus text format (`GET /metrics`): how many deliveries each source
 * sent and what became of them, and how long the intake took to answer. The registry is injected
 * so tests and a process embedding several apps never share counters by accident.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';

/** Where a delivery came from, by route. */
export type IntakeSource = 'webhook' | 'api' | 'slack' | 'gitlab';

/**
 * What became of a delivery: `accepted` (Temporal took it), `duplicate` (a redelivery Temporal
 * recognised), `ignored` (acknowledged, nothing to do: a bot message, an untracked issue, a refused
 * transition the sender cannot act on), `rejected` (an error answer, with the reason).
 */
export type IntakeOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';

/** What a handler or the error handler notes about a delivery, read when the answer is sent. */
export interface OutcomeNote {
  outcome: IntakeOutcome;
  /** Short snake_case reason: `bad_signature`, `invalid_body`, `unavailable`, `bot_message`, … */
  reason?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    intakeOutcome?: OutcomeNote;
  }
}

/** Notes the outcome of the current delivery for the metrics (the last note wins). */
export function noteOutcome(request: FastifyRequest, outcome: IntakeOutcome, reason?: string): void {
  request.intakeOutcome = { outcome, ...(reason ? { reason } : {}) };
}

/** Reason of an error answer when the handler noted none. */
const REASON_BY_STATUS: Record<number, string> = {
  400: 'invalid_body',
  401: 'bad_signature',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
};

/** The source of a route, or null for routes that are not deliveries (`/healthz`, `/metrics`). */
export function sourceOfRoute(route: string | undefined): IntakeSource | null {
  if (!route) return null;
  if (route === '/webhooks/requests') return 'webhook';
  if (route === '/webhooks/gitlab') return 'gitlab';
  if (route.startsWith('/slack/')) return 'slack';
  if (route.startsWith('/requests/')) return 'api';
  return null;
}

/** The intake's metrics over one registry. */
export interface IntakeMetrics {
  registry: Registry;
  /** Records one answered request (an `onResponse` hook). */
  observe(request: FastifyRequest, reply: FastifyReply): void;
}

/**
 * Creates `tierflow_intake_requests_total{source,outcome,reason}` and
 * `tierflow_intake_latency_seconds{route}` in `registry` (a fresh one by default).
 * @example
 * const metrics = createIntakeMetrics();
 * createApp({ gateway, options, metrics });
 */
export function createIntakeMetrics(registry: Registry = new Registry()): IntakeMetrics {
  const requests = new Counter({
    name: 'tierflow_intake_requests_total',
    help: 'Deliveries answered by the intake, by source, outcome and reason',
    labelNames: ['source', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tierflow_intake_latency_seconds',
    help: 'Time from receiving a request to sending the answer, by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  return {
    registry,
    observe(request, reply) {
      const route = request.routeOptions.url;
      // Unknown paths share one label, so a scanner cannot blow up the label set.
      latency.observe({ route: route ?? 'unmatched' }, reply.elapsedTime / 1000);
      const source = sourceOfRoute(route);
      if (!source) return;
      const status = reply.statusCode;
      const noted = request.intakeOutcome;
      const outcome: IntakeOutcome = status >= 400 ? 'rejected' : (noted?.outcome ?? 'accepted');
      const reason =
        status >= 400 ? (noted?.outcome === 'rejected' && noted.reason ? noted.reason : (REASON_BY_STATUS[status] ?? `http_${status}`)) : (noted?.reason ?? '');
      requests.inc({ source, outcome, reason });
    },
  };
}
