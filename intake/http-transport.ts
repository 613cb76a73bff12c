/**
 * HTTP hygiene shared by the intake app and its metrics listener: timeouts so a stalled or
 * trickling client cannot hold a connection open, and, in sandbox mode, a Host-header guard
 * against DNS rebinding (a web page whose name re-resolves to 127.0.0.1 reaching the sandbox,
 * whose API token is the documented `sandbox`).
 */
import type { FastifyHttpOptions, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';

import { HttpError } from './http-errors.js';

/** How long a client may take, in milliseconds. */
export interface HttpTimeouts {
  /** From connecting to the end of the request headers (a header trickle is cut here). */
  headersMs: number;
  /** From connecting to the end of the whole request, body included (a stalled body is cut here). */
  requestMs: number;
  /** A socket with no traffic either way for this long is closed. */
  idleMs: number;
  /** How long an idle keep-alive connection is kept between requests. */
  keepAliveMs: number;
}

/** Room for Slack's and GitLab's senders on a slow link, none for a client that stops sending. */
export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = { headersMs: 10_000, requestMs: 15_000, idleMs: 30_000, keepAliveMs: 5_000 };

/**
 * Fastify server options enforcing `timeouts`. Node checks the header and request deadlines on an
 * interval (30 s by default), so the interval is derived from the shortest deadline.
 * @example Fastify({ ...serverTimeoutOptions({ requestMs: 500 }) })
 */
export function serverTimeoutOptions(
  overrides: Partial<HttpTimeouts> = {},
): Pick<FastifyHttpOptions<Server>, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'http'> {
  const t = { ...DEFAULT_HTTP_TIMEOUTS, ...overrides };
  // Node refuses headersTimeout > requestTimeout.
  const headersMs = Math.min(t.headersMs, t.requestMs);
  const checkEveryMs = Math.max(10, Math.min(1_000, Math.floor(headersMs / 4)));
  return {
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    http: { headersTimeout: headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs, connectionsCheckingInterval: checkEveryMs },
  };
}

/** Host names a loopback-only listener answers to: `localhost`, `127.0.0.1`, `[::1]`, any port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[::1\]|localhost|127\.0\.0\.1)(?::\d{1,5})?$/i.exec(host.trim());
  return m !== null;
}

/**
 * An `onRequest` hook refusing (421) any request whose Host header is not a loopback name.
 * A DNS-rebinding page sends its own name as Host, so it is refused before any route runs.
 */
export async function loopbackHostGuard(request: FastifyRequest): Promise<void> {
  const host = request.headers.host;
  if (isLoopbackHostHeader(host)) return;
  throw new HttpError(
    421,
    `Host ${JSON.stringify((host ?? '(none)').slice(0, 100))} is refused: sandbox mode answers only requests to localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding)`,
    undefined,
    'foreign_host',
  );
}
