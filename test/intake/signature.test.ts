import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { apiUpdateId, deliveryRequestId, requestIdFor } from '../../intake/request-id.js';
import {
  checkSignatureHeader,
  checkSignedBody,
  isSignatureProblem,
  signedContent,
  signRequest,
  type SignatureHeader,
  type SignatureProblem,
} from '../../intake/signature.js';

const SECRET = 's3cret';
const NOW_S = 1_709_546_400;
const NOW_MS = NOW_S * 1000 + 999;
const BODY = Buffer.from('{"requester":{"email":"ada@example.com"},"summary":"x"}');
/** The HMAC a sender computes, written out here independently of `signRequest`. */
const v1 = (t: number | string, body: Buffer | string = BODY, secret = SECRET) => createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex');

function header(value: string | string[] | undefined, nowMs = NOW_MS): SignatureHeader {
  const checked = checkSignatureHeader(value, nowMs);
  if (isSignatureProblem(checked)) throw new Error(`unexpected problem: ${checked.message}`);
  return checked;
}

function problemOf(value: string | string[] | undefined, nowMs = NOW_MS): SignatureProblem {
  const checked = checkSignatureHeader(value, nowMs);
  if (!isSignatureProblem(checked)) throw new Error(`expected a problem for ${String(value)}`);
  return checked;
}

/** The whole check: header (shape, window), then the HMAC over `"<t>.<body>"`. */
function accepts(value: string | undefined, body: Buffer = BODY, nowMs = NOW_MS, secret = SECRET): boolean {
  const checked = checkSignatureHeader(value, nowMs);
  return !isSignatureProblem(checked) && checkSignedBody(secret, body, checked) === null;
}

describe('signRequest', () => {
  it('signs "<t>.<raw body>" as t=<seconds>,v1=<hex>, one v1 per secret', () => {
    expect(signRequest(SECRET, BODY, NOW_S)).toBe(`t=${NOW_S},v1=${v1(NOW_S)}`);
    expect(signRequest(SECRET, BODY.toString(), NOW_S + 0.9)).toBe(`t=${NOW_S},v1=${v1(NOW_S)}`);
    expect(signRequest(['new', 'old'], BODY, NOW_S)).toBe(`t=${NOW_S},v1=${v1(NOW_S, BODY, 'new')},v1=${v1(NOW_S, BODY, 'old')}`);
  });
});

