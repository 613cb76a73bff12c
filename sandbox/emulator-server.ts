/**
 * The shared base of the Slack and GitLab emulators: a fastify app on 127.0.0.1 that records every
 * call (secrets redacted) and can be told to fail the next N matching calls, so tests can drive the
 * real client libraries through rate limits, outages, slowness, dropped connections and
 * "ambiguous" answers (the operation happened, the answer was lost). Each emulator adds its own
 * routes to `app`; fastify routes and parses bodies (JSON as gitbeaker sends it, form-encoded as
 * Slack's WebClient does), the hooks here record and inject failures around every route.
 */
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

/** A failure injected into the next matching call(s). */
export type Failure =
  /** HTTP 429 with a `Retry-After` header (seconds); the operation is not performed. */
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  /** HTTP 500/502/503 (default 500); the operation is not performed. */
  | { kind: 'server_error'; status?: 500 | 502 | 503 }
  /** The operation is performed at once, but the answer is sent `delayMs` late. */
  | { kind: 'slow'; delayMs: number }
  /** The socket is destroyed without an answer; the operation is not performed. */
  | { kind: 'drop' }
  /** The operation IS performed, then the answer is a 502 (default) or a dropped socket. */
  | { kind: 'ambiguous'; answer?: 'bad_gateway' | 'drop' };

/** The kind of an injected failure, as recorded on a call. */
export type FailureKind = Failure['kind'];

/** One call received by an emulator, as recorded (authorization and tokens redacted). */
export interface RecordedCall {
  /** ISO time the request was received. */
  at: string;
  method: string;
  /** The path as received (percent-encoding kept), without the query string. */
  path: string;
  /** Query parameters; a repeated key (`iids[]=1&iids[]=2`) becomes an array. */
  query: Record<string, string | string[]>;
  /** Request headers, lower-case names; `authorization` becomes `Bearer ***`, tokens `***`. */
  headers: Record<string, string>;
  /** Parsed JSON or form body (a `token` field redacted), the raw text otherwise, `undefined` if empty. */
  body?: unknown;
  /** HTTP status answered; absent while pending or when the socket was dropped. */
  status?: number;
  /** The injected failure applied to this call, if any. */
  failure?: FailureKind;
}

/** Options of {@link createEmulatorServer}. */
export interface EmulatorServerOptions {
  /** JSON body of injected 429/5xx answers (and of a route that threw), shaped like the emulated service's errors. */
  errorBody?: (status: number) => unknown;
}

/** An emulator's HTTP server: add routes to `app`, then `listen`. */
export interface EmulatorServer {
  /** The fastify app the emulator adds its routes and not-found handler to (before `listen`). */
  app: FastifyInstance;
  /** Every call received so far, oldest first (live view). */
  readonly calls: ReadonlyArray<RecordedCall>;
  /**
   * Fails the next `times` calls whose `"METHOD path"` (path percent-decoded) contains `match`,
   * e.g. `'chat.postMessage'`, `'POST /api/v4/projects/1/issues'`, `'/notes'`; `''` matches all.
   */
  failNext(match: string, failure: Failure, times?: number): void;
  /** Forgets recorded calls and pending failures. */
  reset(): void;
  /** Listens on 127.0.0.1 at `port` (0 or absent: an ephemeral port). */
  listen(port?: number): Promise<{ url: string; port: number }>;
  /** Stops the server, cutting open connections and pending slow answers. */
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(['private-token', 'job-token', 'cookie', 'x-gitlab-token', 'x-slack-signature']);

function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (name === 'authorization') out[name] = /^bearer\s/i.test(text) ? 'Bearer ***' : '***';
    else out[name] = SECRET_HEADERS.has(name) ? '***' : text;
  }
  return out;
}

function redactBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('token' in body)) return body;
  return { ...body, token: '***' };
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = all.length === 1 && !key.endsWith('[]') ? (all[0] ?? '') : all;
  }
  return out;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The request's URL parsed: the raw path (percent-encoding kept) and its query parameters. */
export function requestUrl(request: FastifyRequest): URL {
  return new URL(request.url, 'http://127.0.0.1');
}

