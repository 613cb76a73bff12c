/**
 * Slack's published Web API rate limits, as the Slack emulator applies them when asked to
 * (`rateLimits`). Slack limits each method per app per workspace by tier
 * (https://docs.slack.dev/apis/web-api/rate-limits):
 * - Tier 1, 1+ a minute ("a small amount of burst behavior is tolerated");
 * - Tier 2, 20+ a minute ("occasional bursts");
 * - Tier 3, 50+ a minute ("sporadic bursts are welcome");
 * - Tier 4, 100+ a minute ("generous burst behavior");
 * - Special: `chat.postMessage` "generally allows posting one message per second per channel,
 *   while also maintaining a workspace-wide limit" (short bursts above 1 a second are allowed).
 * Each method's tier is the one its reference page gives (docs.slack.dev/reference/methods/…).
 * Over a limit, Slack answers HTTP 429 with `Retry-After: <seconds>` and `{ ok: false, error:
 * 'ratelimited' }`.
 *
 * Modelled as token buckets holding a minute's calls (Tier 1: three), refilled at the tier's rate.
 * Slack publishes no numbers for the workspace-wide `chat.postMessage` limit ("several hundred
 * messages per minute") nor for the Special tier of `auth.test` and `chat.getPermalink`: 300 a
 * minute and Tier 4 stand in for them.
 */
import { TokenBuckets, retryAfterSeconds, type BucketDraw, type BucketLimit } from './rate-limits.js';

export type { BucketLimit } from './rate-limits.js';

/** The limit of each Slack tier. */
export const SLACK_TIERS = {
  1: { perMinute: 1, burst: 3 },
  2: { perMinute: 20, burst: 20 },
  3: { perMinute: 50, burst: 50 },
  4: { perMinute: 100, burst: 100 },
} as const satisfies Record<number, BucketLimit>;

/** `chat.postMessage` into one channel: about one message a second, bursts of five. */
export const POST_MESSAGE_PER_CHANNEL: BucketLimit = { perMinute: 60, burst: 5 };

/** Each method tierflow calls, by the tier Slack gives it (Special methods by their stand-ins). */
export const SLACK_METHOD_LIMITS: Readonly<Record<string, BucketLimit>> = {
  'chat.postMessage': { perMinute: 300, burst: 300 },
  'chat.update': SLACK_TIERS[3],
  'chat.postEphemeral': SLACK_TIERS[4],
  'chat.getPermalink': SLACK_TIERS[4],
  'conversations.history': SLACK_TIERS[3],
  'conversations.replies': SLACK_TIERS[3],
  'conversations.info': SLACK_TIERS[3],
  'conversations.create': SLACK_TIERS[2],
  'conversations.invite': SLACK_TIERS[3],
  'conversations.list': SLACK_TIERS[2],
  'conversations.setTopic': SLACK_TIERS[2],
  'usergroups.list': SLACK_TIERS[2],
  'usergroups.users.list': SLACK_TIERS[2],
  'users.info': SLACK_TIERS[4],
  'views.open': SLACK_TIERS[4],
  'auth.test': SLACK_TIERS[4],
  'apps.connections.open': SLACK_TIERS[1],
  // files.uploadV2: its two Web API calls (the upload URL itself is not a Web API method), and the digest's lookup.
  'files.getUploadURLExternal': SLACK_TIERS[4],
  'files.completeUploadExternal': SLACK_TIERS[4],
  'files.list': SLACK_TIERS[3],
};

/** The Slack emulator's `rateLimits` option when given as an object: Slack's limits, with what a test changes. */
export interface SlackRateLimits {
  /** Clock in epoch ms (default: the emulator's `now`, else `Date.now`). */
  now?: () => number;
  /** Limits replacing {@link SLACK_METHOD_LIMITS} for some methods (per app and workspace). */
  methods?: Readonly<Record<string, BucketLimit>>;
  /** `chat.postMessage` per channel (default {@link POST_MESSAGE_PER_CHANNEL}). */
  postMessagePerChannel?: BucketLimit;
}

/** What the emulator asks before running a method. */
export interface SlackRateLimiter {
  /** Counts a call; null when it may run, else the seconds to send as `Retry-After`. */
  check(call: { method: string; app: string; channel?: string }): number | null;
  reset(): void;
}

/** A limiter applying `limits` (all of Slack's when `limits` is `true`). */
export function createSlackRateLimiter(limits: true | SlackRateLimits, defaultNow: () => number): SlackRateLimiter {
  const options = limits === true ? {} : limits;
  const methods = { ...SLACK_METHOD_LIMITS, ...options.methods };
  const perChannel = options.postMessagePerChannel ?? POST_MESSAGE_PER_CHANNEL;
  const buckets = new TokenBuckets(options.now ?? defaultNow);
  return {
    check({ method, app, channel }) {
      const limit = methods[method];
      if (!limit) return null;
      const draws: BucketDraw[] = [{ key: `${app} ${method}`, limit }];
      if (method === 'chat.postMessage' && channel) draws.push({ key: `${app} ${method} ${channel}`, limit: perChannel });
      const waitMs = buckets.take(draws);
      return waitMs === null ? null : retryAfterSeconds(waitMs);
    },
    reset: () => buckets.reset(),
  };
}
