/**
 * Workflow ids and Update ids from business keys, so a redelivery finds the same workflow (or the
 * same Update) instead of a second one — and so no sender can choose an id another source owns.
 */
import { createHash, randomUUID } from 'node:crypto';

// No `--`: ids travel inside HTML comments (GitLab markers), where `--` is not allowed.
const READABLE = /^(?!.*--)[A-Za-z0-9._-]{1,64}$/;
/**
 * `h-` (hashed key) and `d-` (signed delivery) are forms tierflow derives itself; a readable key
 * starting with one is hashed too, so no key can name an id of the other forms.
 */
const RESERVED = /^[hd]-/i;

const sha256Hex32 = (value: string | Buffer) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * The request id of a source's business key; a random one when there is no key (sandbox only for
 * the JSON intake, whose signed deliveries use `deliveryRequestId`).
 * @example requestIdFor('json', 'form-8812') // 'req-json-form-8812'
 * @example requestIdFor('json', 'a/b c')     // 'req-json-h-<32 hex>'
 * @example requestIdFor('json', 'd-1234')    // 'req-json-h-<32 hex>' (reserved prefix)
 */
export function requestIdFor(source: string, key: string | undefined): string {
  if (key === undefined) return `req-${source}-${randomUUID()}`;
  if (READABLE.test(key) && !RESERVED.test(key)) return `req-${source}-${key}`;
  return `req-${source}-h-${sha256Hex32(key)}`;
}

/**
 * The request id of a signed delivery that carries no key, from what its signature covers
 * (`"<t>.<raw body>"`): a replay of the same delivery lands on the same request, while a sender
 * that signs anew (a new `t`) makes a new one.
 * @example deliveryRequestId('json', Buffer.from('1700000000.{"summary":"x"}')) // 'req-json-d-<32 hex>'
 */
export function deliveryRequestId(source: string, signedContent: Buffer | string): string {
  return `req-${source}-d-${sha256Hex32(signedContent)}`;
}

/** What an API `Idempotency-Key` may be: 1..200 of letters, digits and `._:-`. */
export const API_IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * The Update id of an API action from its `Idempotency-Key`, in its own `api-` namespace so it can
 * never be a Slack (`slack-…`) or GitLab (`gitlab-…`) delivery's id; null for an invalid key.
 * @example apiUpdateId('retry-7')      // 'api-retry-7'
 * @example apiUpdateId('slack-Ev123')  // 'api-slack-Ev123'
 * @example apiUpdateId('a b')          // null
 */
export function apiUpdateId(key: string): string | null {
  return API_IDEMPOTENCY_KEY.test(key) ? `api-${key}` : null;
}
