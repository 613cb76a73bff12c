/**
 * The counters behind the emulators' rate limits, over an injected clock: token buckets (Slack's
 * tiers allow bursts, then refill) and fixed one-minute windows (GitLab's `Rack::Attack` and
 * application limits count the calls of each period). Both answer how long to wait when a call is
 * over, which the emulators send as `Retry-After`, rounded up to whole seconds so a client that
 * waits exactly that long is let through.
 */

/** A token bucket's limit: `burst` calls at once, refilled at `perMinute` calls a minute. */
export interface BucketLimit {
  perMinute: number;
  burst: number;
}

/** One bucket a call draws from: its key (method, workspace, channel, …) and its limit. */
export interface BucketDraw {
  key: string;
  limit: BucketLimit;
}

// Floating-point slack when a refill lands exactly on a whole token.
const EPSILON = 1e-9;

/** Token buckets by key, filled on first use. */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number) {}

  /**
   * Takes a token from every bucket of `draws`, or from none of them: null when all have one, else
   * the milliseconds until all will (the call is refused and nothing is taken).
   * @example buckets.take([{ key: 'chat.postMessage C0ITHELP', limit: { perMinute: 60, burst: 5 } }]) // null, 5 times; then 1000
   */
  take(draws: readonly BucketDraw[]): number | null {
    const at = this.now();
    const levels = draws.map(({ key, limit }) => {
      const bucket = this.#buckets.get(key);
      const tokens = bucket ? Math.min(limit.burst, bucket.tokens + ((at - bucket.at) * limit.perMinute) / 60_000) : limit.burst;
      return { key, limit, tokens };
    });
    const waitMs = Math.max(0, ...levels.map(({ limit, tokens }) => (tokens >= 1 - EPSILON ? 0 : ((1 - tokens) * 60_000) / limit.perMinute)));
    const taken = waitMs === 0 ? 1 : 0;
    for (const { key, tokens } of levels) this.#buckets.set(key, { tokens: Math.max(0, tokens - taken), at });
    return waitMs === 0 ? null : waitMs;
  }

  /** Forgets every bucket (all full again). */
  reset(): void {
    this.#buckets.clear();
  }
}

/** A fixed-window count after one call: how many calls the window has seen, and when it ends. */
export interface WindowCount {
  limit: number;
  observed: number;
  /** Epoch ms at which the window ends and the count starts again. */
  resetAt: number;
  allowed: boolean;
}

/** Calls counted per key in fixed windows aligned to the epoch, as `Rack::Attack` counts them. */
export class FixedWindows {
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly periodMs = 60_000,
  ) {}

  /**
   * Counts a call against `key` (refused calls count too, as GitLab counts them): allowed while the
   * window has seen at most `limit`.
   * @example windows.hit('api user 1', 2000) // { limit: 2000, observed: 1, resetAt: <next minute>, allowed: true }
   */
  hit(key: string, limit: number): WindowCount {
    const at = this.now();
    const window = Math.floor(at / this.periodMs);
    const slot = `${window} ${key}`;
    const observed = (this.#counts.get(slot) ?? 0) + 1;
    // Only the current window's counts matter: drop the older ones as they go stale.
    if (observed === 1) for (const old of this.#counts.keys()) if (!old.startsWith(`${window} `)) this.#counts.delete(old);
    this.#counts.set(slot, observed);
    return { limit, observed, resetAt: (window + 1) * this.periodMs, allowed: observed <= limit };
  }

  /** Forgets every count. */
  reset(): void {
    this.#counts.clear();
  }
}

/** `Retry-After` in whole seconds for a wait in ms: rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000 - EPSILON));
}
