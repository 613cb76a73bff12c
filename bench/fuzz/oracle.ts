/**
 * What every fuzz case must satisfy: no 5xx, no crash, and nothing accepted or passed on to
 * Temporal without a valid credential — the credential re-checked here independently of the
 * intake's own code (its HMACs recomputed, its token compared). For the JSON intake, whose scheme
 * this file states in full, also: a valid signature is never refused, and a replay of an accepted
 * delivery lands on the same request.
 */
import { createHmac, hkdfSync } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import { FUZZ_NOW_MS, FUZZ_SECRETS, type FuzzCase } from './cases.js';
import type { GatewayCall } from './recording-gateway.js';
import { authSchemeOf, type AuthScheme, type Route } from './routes.js';

const hex = (secret: string, ...parts: Array<string | Buffer>) => {
  const h = createHmac('sha256', secret);
  for (const part of parts) h.update(part);
  return h.digest('hex');
};

/** True when the case carries the credential `scheme` requires, valid for its exact bytes. */
export function hasValidCredential(scheme: AuthScheme, c: FuzzCase): boolean {
  const raw = c.body ?? Buffer.alloc(0);
  const h = c.headers;
  switch (scheme) {
    case 'public':
      return true;
    case 'intake-hmac':
      return validIntakeSignature(h['x-tierflow-signature'], raw);
    case 'bearer':
      return /^bearer\s+(.+)$/i.exec(h.authorization ?? '')?.[1]?.trim() === FUZZ_SECRETS.apiToken;
    case 'slack-v0': {
      const ts = h['x-slack-request-timestamp'] ?? '';
      if (!/^\d+$/.test(ts) || Math.abs(Math.floor(FUZZ_NOW_MS / 1000) - Number(ts)) > 300) return false;
      return (h['x-slack-signature'] ?? '').toLowerCase() === `v0=${hex(FUZZ_SECRETS.slack, `v0:${ts}:`, raw)}`;
    }
    case 'gitlab-token':
      return h['x-gitlab-token'] === FUZZ_SECRETS.gitlab;
    case 'status-link':
      return validStatusLink(c.url);
    case 'unknown':
      return (['intake-hmac', 'bearer', 'slack-v0', 'gitlab-token'] as const).some((s) => hasValidCredential(s, c));
  }
}

/**
 * The JSON intake's scheme, as the contract states it: `t=<unix seconds>,v1=<64 hex>` elements,
 * comma-separated in any order, exactly one `t` within 300 s of now, one to eight `v1`, nothing
 * else, at most 1024 characters; valid when a `v1` is the HMAC-SHA256 of `"<t>.<raw body>"`.
 */
function validIntakeSignature(header: string | undefined, raw: Buffer): boolean {
  if (header === undefined || header.length > 1024) return false;
  const elements = header.split(',');
  const ts = elements.filter((e) => e.startsWith('t=')).map((e) => e.slice(2));
  const v1s = elements.filter((e) => e.startsWith('v1=')).map((e) => e.slice(3));
  if (ts.length !== 1 || v1s.length < 1 || v1s.length > 8 || ts.length + v1s.length !== elements.length) return false;
  const t = ts[0]!;
  if (!/^[1-9][0-9]{0,11}$/.test(t) || Math.abs(Math.floor(FUZZ_NOW_MS / 1000) - Number(t)) > 300) return false;
  if (!v1s.every((v) => /^[0-9a-fA-F]{64}$/.test(v))) return false;
  const expected = hex(FUZZ_SECRETS.intake, `${t}.`, raw);
  return v1s.some((v) => v.toLowerCase() === expected);
}

/**
 * The requester's link, as SECURITY.md states it: `/status/<id>?exp=<unix s>&sig=<base64url>`, one
 * `exp` and one `sig`, where `sig` is the HMAC-SHA256 of `"<id>.<exp>"` under the HKDF-SHA256 key
 * of the API token (info `tierflow status link v1`), and `exp` is still ahead of now.
 */
export function validStatusLink(url: string): boolean {
  const [path = '', query = ''] = url.split('?', 2);
  const segment = /^\/status\/([^/]+)$/.exec(path)?.[1];
  let id: string;
  try {
    id = decodeURIComponent(segment ?? '');
  } catch {
    return false;
  }
  const params = new URLSearchParams(query);
  const [exp, sig] = [params.getAll('exp'), params.getAll('sig')];
  if (!id || exp.length !== 1 || sig.length !== 1 || !/^[1-9][0-9]{0,11}$/.test(exp[0]!)) return false;
  const key = Buffer.from(hkdfSync('sha256', FUZZ_SECRETS.apiToken, Buffer.alloc(0), 'tierflow status link v1', 32));
  const expected = createHmac('sha256', key).update(`${id}.${exp[0]}`).digest('base64url');
  return sig[0] === expected && Number(exp[0]) * 1000 > FUZZ_NOW_MS;
}

