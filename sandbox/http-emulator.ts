/**
 * The shared base of the Slack and GitLab emulators: a node:http server on 127.0.0.1 that records
 * every call (secrets redacted) and can be told to fail the next N matching calls, so tests can
 * drive the real client libraries through rate limits, outages, slowness, dropped connections and
 * "ambiguous" answers (the operation happened, the answer was lost).
 */
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

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
  body: unknown;
  /** HTTP status answered; absent while pending or when the socket was dropped. */
  status?: number;
  /** The injected failure applied to this call, if any. */
  failure?: FailureKind;
}

/** A parsed request handed to an emulator's handler. */
export interface EmulatorRequest {
  method: string;
  /** The raw path, percent-encoding kept (split it, then decode each segment). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body; `{}` when empty; the raw text when it is neither. */
  body: unknown;
  /** `http://host:port` as the client addressed it, for building links. */
  origin: string;
}

/** What a handler answers; `body` is sent as JSON. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Handles one request (after failure injection has been decided). */
export type EmulatorHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** Options of {@link startHttpEmulator}. */
export interface HttpEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent = an ephemeral port. */
  port?: number;
  handler: EmulatorHandler;
  /** JSON body of injected 429/5xx answers, shaped like the emulated service's errors. */
  errorBody?: (status: number) => unknown;
}

/** A running emulator server. */
export interface HttpEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every call received so far, oldest first (live view). */
  readonly calls: ReadonlyArray<RecordedCall>;
  /**
   * Fails the next `times` calls whose `"METHOD path"` (path percent-decoded) contains `match`,
   * e.g. `'chat.postMessage'`, `'POST /api/v4/projects/1/issues'`, `'/notes'`; `''` matches all.
   */
  failNext(match: string, failure: Failure, times?: number): void;
  /** Forgets recorded calls and pending failures. */
  reset(): void;
  /** Stops the server, cutting open connections and pending slow answers. */
  close(): Promise<void>;
}

/** Builds a JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
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

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Starts an emulator server on 127.0.0.1.
 * @example
 * const emu = await startHttpEmulator({ handler: () => json(200, { ok: true }) });
 * emu.failNext('/things', { kind: 'server_error', status: 503 });
 */
export async function startHttpEmulator(opts: HttpEmulatorOptions): Promise<HttpEmulator> {
  const calls: RecordedCall[] = [];
  let rules: Array<{ match: string; failure: Failure; remaining: number }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const errorBody = opts.errorBody ?? ((status: number) => ({ error: `${status} ${STATUS_CODES[status] ?? ''}`.trim() }));

  const takeFailure = (method: string, path: string): Failure | undefined => {
    const key = `${method} ${safeDecode(path)}`;
    const rule = rules.find((r) => r.remaining > 0 && key.includes(r.match));
    if (!rule) return undefined;
    rule.remaining -= 1;
    rules = rules.filter((r) => r.remaining > 0);
    return rule.failure;
  };

  const send = (res: ServerResponse, call: RecordedCall, answer: EmulatorResponse): void => {
    if (res.destroyed) return;
    call.status = answer.status;
    const text = JSON.stringify(answer.body ?? null);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...answer.headers,
    });
    res.end(text);
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = parseBody(raw, req.headers['content-type']);
        const method = req.method ?? 'GET';
        const call: RecordedCall = {
          at: new Date().toISOString(),
          method,
          path: url.pathname,
          query: queryRecord(url.searchParams),
          headers: redactHeaders(req.headers),
          body: raw === '' ? undefined : redactBody(body),
        };
        calls.push(call);
        const failure = takeFailure(method, url.pathname);
        if (failure) call.failure = failure.kind;
        if (failure?.kind === 'drop') return void req.socket.destroy();
        if (failure?.kind === 'rate_limit') {
          const headers = { 'retry-after': String(failure.retryAfterSeconds) };
          return send(res, call, json(429, errorBody(429), headers));
        }
        if (failure?.kind === 'server_error') {
          const status = failure.status ?? 500;
          return send(res, call, json(status, errorBody(status)));
        }
        const origin = `http://${req.headers.host ?? `127.0.0.1:${port}`}`;
        let answer: EmulatorResponse;
        try {
          answer = await opts.handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, origin });
        } catch (error) {
          answer = json(500, errorBody(500));
          console.error('emulator handler failed', error);
        }
        if (failure?.kind === 'ambiguous') {
          if (failure.answer === 'drop') return void req.socket.destroy();
          return send(res, call, json(502, errorBody(502)));
        }
        if (failure?.kind === 'slow') return later(failure.delayMs, () => send(res, call, answer));
        send(res, call, answer);
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    failNext(match, failure, times = 1) {
      rules.push({ match, failure, remaining: times });
    },
    reset() {
      calls.length = 0;
      rules = [];
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
