/**
 * HMAC signatures of the JSON intake: `X-Tierflow-Signature: sha256=<hex>` over the raw body,
 * compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tierflow-signature';

/** The header value a sender computes. @example signBody('s3cret', '{}') // 'sha256=…' */
export function signBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** True when `header` is a valid signature of `rawBody`; never throws, never short-circuits on content. */
export function verifyBodySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signBody(secret, rawBody).slice('sha256='.length), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
