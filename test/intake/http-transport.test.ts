/**
 * HTTP hygiene of the intake (intake/http-transport.ts, intake/app.ts): clients that stall or
 * trickle are cut off by real timeouts on a real listening socket; bearer tokens are compared
 * without a length shortcut; switched-off sources answer 404; in sandbox mode only loopback
 * Host names are answered (DNS rebinding); `/metrics` lives on its own listener.
 */
import { connect, type Socket } from 'node:net';

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { bearerMatches, createApp } from '../../intake/app.js';
import { type IntakeOptions } from '../../intake/deps.js';
import { DEFAULT_HTTP_TIMEOUTS, isLoopbackHostHeader, serverTimeoutOptions, type HttpTimeouts } from '../../intake/http-transport.js';
import { createIntakeMetrics } from '../../intake/metrics.js';
import { createMetricsApp } from '../../intake/metrics-server.js';
import { recordingGateway } from './support/gateway.js';

const TOKEN = 'f3a9c1d7e5b20486a1c3e5f7092b4d6f';
const SMALL: HttpTimeouts = { headersMs: 300, requestMs: 600, idleMs: 3_000, keepAliveMs: 300 };

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

function appWith(options: Partial<IntakeOptions> = {}) {
  const recorded = recordingGateway();
  const app = createApp({
    gateway: recorded.gateway,
    options: { intakeSecret: 'intake-secret', apiToken: TOKEN, publicUrl: 'http://tierflow.test', ...options },
  });
  return { app, ...recorded };
}

/** Listens on a loopback port; answers the port. */
async function listening(app: FastifyInstance): Promise<number> {
  open.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A raw TCP connection, what it received, and when the server closed it (ms after connecting). */
async function rawClient(port: number): Promise<{ socket: Socket; received: () => string; closedAfterMs: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const since = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closedAfterMs = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - since)));
  return { socket, received: () => received, closedAfterMs };
}

/** Resolves with the close time, or with Infinity when the socket is still open after `ms`. */
const closedWithin = (closed: Promise<number>, ms: number) =>
  Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), ms))]);

describe('timeouts on a real socket', () => {
  it('closes a connection whose body stalls after the headers, within the request timeout, and acts on nothing', async () => {
    const { app, acts } = appWith({ timeouts: SMALL });
    const client = await rawClient(await listening(app));
    // Authenticated, so the server waits for the body; 1000 bytes announced, 10 sent.
    client.socket.write(
      `POST /requests/req-json-x/resolve HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"actor":`,
    );
    const closedAfter = await closedWithin(client.closedAfterMs, SMALL.requestMs + 1_500);
    client.socket.destroy();
    expect(closedAfter).toBeGreaterThanOrEqual(SMALL.requestMs - 50);
    expect(closedAfter).toBeLessThan(SMALL.requestMs + 1_500);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(acts).toHaveLength(0);
  });

  it('closes a connection that trickles headers forever, within the headers timeout', async () => {
    const { app } = appWith({ timeouts: SMALL });
    const client = await rawClient(await listening(app));
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    // One header line every 50 ms: the socket is never idle, the headers never end.
    let n = 0;
    const trickle = setInterval(() => client.socket.writable && client.socket.write(`X-Trickle-${n++}: a\r\n`), 50);
    const closedAfter = await closedWithin(client.closedAfterMs, SMALL.headersMs + 1_500);
    clearInterval(trickle);
    client.socket.destroy();
    expect(closedAfter).toBeLessThan(SMALL.headersMs + 1_500);
    expect(n).toBeGreaterThan(2);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { app } = appWith({ timeouts: SMALL });
    const client = await rawClient(await listening(app));
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // Node keeps a keep-alive socket 1 s past keepAliveTimeout (against races with the client); well under idleMs.
    const closedAfter = await closedWithin(client.closedAfterMs, SMALL.keepAliveMs + 2_000);
    client.socket.destroy();
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfter).toBeGreaterThanOrEqual(SMALL.keepAliveMs);
    expect(closedAfter).toBeLessThan(SMALL.keepAliveMs + 2_000);
  });

  it('sets the default timeouts on the server when none are given', () => {
    const { app } = appWith();
    expect(app.server.headersTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.headersMs);
    expect(app.server.requestTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.requestMs);
    expect(app.server.keepAliveTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.keepAliveMs);
    expect(app.server.timeout).toBe(DEFAULT_HTTP_TIMEOUTS.idleMs);
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 15_000, idleMs: 30_000, keepAliveMs: 5_000 });
  });

  it('never sets a headers timeout longer than the request timeout (Node refuses that)', () => {
    expect(serverTimeoutOptions({ headersMs: 5_000, requestMs: 1_000 }).http).toMatchObject({ headersTimeout: 1_000, requestTimeout: 1_000 });
  });
});