/** A request's parameters as Slack and GitLab read them: the query, then the body's fields over it. */
export function paramsOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body) ? request.body : {};
  return { ...Object.fromEntries(requestUrl(request).searchParams), ...body };
}

/**
 * Creates an emulator server; the emulator adds its routes, then listens.
 * @example
 * const server = createEmulatorServer({ errorBody: (status) => ({ message: String(status) }) });
 * server.app.get('/things', () => ({ things: [] }));
 * const { url } = await server.listen();
 * server.failNext('/things', { kind: 'server_error', status: 503 });
 */
export function createEmulatorServer(opts: EmulatorServerOptions = {}): EmulatorServer {
  const calls: RecordedCall[] = [];
  let rules: Array<{ match: string; failure: Failure; remaining: number }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const errorBody = opts.errorBody ?? ((status: number) => ({ error: `${status} ${STATUS_CODES[status] ?? ''}`.trim() }));
  /** Each request's recorded call and the failure it drew. */
  const handling = new WeakMap<FastifyRequest, { call: RecordedCall; failure?: Failure }>();

  const takeFailure = (method: string, path: string): Failure | undefined => {
    const key = `${method} ${safeDecode(path)}`;
    const rule = rules.find((r) => r.remaining > 0 && key.includes(r.match));
    if (!rule) return undefined;
    rule.remaining -= 1;
    rules = rules.filter((r) => r.remaining > 0);
    return rule.failure;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  // forceCloseConnections: close() cuts keep-alive sockets and answers still pending.
  const app = Fastify({ forceCloseConnections: true });
  // fastify parses JSON itself; Slack's WebClient posts form-encoded bodies; anything else stays text.
  const text = (body: string | Buffer): string => (typeof body === 'string' ? body : body.toString('utf8'));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, text(body) === '' ? undefined : Object.fromEntries(new URLSearchParams(text(body))));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, text(body) === '' ? undefined : text(body)));

  // Recorded on arrival (before the body is parsed, so a malformed body is recorded too).
  app.addHook('onRequest', async (request) => {
    const url = requestUrl(request);
    const call: RecordedCall = {
      at: new Date().toISOString(),
      method: request.method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: redactHeaders(request.headers),
    };
    calls.push(call);
    const failure = takeFailure(request.method, url.pathname);
    if (failure) call.failure = failure.kind;
    handling.set(request, { call, failure });
  });

  // Failures that stop the call before the route performs it.
  app.addHook('preHandler', async (request, reply) => {
    const { call, failure } = handling.get(request) ?? {};
    if (call && request.body !== undefined) call.body = redactBody(request.body);
    if (failure?.kind === 'drop') {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    if (failure?.kind === 'rate_limit') return reply.code(429).header('retry-after', String(failure.retryAfterSeconds)).send(errorBody(429));
    if (failure?.kind === 'server_error') return reply.code(failure.status ?? 500).send(errorBody(failure.status ?? 500));
  });

  // Failures applied to the route's answer once it has done the work.
  app.addHook('onSend', async (request, reply, payload) => {
    const { call, failure } = handling.get(request) ?? {};
    if (failure?.kind === 'ambiguous') {
      if (failure.answer === 'drop') {
        request.raw.socket.destroy();
        return payload;
      }
      for (const name of Object.keys(reply.getHeaders())) if (name !== 'content-type') reply.removeHeader(name);
      reply.code(502);
      if (call) call.status = 502;
      return JSON.stringify(errorBody(502));
    }
    if (failure?.kind === 'slow') await sleep(failure.delayMs);
    if (call) call.status = reply.statusCode;
    return payload;
  });

  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) console.error('emulator handler failed', error);
    return reply.code(status).send(errorBody(status));
  });

  return {
    app,
    calls,
    failNext(match, failure, times = 1) {
      rules.push({ match, failure, remaining: times });
    },
    reset() {
      calls.length = 0;
      rules = [];
    },
    async listen(port = 0) {
      await app.listen({ port, host: '127.0.0.1' });
      const bound = (app.server.address() as AddressInfo).port;
      return { url: `http://127.0.0.1:${bound}`, port: bound };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await app.close();
    },
  };
}