describe('X-Tierflow-Signature', () => {
  it('accepts the signature of the exact raw body and timestamp, and nothing else', () => {
    expect(accepts(signRequest(SECRET, BODY, NOW_S))).toBe(true);
    expect(accepts(signRequest(SECRET, BODY, NOW_S), Buffer.from(`${BODY.toString()} `))).toBe(false);
    expect(accepts(signRequest('other', BODY, NOW_S))).toBe(false);
    // The timestamp is covered: moving t while keeping v1 breaks the signature.
    expect(accepts(`t=${NOW_S - 1},v1=${v1(NOW_S)}`)).toBe(false);
    // The v1 of the old body-only scheme does not pass for the new one.
    expect(accepts(`t=${NOW_S},v1=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`)).toBe(false);
  });

  it('accepts upper-case hex and the elements in any order', () => {
    expect(accepts(`t=${NOW_S},v1=${v1(NOW_S).toUpperCase()}`)).toBe(true);
    expect(accepts(`v1=${v1(NOW_S)},t=${NOW_S}`)).toBe(true);
  });

  it.each([0, 1, 7])('accepts several v1 entries (secret rotation) when the one at position %i matches', (position) => {
    const entries = Array.from({ length: 8 }, (_, i) => `v1=${v1(NOW_S, BODY, `retired-${i}`)}`);
    entries[position] = `v1=${v1(NOW_S)}`;
    expect(accepts(`t=${NOW_S},${entries.join(',')}`)).toBe(true);
    entries[position] = `v1=${v1(NOW_S, BODY, 'retired-x')}`;
    expect(accepts(`t=${NOW_S},${entries.join(',')}`)).toBe(false);
  });

  it.each([
    ['at the 5-minute edge in the past', -300],
    ['at the 5-minute edge in the future', 300],
    ['just now', 0],
  ])('accepts a signature made %s', (_name, offset) => {
    expect(accepts(signRequest(SECRET, BODY, NOW_S + offset))).toBe(true);
  });

  it.each([
    ['301 s old', -301, /stale by 301 s/],
    ['6 minutes old (a captured delivery sent later)', -360, /stale by 360 s/],
    ['a day old', -86_400, /stale by 86400 s/],
    ['301 s ahead', 301, /301 s in the future/],
    ['a year ahead', 365 * 86_400, /31536000 s in the future/],
  ])('refuses a signature %s before the body is needed, as stale_timestamp', (_name, offset, message) => {
    const problem = problemOf(signRequest(SECRET, BODY, NOW_S + offset));
    expect(problem.reason).toBe('stale_timestamp');
    expect(problem.message).toMatch(/X-Tierflow-Signature/);
    expect(problem.message).toMatch(message);
  });

  const good = v1(NOW_S);
  it.each<[string, string | string[] | undefined, RegExp]>([
    ['a missing header', undefined, /missing X-Tierflow-Signature/],
    ['an empty header', '', /missing X-Tierflow-Signature/],
    ['the header sent twice', [`t=${NOW_S},v1=${good}`, `t=${NOW_S},v1=${good}`], /more than once/],
    [
      'the retired sha256= form',
      `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`,
      /sha256=<hex> form .* no longer accepted; send t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>\.<raw body>"/,
    ],
    ['no t', `v1=${good}`, /no t=/],
    ['no v1', `t=${NOW_S}`, /no v1=/],
    ['t twice', `t=${NOW_S},t=${NOW_S},v1=${good}`, /t= given more than once/],
    ['t twice, the second one different', `t=${NOW_S},v1=${good},t=${NOW_S - 999}`, /t= given more than once/],
    ['a non-numeric t', `t=now,v1=${good}`, /t= is not Unix seconds/],
    ['a t in milliseconds', `t=${NOW_S * 1000},v1=${good}`, /t= is not Unix seconds/],
    ['a t with a leading zero', `t=0${NOW_S},v1=${good}`, /t= is not Unix seconds/],
    ['a negative t', `t=-${NOW_S},v1=${good}`, /t= is not Unix seconds/],
    ['a huge t', `t=${'9'.repeat(400)},v1=${good}`, /t= is not Unix seconds/],
    ['a non-hex v1', `t=${NOW_S},v1=${'z'.repeat(64)}`, /v1= is not 64 hex digits/],
    ['a short v1', `t=${NOW_S},v1=${good.slice(0, 63)}`, /v1= is not 64 hex digits/],
    ['a long v1', `t=${NOW_S},v1=${good}0`, /v1= is not 64 hex digits/],
    ['nine v1 entries', `t=${NOW_S}${`,v1=${good}`.repeat(9)}`, /more than 8 v1= entries/],
    ['an unknown scheme', `t=${NOW_S},v0=${good}`, /unexpected element "v0"/],
    ['an upper-case key', `T=${NOW_S},v1=${good}`, /unexpected element "T"/],
    ['spaces around the elements', `t=${NOW_S}, v1=${good}`, /unexpected element " v1"/],
    ['semicolons for commas', `t=${NOW_S};v1=${good}`, /t= is not Unix seconds/],
    ['a header over 1 KiB', `t=${NOW_S},v1=${good}${','.repeat(1024)}`, /longer than 1024 characters/],
  ])('refuses %s as bad_signature, saying what is wrong and what is expected', (_name, value, message) => {
    const problem = problemOf(value);
    expect(problem.reason).toBe('bad_signature');
    expect(problem.message).toMatch(message);
    expect(problem.message).toMatch(/X-Tierflow-Signature/);
    expect(problem.message).toMatch(/t=<unix seconds>,v1=/);
  });

  it('names the body as the problem when the header is fine but no v1 matches', () => {
    expect(checkSignedBody(SECRET, Buffer.from('{}'), header(signRequest(SECRET, BODY, NOW_S)))).toMatchObject({
      reason: 'bad_signature',
      message: expect.stringMatching(/X-Tierflow-Signature does not match the body/),
    });
  });

  it('accepts only what a sender holding the secret signed, for any body, time and tampering', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: -600, max: 600 }), fc.uint8Array({ maxLength: 300 }), (bytes, offset, other) => {
        const body = Buffer.from(bytes);
        const signature = signRequest(SECRET, body, NOW_S + offset);
        expect(accepts(signature, body)).toBe(Math.abs(offset) <= 300);
        if (!Buffer.from(other).equals(body)) expect(accepts(signature, Buffer.from(other))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('request ids', () => {
  it.each([
    ['form-8812', 'req-json-form-8812'],
    ['A.b_c-9', 'req-json-A.b_c-9'],
    ['dh-1', 'req-json-dh-1'],
  ])('keeps a readable key %s readable', (key, id) => {
    expect(requestIdFor('json', key)).toBe(id);
  });

  it('hashes keys with unsafe characters, stably', () => {
    const id = requestIdFor('json', 'a/b c?');
    expect(id).toMatch(/^req-json-h-[0-9a-f]{32}$/);
    expect(requestIdFor('json', 'a/b c?')).toBe(id);
  });

  it('derives a signed delivery id from "<t>.<raw body>": stable for a replay, new for a new timestamp or body', () => {
    const signed = header(signRequest(SECRET, BODY, NOW_S));
    const id = deliveryRequestId('json', signedContent(signed, BODY));
    expect(id).toMatch(/^req-json-d-[0-9a-f]{32}$/);
    expect(deliveryRequestId('json', signedContent(header(signRequest(SECRET, BODY, NOW_S)), BODY))).toBe(id);
    expect(deliveryRequestId('json', signedContent(header(signRequest(SECRET, BODY, NOW_S + 1)), BODY))).not.toBe(id);
    expect(deliveryRequestId('json', signedContent(signed, Buffer.from('{}')))).not.toBe(id);
  });

  it.each(['d-', 'h-', 'D-', 'H-'])('hashes a readable key starting with the reserved prefix %s, so it cannot name a derived id', (prefix) => {
    const derived = deliveryRequestId('json', `${NOW_S}.${BODY.toString()}`);
    const suffix = derived.slice('req-json-d-'.length);
    const id = requestIdFor('json', `${prefix}${suffix}`);
    expect(id).toMatch(/^req-json-h-[0-9a-f]{32}$/);
    expect(id).not.toBe(derived);
    expect(id).not.toBe(`req-json-${prefix}${suffix}`);
  });

  it('never gives a key an id in the derived (d-) form, nor an unhashed id in the hashed (h-) form', () => {
    const keys = fc.oneof(
      fc.string({ minLength: 1, maxLength: 80 }),
      fc.tuple(fc.constantFrom('d-', 'h-', 'D-', 'H-', 'd', 'h-h-'), fc.stringMatching(/^[0-9a-f]{0,40}$/)).map(([p, s]) => p + s),
    );
    fc.assert(
      fc.property(keys, (key) => {
        const id = requestIdFor('json', key);
        expect(id.startsWith('req-json-d-')).toBe(false);
        if (/^req-json-[hH]-/.test(id)) expect(id).toMatch(/^req-json-h-[0-9a-f]{32}$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('API update ids', () => {
  it.each([
    ['retry-7', 'api-retry-7'],
    ['slack-Ev123', 'api-slack-Ev123'],
    ['gitlab-8f2c', 'api-gitlab-8f2c'],
    ['a.b_c:d-e', 'api-a.b_c:d-e'],
    ['x'.repeat(200), `api-${'x'.repeat(200)}`],
  ])('namespaces the Idempotency-Key %s as %s', (key, updateId) => {
    expect(apiUpdateId(key)).toBe(updateId);
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(201), 'too long'],
    ['a b', 'a space'],
    ['a/b', 'a slash'],
    ['a,b', 'a comma'],
    ['é', 'non-ASCII'],
    ['a\nb', 'a newline'],
  ])('refuses the Idempotency-Key %j (%s)', (key) => {
    expect(apiUpdateId(key)).toBeNull();
  });
});
