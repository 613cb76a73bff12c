/**
 * The one constant-time comparison of secrets (bearer tokens, webhook tokens, HMAC digests).
 * Both sides are hashed first, so neither the content nor the length of the expected secret shows
 * in the timing: `timingSafeEqual` alone needs equal lengths, and an early length check would leak
 * the secret's length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * True when `given` equals `expected`, in time independent of both.
 * @example secretEquals(request.headers['x-gitlab-token'], settings.gitlab.webhookSecret)
 */
export function secretEquals(given: string | Buffer | string[] | undefined | null, expected: string | Buffer): boolean {
  if (typeof given !== 'string' && !Buffer.isBuffer(given)) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
