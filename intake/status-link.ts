/**
 * The requester's status link: `<publicUrl>/status/<id>?exp=<unix s>&sig=<base64url HMAC>`, a
 * bearer link that needs no token. Whoever holds it sees that one request's public page until
 * `exp`; nobody can make one for another request or a later expiry without the key.
 *
 * The key is not configured on its own: it is derived from `API_TOKEN` with HKDF-SHA256 and a fixed
 * label, so there is no new secret to provision, the API token itself never signs anything a
 * requester holds, and rotating `API_TOKEN` revokes every link handed out so far.
 */
import { createHmac, hkdfSync } from 'node:crypto';

import { secretEquals } from './constant-time.js';

/** The HKDF `info` of the link key: a new version of the scheme takes a new label (and so a new key). */
export const STATUS_LINK_LABEL = 'tierflow status link v1';

/** How long a link stays good by default: 30 days, longer than the 7-day reopen window of a resolved request. */
export const DEFAULT_STATUS_LINK_TTL_MS = 30 * 24 * 3_600_000;

/** The path of the status page of request `id`, without the query. */
export const statusPagePath = (id: string): string => `/status/${encodeURIComponent(id)}`;

/**
 * The link key derived from the API token (HKDF-SHA256, no salt, info {@link STATUS_LINK_LABEL}).
 * @example const key = statusLinkKey(settings.apiToken);
 */
export function statusLinkKey(apiToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', apiToken, Buffer.alloc(0), STATUS_LINK_LABEL, 32));
}

/** The signature of request `id` good until `exp` (unix seconds): base64url of HMAC-SHA256 of `"<id>.<exp>"`. */
export function statusLinkSignature(key: Buffer, id: string, exp: number): string {
  return createHmac('sha256', key).update(`${id}.${exp}`).digest('base64url');
}

export interface StatusLinkOptions {
  key: Buffer;
  /** Base of the link, e.g. `https://tierflow.example.com` (a trailing `/` is dropped). */
  publicUrl: string;
  /** Epoch ms the link is made at. */
  now: number;
  /** How long it stays good (default {@link DEFAULT_STATUS_LINK_TTL_MS}). */
  ttlMs?: number;
}

/**
 * The signed, expiring status link of request `id`.
 * @example statusLinkFor('req-json-form-1', { key, publicUrl: 'https://tierflow.example.com', now: Date.now() })
 * // 'https://tierflow.example.com/status/req-json-form-1?exp=1712345678&sig=…'
 */
export function statusLinkFor(id: string, { key, publicUrl, now, ttlMs = DEFAULT_STATUS_LINK_TTL_MS }: StatusLinkOptions): string {
  const exp = Math.floor((now + ttlMs) / 1000);
  return `${publicUrl.replace(/\/+$/, '')}${statusPagePath(id)}?exp=${exp}&sig=${statusLinkSignature(key, id, exp)}`;
}

/**
 * What a presented link is worth. `expired` is only ever said of a link we signed (the signature
 * is checked first), so it tells a stranger nothing; every other failure is one `invalid`.
 */
export type StatusLinkCheck = { ok: true; exp: number } | { ok: false; reason: 'invalid' | 'expired' };

/** `exp`: 1 to 12 digits, no sign or leading zero; `sig`: exactly the 43 base64url characters of a SHA-256 HMAC. */
const EXP = /^[1-9][0-9]{0,11}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks the `exp` and `sig` query values presented for request `id` at `now` (epoch ms): the
 * signature in constant time, then the expiry (good while `now` is before `exp`). Anything
 * malformed (missing, repeated, not the expected shape) is `invalid`.
 * @example verifyStatusLink(id, request.query, { key, now: Date.now() }) // { ok: true, exp: 1712345678 }
 */
export function verifyStatusLink(id: string, query: { exp?: unknown; sig?: unknown }, { key, now }: { key: Buffer; now: number }): StatusLinkCheck {
  const { exp, sig } = query;
  if (typeof exp !== 'string' || typeof sig !== 'string' || !EXP.test(exp) || !SIG.test(sig)) return { ok: false, reason: 'invalid' };
  const expires = Number(exp);
  if (!secretEquals(sig, statusLinkSignature(key, id, expires))) return { ok: false, reason: 'invalid' };
  if (now >= expires * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, exp: expires };
}
