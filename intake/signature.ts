/**
 * Signatures of the JSON intake (Stripe's scheme):
 * `X-Tierflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with
 * `INTAKE_SECRET`. The timestamp is signed with the body, so a captured delivery is good for
 * 5 minutes (either way of our clock) and no longer; inside that window a replay carries the same
 * `t` and body, hence lands on the same request (`deliveryRequestId`). Several `v1=` entries may be
 * sent (one per secret while a secret is being rotated): one match is enough.
 *
 * The check is split in two so the cheap half runs before the body is read: `checkSignatureHeader`
 * (shape and window, header only) and `checkSignedBody` (the HMAC, which needs the raw bytes).
 */
import { createHmac } from 'node:crypto';

import { secretEquals } from './constant-time.js';

/** The header, as fastify exposes it (lower case). */
export const SIGNATURE_HEADER = 'x-tierflow-signature';
/** The header as people write it, for messages. */
const HEADER_NAME = 'X-Tierflow-Signature';
/** Greatest allowed difference between the signed timestamp and our clock, past or future. */
export const SIGNATURE_MAX_SKEW_SECONDS = 5 * 60;
/** At most this many `v1=` entries (rotation needs two or three). */
export const SIGNATURE_MAX_V1 = 8;
const MAX_HEADER_LENGTH = 1024;

/** How a sender signs, said in every refusal so a sender can fix its side. */
export const SIGNATURE_FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with INTAKE_SECRET>';

/** Why a signed delivery was refused: the metrics reason and the message of the 401 body. */
export interface SignatureProblem {
  reason: 'bad_signature' | 'stale_timestamp';
  message: string;
}

/** A well-formed header: the timestamp exactly as sent (it is part of the signed text) and the candidate HMACs. */
export interface SignatureHeader {
  timestamp: string;
  v1: Buffer[];
}

const malformed = (what: string): SignatureProblem => ({
  reason: 'bad_signature',
  message: `malformed ${HEADER_NAME}: ${what} (expected ${SIGNATURE_FORMAT})`,
});

/**
 * Parses the header; a problem when it is missing or not exactly `t=…` once and `v1=…` one to
 * eight times, comma-separated, in any order, nothing else.
 */
export function parseSignatureHeader(header: string | string[] | undefined): SignatureHeader | SignatureProblem {
  if (header === undefined || header === '') {
    return { reason: 'bad_signature', message: `missing ${HEADER_NAME} (expected ${SIGNATURE_FORMAT})` };
  }
  if (typeof header !== 'string') return malformed('sent more than once');
  if (/^sha256=/i.test(header)) {
    return {
      reason: 'bad_signature',
      message: `${HEADER_NAME}: the sha256=<hex> form (body only, replayable) is no longer accepted; send ${SIGNATURE_FORMAT}`,
    };
  }
  if (header.length > MAX_HEADER_LENGTH) return malformed(`longer than ${MAX_HEADER_LENGTH} characters`);
  let timestamp: string | undefined;
  const v1: Buffer[] = [];
  for (const element of header.split(',')) {
    const eq = element.indexOf('=');
    const key = eq < 0 ? element : element.slice(0, eq);
    const value = eq < 0 ? '' : element.slice(eq + 1);
    if (key === 't') {
      if (timestamp !== undefined) return malformed('t= given more than once');
      if (!/^[1-9][0-9]{0,11}$/.test(value)) return malformed('t= is not Unix seconds');
      timestamp = value;
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return malformed('v1= is not 64 hex digits');
      if (v1.length === SIGNATURE_MAX_V1) return malformed(`more than ${SIGNATURE_MAX_V1} v1= entries`);
      v1.push(Buffer.from(value, 'hex'));
    } else {
      return malformed(`unexpected element ${JSON.stringify(key.slice(0, 20))}`);
    }
  }
  if (timestamp === undefined) return malformed('no t=');
  if (v1.length === 0) return malformed('no v1=');
  return { timestamp, v1 };
}

/**
 * The header half of the check, run before the body is read: well formed and signed within
 * 5 minutes of `nowMs` (our clock, epoch milliseconds).
 */
export function checkSignatureHeader(header: string | string[] | undefined, nowMs: number): SignatureHeader | SignatureProblem {
  const parsed = parseSignatureHeader(header);
  if (isSignatureProblem(parsed)) return parsed;
  const skew = Math.floor(nowMs / 1000) - Number(parsed.timestamp);
  if (skew > SIGNATURE_MAX_SKEW_SECONDS) {
    return {
      reason: 'stale_timestamp',
      message: `${HEADER_NAME} is stale by ${skew} s (t= must be within ${SIGNATURE_MAX_SKEW_SECONDS} s of our clock; sign each delivery when it is sent)`,
    };
  }
  if (-skew > SIGNATURE_MAX_SKEW_SECONDS) {
    return {
      reason: 'stale_timestamp',
      message: `${HEADER_NAME} is ${-skew} s in the future (t= must be within ${SIGNATURE_MAX_SKEW_SECONDS} s of our clock)`,
    };
  }
  return parsed;
}

/** True when `value` is a problem, not a header. */
export function isSignatureProblem(value: SignatureHeader | SignatureProblem): value is SignatureProblem {
  return 'reason' in value;
}

const hmacOf = (secret: string, timestamp: string | number, rawBody: Buffer | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/**
 * The body half of the check: null when one of the header's `v1=` is the HMAC of
 * `"<t>.<raw body>"`. Every candidate is compared (in constant time), whichever matches.
 */
export function checkSignedBody(secret: string, rawBody: Buffer, header: SignatureHeader): SignatureProblem | null {
  const expected = hmacOf(secret, header.timestamp, rawBody);
  let matched = false;
  for (const candidate of header.v1) matched = secretEquals(candidate, expected) || matched;
  if (matched) return null;
  return {
    reason: 'bad_signature',
    message: `${HEADER_NAME} does not match the body (no v1= is the HMAC-SHA256 of "<t>.<raw body>" with INTAKE_SECRET: another secret, or an altered body)`,
  };
}

/**
 * The header value a sender computes for `rawBody` at `nowSeconds`; several secrets (rotation)
 * give several `v1=` entries.
 * @example signRequest('s3cret', '{"summary":"x"}', 1_700_000_000) // 't=1700000000,v1=…'
 * @example signRequest(['new-secret', 'old-secret'], raw, Math.floor(Date.now() / 1000))
 */
export function signRequest(secret: string | readonly string[], rawBody: Buffer | string, nowSeconds: number): string {
  const t = Math.floor(nowSeconds);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacOf(s, t, rawBody).toString('hex')}`)].join(',');
}

/** What the signature covers, `"<t>.<raw body>"`: the identity of one signed delivery. */
export function signedContent(header: SignatureHeader, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${header.timestamp}.`), rawBody]);
}
