/**
 * Typed failures of the Slack and GitLab activities, so the workflow's retry policy decides by
 * type, never by message:
 * - configuration problems (bad token, unknown channel or project, missing permission or scope)
 *   are non-retryable {@link INTEGRATION_CONFIG_ERROR}s whose message says what to change;
 * - rate limits are retryable and carry the service's `Retry-After` as the next retry delay, so
 *   Temporal retries when the service allows it, never earlier (a GitLab 429 that names no time
 *   waits out GitLab's one-minute window);
 * - outages, 5xx answers, timeouts and network errors are retryable "unavailable" failures;
 * - any other API error stays retryable (a fix deployed later lets the retry succeed).
 * The clients retry nothing themselves (see `workers/clients.ts`): an activity retried by Temporal
 * first looks for what an earlier attempt may already have done ({@link mayHaveWritten}), and only
 * then: a first attempt writes at once, so a healthy worker spends no calls on lookups (Slack's
 * `conversations.history` alone would cap it at under one post a second).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { ErrorCode as SlackErrorCode } from '@slack/web-api';

import {
  GITLAB_API_ERROR,
  GITLAB_RATE_LIMITED,
  GITLAB_UNAVAILABLE,
  INTEGRATION_CONFIG_ERROR,
  SLACK_API_ERROR,
  SLACK_RATE_LIMITED,
  SLACK_UNAVAILABLE,
} from '../contracts/failures.js';

const SLACK_CONFIG_HINTS: Readonly<Record<string, string>> = {
  invalid_auth: 'the bot token is not valid: check SLACK_BOT_TOKEN',
  not_authed: 'no bot token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deleted user or app: reinstall the app and update SLACK_BOT_TOKEN',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  token_expired: 'the bot token expired: refresh it and update SLACK_BOT_TOKEN',
  channel_not_found: 'the channel does not exist or the app cannot see it: check SLACK_HELP_CHANNEL (a channel id such as C0123ABCD)',
  not_in_channel: 'the app is not a member of the channel: invite it (/invite @tierflow) to SLACK_HELP_CHANNEL',
  is_archived: 'the channel is archived: unarchive it or point SLACK_HELP_CHANNEL at another channel',
  missing_scope: "the app lacks a scope: add it in the app's OAuth settings and reinstall",
  no_permission: "the token may not do this: check the app's scopes and the workspace settings",
  restricted_action: 'a workspace setting forbids this action for the app',
  team_access_not_granted: 'the token is not granted access to this workspace',
};

/** The running activity's attempt (Temporal's `info.attempt`, 1 on the first); 1 outside an activity. */
export function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/**
 * Whether an earlier attempt may already have written what this one is about to: on a retry
 * (attempt > 1), or when the caller says so (`mayHaveRun`: the workflow runs an effect carried
 * across continue-as-new again, as attempt 1 of a new activity). Only then does an activity look
 * for an earlier attempt's message, issue or note before writing.
 * @example mayHaveWritten(1) // false
 * @example mayHaveWritten(1, true) // true
 * @example mayHaveWritten(2) // true
 */
export function mayHaveWritten(attempt: number, mayHaveRun?: boolean): boolean {
  return mayHaveRun === true || attempt > 1;
}

/** The message of `@slack/web-api`'s error for a 429 without a readable `Retry-After`. */
const SLACK_429_UNREADABLE = /^Retry header did not contain a valid timeout/;

/** Slack error codes that are worth retrying as they are. */
const SLACK_TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited']);

/**
 * Classifies an error of the Slack Web API client (built with `rejectRateLimitedCalls` and no retries).
 * @param what the operation, for the message: "posting the request thread in C0123".
 */
