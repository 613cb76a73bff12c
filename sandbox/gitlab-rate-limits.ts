/**
 * GitLab.com's rate limits on what tierflow does, as the GitLab emulator applies them when asked to
 * (`rateLimits`), from "GitLab.com rate limits" (docs.gitlab.com/user/gitlab_com/rate_limits,
 * "Current rate limits"):
 * - authenticated API traffic: 2,000 requests a minute per user (`throttle_authenticated_api`,
 *   a `Rack::Attack` throttle). Every answer carries `RateLimit-Name`, `-Limit`, `-Observed`,
 *   `-Remaining` and `-Reset`; over it, HTTP 429 `Retry later` with `Retry-After` and
 *   `RateLimit-ResetTime` too;
 * - issue creation: 200 a minute (per project and user), and note creation on issues: 60 a minute
 *   per user. These are application limits: over them, HTTP 429 `{"message":{"error":"This endpoint
 *   has been requested too many times. Try again later."}}` with no `Retry-After` (GitLab's
 *   `API::Helpers::RateLimiter`; "access to the endpoint is available after one minute").
 * Counted in one-minute windows aligned to the clock, as GitLab counts them; refused calls count.
 */
import { FixedWindows, retryAfterSeconds } from './rate-limits.js';

/** GitLab.com's limits, per minute. */
export const GITLAB_COM_LIMITS = { apiPerMinute: 2000, issuesPerMinute: 200, notesPerMinute: 60 } as const;

/** The GitLab emulator's `rateLimits` option when given as an object: GitLab.com's limits, with what a test changes. */
export interface GitlabRateLimits {
  /** Clock in epoch ms (default: the emulator's `now`, else `Date.now`). */
  now?: () => number;
  /** Authenticated API requests a minute per user (default 2,000). */
  apiPerMinute?: number;
  /** Issues created a minute per project and user (default 200). */
  issuesPerMinute?: number;
  /** Notes created on issues a minute per user (default 60). */
  notesPerMinute?: number;
}

/** The body of GitLab's answer to a call over an application limit. */
export const APPLICATION_LIMIT_BODY = { message: { error: 'This endpoint has been requested too many times. Try again later.' } };

/** What the emulator asks of the limits. */
export interface GitlabRateLimiter {
  /** Counts an authenticated API call of `user`: the headers of its answer, and whether it is refused. */
  api(user: number): { refused: boolean; headers: Record<string, string> };
  /** Counts an issue creation; true when it is refused. */
  issueCreation(project: number, user: number): boolean;
  /** Counts a note creation; true when it is refused. */
  noteCreation(user: number): boolean;
  reset(): void;
}

/** A limiter applying `limits` (all of GitLab.com's when `limits` is `true`). */
export function createGitlabRateLimiter(limits: true | GitlabRateLimits, defaultNow: () => number): GitlabRateLimiter {
  const options = { ...GITLAB_COM_LIMITS, ...(limits === true ? {} : limits) };
  const now = options.now ?? defaultNow;
  const windows = new FixedWindows(now);
  return {
    api(user) {
      const count = windows.hit(`api user ${user}`, options.apiPerMinute);
      const headers: Record<string, string> = {
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': String(count.limit),
        'ratelimit-observed': String(count.observed),
        'ratelimit-remaining': String(Math.max(0, count.limit - count.observed)),
        'ratelimit-reset': String(Math.floor(count.resetAt / 1000)),
      };
      if (count.allowed) return { refused: false, headers };
      headers['ratelimit-resettime'] = new Date(count.resetAt).toUTCString();
      headers['retry-after'] = String(retryAfterSeconds(count.resetAt - now()));
      return { refused: true, headers };
    },
    issueCreation: (project, user) => !windows.hit(`issues project ${project} user ${user}`, options.issuesPerMinute).allowed,
    noteCreation: (user) => !windows.hit(`notes user ${user}`, options.notesPerMinute).allowed,
    reset: () => windows.reset(),
  };
}