export type ViolationKind =
  | '5xx'
  | 'accepted without valid credential'
  | 'reached Temporal without valid credential'
  | 'refused a valid signature'
  | 'replay made another request'
  | 'inject threw';

export interface Violation {
  kind: ViolationKind;
  label: string;
  status: number;
  detail: string;
}

export interface CaseOutcome {
  status: number;
  /** A 4xx whose body is not JSON with a string `error` (the contract's error shape). */
  shapeless: boolean;
  violation: Violation | null;
  /** A 503 with Retry-After from a real Temporal call (the server was slow or away), not a defect. */
  unavailable: boolean;
}

/** The route that serves `method url`, if any (`:param` matches one path segment). */
export function matchRoute(routes: Route[], method: string, url: string): Route | null {
  const path = url.split('?')[0] ?? '';
  return (
    routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`).test(path)) ?? null
  );
}

/**
 * Sends one case to the app and judges the answer. `calls` is the recording gateway's log; the
 * calls made during this case are the ones appended while it ran.
 * `allowUnavailable`: against a real server, an authenticated case may meet a 503 + Retry-After.
 */
export async function runCase(app: FastifyInstance, routes: Route[], c: FuzzCase, calls: GatewayCall[], allowUnavailable = false): Promise<CaseOutcome> {
  const before = calls.length;
  let status: number;
  let retryAfter: string | undefined;
  let bodyText = '';
  try {
    const res = await app.inject({ method: c.method as 'GET', url: c.url, headers: c.headers, ...(c.body !== undefined ? { payload: c.body } : {}) });
    status = res.statusCode;
    retryAfter = res.headers['retry-after'] as string | undefined;
    bodyText = res.body;
  } catch (err) {
    return {
      status: 0,
      shapeless: false,
      unavailable: false,
      violation: { kind: 'inject threw', label: c.label, status: 0, detail: String(err).slice(0, 300) },
    };
  }
  const made = calls.slice(before);
  const route = matchRoute(routes, c.method, c.url);
  const scheme = route ? authSchemeOf(route) : 'public';
  const valid = hasValidCredential(scheme, c);
  // The requester's page answers HTML by contract, its refusals too.
  const shapeless = status >= 400 && c.method !== 'HEAD' && scheme !== 'status-link' && !hasErrorField(bodyText);
  const fail = (kind: ViolationKind, detail: string): CaseOutcome => ({
    status,
    shapeless,
    unavailable: false,
    violation: { kind, label: c.label, status, detail: detail.slice(0, 300) },
  });
  if (status >= 500) {
    const unavailable = allowUnavailable && status === 503 && retryAfter !== undefined && made.length > 0 && valid;
    if (unavailable) return { status, shapeless, violation: null, unavailable };
    return fail('5xx', bodyText);
  }
  if (!valid && status >= 200 && status < 300 && scheme !== 'public') return fail('accepted without valid credential', bodyText);
  if (!valid && made.length > 0) return fail('reached Temporal without valid credential', made.map((m) => m.method).join(', '));
  if (scheme === 'intake-hmac' && valid && status === 401) return fail('refused a valid signature', bodyText);
  if (scheme === 'intake-hmac' && status === 202) {
    const replay = await replayOf(app, c, idOf(bodyText));
    if (replay) return fail('replay made another request', replay);
  }
  return { status, shapeless, violation: null, unavailable: false };
}

const idOf = (text: string): unknown => {
  try {
    return (JSON.parse(text) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
};

/** Sends an accepted JSON intake case again, byte for byte; what went wrong, or null when it found the same request. */
async function replayOf(app: FastifyInstance, c: FuzzCase, id: unknown): Promise<string | null> {
  const again = await app.inject({ method: c.method as 'POST', url: c.url, headers: c.headers, ...(c.body !== undefined ? { payload: c.body } : {}) });
  if (again.statusCode === 503 && again.headers['retry-after'] !== undefined) return null;
  const replayedId = idOf(again.body);
  if (again.statusCode !== 202 || typeof id !== 'string' || replayedId !== id) return `first ${String(id)}, replay ${again.statusCode} ${String(replayedId)}`;
  return null;
}

function hasErrorField(text: string): boolean {
  try {
    return typeof (JSON.parse(text) as { error?: unknown }).error === 'string';
  } catch {
    return false;
  }
}
