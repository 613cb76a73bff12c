/**
 * The counters behind the emulators' rate limits, on a clock the tests move: token buckets
 * (Slack) and fixed one-minute windows (GitLab), checked against what a client may rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FixedWindows, retryAfterSeconds, TokenBuckets, type BucketLimit } from '../../sandbox/rate-limits.js';

const PER_SECOND: BucketLimit = { perMinute: 60, burst: 5 };

describe('TokenBuckets', () => {
  it('lets a burst through, then one call a second, and says how long until the next', () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets(() => now);
    const draw = [{ key: 'C1', limit: PER_SECOND }];
    expect(Array.from({ length: 6 }, () => buckets.take(draw))).toEqual([null, null, null, null, null, 1000]);
    now += 400;
    expect(buckets.take(draw)).toBe(600);
    now += 600;
    expect(buckets.take(draw)).toBeNull();
    expect(buckets.take(draw)).toBe(1000);
  });

  it('takes from every bucket of a call or from none, and keys are independent', () => {
    const now = 0;
    const buckets = new TokenBuckets(() => now);
    const workspace = { key: 'workspace', limit: { perMinute: 60, burst: 2 } };
    expect(buckets.take([workspace, { key: 'C1', limit: PER_SECOND }])).toBeNull();
    expect(buckets.take([workspace, { key: 'C2', limit: { perMinute: 60, burst: 1 } }])).toBeNull();
    // C2 is empty: the workspace keeps its last token for a call to another channel.
    expect(buckets.take([workspace, { key: 'C2', limit: { perMinute: 60, burst: 1 } }])).toBe(1000);
    expect(buckets.take([{ key: 'workspace', limit: { perMinute: 60, burst: 2 } }])).toBe(1000);
    expect(buckets.take([{ key: 'C3', limit: PER_SECOND }])).toBeNull();
  });

  it('never lets more through than the burst plus the refill of the time elapsed, and a call made Retry-After later goes through', () => {
    fc.assert(
      fc.property(
        fc.record({ perMinute: fc.integer({ min: 1, max: 600 }), burst: fc.integer({ min: 1, max: 20 }) }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 80 }),
        (limit, gaps) => {
          let now = 0;
          const buckets = new TokenBuckets(() => now);
          const allowedAt: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const wait = buckets.take([{ key: 'k', limit }]);
            if (wait === null) {
              allowedAt.push(now);
              continue;
            }
            // Waiting exactly the Retry-After the emulator would send is enough.
            now += retryAfterSeconds(wait) * 1000;
            expect(buckets.take([{ key: 'k', limit }])).toBeNull();
            allowedAt.push(now);
          }
          // Oracle: in any span [a, b] of allowed calls, at most burst + refill of (b - a).
          for (let i = 0; i < allowedAt.length; i += 1)
            for (let j = i; j < allowedAt.length; j += 1)
              expect(j - i + 1).toBeLessThanOrEqual(limit.burst + Math.floor(((allowedAt[j]! - allowedAt[i]!) * limit.perMinute) / 60_000 + 1e-9));
        },
      ),
    );
  });

  it('starts full again after reset', () => {
    const buckets = new TokenBuckets(() => 0);
    const draw = [{ key: 'k', limit: { perMinute: 1, burst: 1 } }];
    expect(buckets.take(draw)).toBeNull();
    expect(buckets.take(draw)).toBe(60_000);
    buckets.reset();
    expect(buckets.take(draw)).toBeNull();
  });
});

describe('FixedWindows', () => {
  it('counts calls (refused ones too) in windows aligned to the minute, per key', () => {
    let now = Date.parse('2025-03-03T10:00:15Z');
    const windows = new FixedWindows(() => now);
    const resetAt = Date.parse('2025-03-03T10:01:00Z');
    expect([1, 2, 3].map(() => windows.hit('u1', 2))).toEqual([
      { limit: 2, observed: 1, resetAt, allowed: true },
      { limit: 2, observed: 2, resetAt, allowed: true },
      { limit: 2, observed: 3, resetAt, allowed: false },
    ]);
    expect(windows.hit('u2', 2).allowed).toBe(true);
    now = resetAt - 1;
    expect(windows.hit('u1', 2)).toMatchObject({ observed: 4, allowed: false });
    now = resetAt;
    expect(windows.hit('u1', 2)).toMatchObject({ observed: 1, allowed: true, resetAt: resetAt + 60_000 });
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [1, 1],
    [1000, 1],
    [1000.0000001, 1],
    [1001, 2],
    [45_000, 45],
  ])('%d ms is Retry-After %d', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