export function classifySlackError(err: unknown, what: string): Error {
  if (err instanceof TemporalFailure) return err; // cancellation, or already classified
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string; needed?: string; provided?: string }; message?: string };
  if (e?.code === SlackErrorCode.RateLimitedError && typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter)) {
    return ApplicationFailure.create({
      message: `Slack rate-limited ${what}; retrying after ${e.retryAfter} s`,
      type: SLACK_RATE_LIMITED,
      nextRetryDelay: Math.max(1, e.retryAfter) * 1000,
    });
  }
  // A 429 whose Retry-After the client could not read: it throws a plain Error, the only sign of it.
  if (e?.code === SlackErrorCode.RateLimitedError || (err instanceof Error && !e.code && SLACK_429_UNREADABLE.test(err.message))) {
    return ApplicationFailure.retryable(`Slack rate-limited ${what} (no usable Retry-After)`, SLACK_RATE_LIMITED);
  }
  if (e?.code === SlackErrorCode.PlatformError && e.data?.error) {
    const code = e.data.error;
    const hint = SLACK_CONFIG_HINTS[code];
    if (hint) {
      const scope = code === 'missing_scope' && e.data.needed ? ` (needs ${e.data.needed}; the token has ${e.data.provided ?? 'none'})` : '';
      return ApplicationFailure.nonRetryable(`Slack refused ${what}: ${code}: ${hint}${scope}`, INTEGRATION_CONFIG_ERROR);
    }
    if (code === 'ratelimited' || code === 'rate_limited') return ApplicationFailure.retryable(`Slack rate-limited ${what} (${code})`, SLACK_RATE_LIMITED);
    const type = SLACK_TRANSIENT.has(code) ? SLACK_UNAVAILABLE : SLACK_API_ERROR;
    return ApplicationFailure.retryable(`Slack refused ${what}: ${code}`, type);
  }
  if (e?.code === SlackErrorCode.HTTPError) {
    const status = e.statusCode ?? 0;
    return ApplicationFailure.retryable(`Slack answered HTTP ${status} to ${what}`, status >= 500 ? SLACK_UNAVAILABLE : SLACK_API_ERROR);
  }
  if (e?.code === SlackErrorCode.RequestError) {
    return ApplicationFailure.retryable(`Slack could not be reached while ${what}: ${e.message ?? 'request failed'}`, SLACK_UNAVAILABLE);
  }
  return err instanceof Error ? err : new Error(`${what} failed: ${String(err)}`);
}

/**
 * Milliseconds to wait, from `Retry-After` (seconds or an HTTP date), else `RateLimit-Reset` (epoch
 * seconds) unless `RateLimit-Remaining` says that quota is not used up: GitLab sends the API
 * throttle's `RateLimit-*` headers on every answer, also on a 429 of another limit (issue creation).
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now: number): number | undefined {
  const retryAfter = headers?.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers?.get('ratelimit-reset')?.trim();
  const remaining = headers?.get('ratelimit-remaining')?.trim();
  if (remaining && /^\d+$/.test(remaining) && Number(remaining) > 0) return undefined;
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/** How long a GitLab rate limit lasts when its 429 does not say: GitLab's limits count per minute. */
const GITLAB_LIMIT_WINDOW_MS = 60_000;

interface GitbeakerErrorShape {
  name?: string;
  message?: string;
  cause?: { description?: string; response?: { status?: number; headers?: { get(name: string): string | null } } };
}

/**
 * Classifies an error of the `@gitbeaker/rest` client built by `workers/clients.ts` (one attempt
 * per call): `GitbeakerRequestError` with `cause.response.status`, `GitbeakerTimeoutError`, or a
 * `fetch` network error.
 * @param what the operation, for the message: "creating the tracker issue in group/project".
 */
export function classifyGitlabError(err: unknown, what: string, now: number = Date.now()): Error {
  if (err instanceof TemporalFailure) return err;
  const e = err as GitbeakerErrorShape;
  const status = e?.cause?.response?.status;
  const said = e?.cause?.description || e?.message || '';
  if (typeof status === 'number') {
    if (status === 429) {
      // GitLab's application limits (issue and note creation) answer 429 without Retry-After or
      // RateLimit-* headers; their window is a minute ("access is available after one minute").
      const delay = retryAfterMs(e.cause?.response?.headers, now) ?? GITLAB_LIMIT_WINDOW_MS;
      return ApplicationFailure.create({
        message: `GitLab rate-limited ${what}; retrying after ${Math.ceil(delay / 1000)} s`,
        type: GITLAB_RATE_LIMITED,
        nextRetryDelay: Math.max(1000, delay),
      });
    }
    if (status === 401) return configError(`GitLab rejected the token while ${what} (HTTP 401 ${said}): check GITLAB_TOKEN`);
    if (status === 403)
      return configError(`GitLab forbade ${what} (HTTP 403 ${said}): the token needs the api scope and at least the Reporter role in GITLAB_PROJECT`);
    if (status === 404)
      return configError(
        `GitLab found no such project or issue while ${what} (HTTP 404 ${said}): check GITLAB_URL and GITLAB_PROJECT, and that the token's user can see the project and the issue`,
      );
    return ApplicationFailure.retryable(`GitLab answered HTTP ${status} to ${what}: ${said}`, status >= 500 ? GITLAB_UNAVAILABLE : GITLAB_API_ERROR);
  }
  if (e?.name === 'GitbeakerTimeoutError' || e?.name === 'GitbeakerRetryError') {
    return ApplicationFailure.retryable(`GitLab did not answer in time while ${what}: ${said}`, GITLAB_UNAVAILABLE);
  }
  if (err instanceof TypeError && /fetch failed|network|socket/i.test(err.message)) {
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    return ApplicationFailure.retryable(`GitLab could not be reached while ${what}: ${cause?.code ?? cause?.message ?? err.message}`, GITLAB_UNAVAILABLE);
  }
  return err instanceof Error ? err : new Error(`${what} failed: ${String(err)}`);
}

function configError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INTEGRATION_CONFIG_ERROR);
}