describe('the bearer token', () => {
  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${TOKEN}`],
    ['a shorter token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['a longer token', `Bearer ${TOKEN}0`],
    ['a token of the right length, one character off', `Bearer ${TOKEN.slice(0, -1)}0`],
    ['a token of the right length, all different', `Bearer ${'x'.repeat(TOKEN.length)}`],
    ['the sandbox token', 'Bearer sandbox'],
  ])('rejects %s with 401', async (_what, authorization) => {
    const { app } = appWith();
    const res = await app.inject({ method: 'GET', url: '/requests/req-json-x', headers: authorization ? { authorization } : {} });
    expect(res.statusCode).toBe(401);
    expect(bearerMatches(authorization, TOKEN)).toBe(false);
  });

  it('accepts the token itself', async () => {
    const { app } = appWith();
    const res = await app.inject({ method: 'GET', url: '/requests/req-json-x', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404); // past the token check: no such request
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
  });
});

describe('switched-off sources (TIERFLOW_SOURCES)', () => {
  const deliveries = [
    ['webhook', '/webhooks/requests'],
    ['slack', '/slack/events'],
    ['slack', '/slack/interactions'],
    ['gitlab', '/webhooks/gitlab'],
  ] as const;

  it.each(deliveries)('answers 404 naming the %s source at %s, and starts nothing', async (source, url) => {
    // Even with no intake secret: a switched-off JSON route must not fall back to unsigned intake.
    const { app, started, acts } = appWith({ webhook: false, intakeSecret: null });
    const res = await app.inject({ method: 'POST', url, payload: '{"summary":"x"}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: `${source} intake is switched off (TIERFLOW_SOURCES)` });
    expect(started).toHaveLength(0);
    expect(acts).toHaveLength(0);
  });

  it.each(deliveries)('checks the credential of the %s source at %s when it is on', async (_source, url) => {
    const { app } = appWith({
      slack: { signingSecret: 'slack-secret', helpChannel: 'C0ITHELP' },
      gitlab: { webhookSecret: 'gitlab-secret', project: 'corp/tracker' },
    });
    const res = await app.inject({ method: 'POST', url, payload: '{"summary":"x"}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('sandbox mode: loopback Host names only (DNS rebinding)', () => {
  it.each(['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1', '127.0.0.1:3000', '[::1]', '[::1]:3000'])('answers Host %s', async (host) => {
    const { app } = appWith({ loopbackHostsOnly: true });
    expect((await app.inject({ method: 'GET', url: '/healthz', headers: { host } })).statusCode).toBe(200);
    expect(isLoopbackHostHeader(host)).toBe(true);
  });

  it('treats a request without a Host header as foreign', () => {
    expect(isLoopbackHostHeader(undefined)).toBe(false);
    expect(isLoopbackHostHeader('')).toBe(false);
  });

  it.each(['attacker.example', 'attacker.example:3000', 'localhost.attacker.example', '127.0.0.1.nip.io:3000', '10.0.0.5:3000', '[::2]:3000'])(
    'refuses Host %j with 421 before any route runs',
    async (host) => {
      const { app, started } = appWith({ loopbackHostsOnly: true, apiToken: 'sandbox', intakeSecret: null });
      const read = await app.inject({ method: 'GET', url: '/requests/req-json-x', headers: { host, authorization: 'Bearer sandbox' } });
      expect(read.statusCode).toBe(421);
      expect(read.json().error).toMatch(/sandbox mode answers only requests to localhost, 127\.0\.0\.1 or \[::1\]/);
      const write = await app.inject({
        method: 'POST',
        url: '/webhooks/requests',
        headers: { host, 'content-type': 'application/json' },
        payload: { requester: { email: 'a@example.com' }, summary: 'x' },
      });
      expect(write.statusCode).toBe(421);
      expect(started).toHaveLength(0);
    },
  );

  it('guards the metrics listener the same way', async () => {
    const app = createMetricsApp({ metrics: createIntakeMetrics(), loopbackHostsOnly: true });
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { host: 'attacker.example' } })).statusCode).toBe(421);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { host: '127.0.0.1:9091' } })).statusCode).toBe(200);
  });

  it('answers any Host in production mode (behind a proxy the Host is the public name)', async () => {
    const { app } = appWith();
    expect((await app.inject({ method: 'GET', url: '/healthz', headers: { host: 'help.example.com' } })).statusCode).toBe(200);
  });
});

describe('metrics on their own listener', () => {
  it('serves /metrics on the metrics listener and 404 on the public one, over real sockets', async () => {
    const metrics = createIntakeMetrics();
    const recorded = recordingGateway();
    const publicPort = await listening(
      createApp({ gateway: recorded.gateway, metrics, options: { intakeSecret: 'intake-secret', apiToken: TOKEN, publicUrl: 'http://tierflow.test' } }),
    );
    const metricsPort = await listening(createMetricsApp({ metrics }));
    await fetch(`http://127.0.0.1:${publicPort}/requests/req-json-x`);
    expect((await fetch(`http://127.0.0.1:${publicPort}/metrics`)).status).toBe(404);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/tierflow_intake_requests_total\{source="api",outcome="rejected",reason="bad_signature"\} 1/);
  });
});
