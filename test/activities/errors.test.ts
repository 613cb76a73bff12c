import { GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { classifyGitlabError, classifySlackError, retryAfterMs } from '../../activities/errors.js';
import {
  GITLAB_API_ERROR,
  GITLAB_RATE_LIMITED,
  GITLAB_UNAVAILABLE,
  INTEGRATION_CONFIG_ERROR,
  SLACK_API_ERROR,
  SLACK_RATE_LIMITED,
  SLACK_UNAVAILABLE,
} from '../../contracts/failures.js';

const NOW = Date.parse('2025-03-03T10:00:00Z');

function gitlabError(status: number, headers: Record<string, string> = {}): GitbeakerRequestError {
  const request = new Request('http://gitlab.test/api/v4/projects/1/issues');
  const response = new Response(null, { status, headers });
  return new GitbeakerRequestError(`${status}`, { cause: { description: `${status} said`, request, response } });
}

describe('classifySlackError', () => {
  it.each([
    ['a 429', new WebAPIRateLimitedError(12), { type: SLACK_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 12_000 }],
    ['invalid_auth', new WebAPIPlatformError({ ok: false, error: 'invalid_auth' }), { type: INTEGRATION_CONFIG_ERROR, nonRetryable: true }],
    ['token_revoked', new WebAPIPlatformError({ ok: false, error: 'token_revoked' }), { type: INTEGRATION_CONFIG_ERROR, nonRetryable: true }],
    ['internal_error', new WebAPIPlatformError({ ok: false, error: 'internal_error' }), { type: SLACK_UNAVAILABLE, nonRetryable: false }],
    ['an unknown code', new WebAPIPlatformError({ ok: false, error: 'msg_blocks_too_long' }), { type: SLACK_API_ERROR, nonRetryable: false }],
  ])('classifies %s', (_name, error, expected) => {
    expect(classifySlackError(error, 'posting')).toMatchObject(expected);
  });

  it('a 429 whose Retry-After the client could not read is still a retryable SlackRateLimited failure', () => {
    const unreadable = new Error('Retry header did not contain a valid timeout (url: https://slack.com/api/chat.postMessage, retry-after header: soon)');
    expect(classifySlackError(unreadable, 'posting')).toMatchObject({ type: SLACK_RATE_LIMITED, nonRetryable: false, nextRetryDelay: undefined });
    expect(classifySlackError(new WebAPIRateLimitedError(Number.NaN), 'posting')).toMatchObject({ type: SLACK_RATE_LIMITED, nextRetryDelay: undefined });
    const bug = new Error('Retry the header');
    expect(classifySlackError(bug, 'posting')).toBe(bug);
  });

  it('passes Temporal failures (cancellation) through unchanged', () => {
    const cancelled = new CancelledFailure('cancelled');
    expect(classifySlackError(cancelled, 'posting')).toBe(cancelled);
  });
});

describe('classifyGitlabError', () => {
  it.each([
    ['a 429 with Retry-After seconds', gitlabError(429, { 'retry-after': '20' }), { type: GITLAB_RATE_LIMITED, nextRetryDelay: 20_000 }],
    [
      'a 429 with an HTTP-date Retry-After',
      gitlabError(429, { 'retry-after': 'Mon, 03 Mar 2025 10:01:30 GMT' }),
      { type: GITLAB_RATE_LIMITED, nextRetryDelay: 90_000 },
    ],
    [
      'a 429 with RateLimit-Reset only',
      gitlabError(429, { 'ratelimit-reset': String(NOW / 1000 + 45) }),
      { type: GITLAB_RATE_LIMITED, nextRetryDelay: 45_000 },
    ],
    [
      'a 429 with the API throttle used up (RateLimit-Remaining 0) and no Retry-After',
      gitlabError(429, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 20) }),
      { type: GITLAB_RATE_LIMITED, nextRetryDelay: 20_000 },
    ],
    [
      "a 429 of the issue creation limit, carrying the API throttle's headers with quota left",
      gitlabError(429, { 'ratelimit-remaining': '1990', 'ratelimit-reset': String(NOW / 1000 + 5) }),
      { type: GITLAB_RATE_LIMITED, nextRetryDelay: 60_000 },
    ],
    ['a 401', gitlabError(401), { type: INTEGRATION_CONFIG_ERROR, nonRetryable: true }],
    ['a 403', gitlabError(403), { type: INTEGRATION_CONFIG_ERROR, nonRetryable: true }],
    ['a 503', gitlabError(503), { type: GITLAB_UNAVAILABLE, nonRetryable: false }],
    ['a 409', gitlabError(409), { type: GITLAB_API_ERROR, nonRetryable: false }],
    ['a timeout', new GitbeakerTimeoutError('Query timeout was reached'), { type: GITLAB_UNAVAILABLE, nonRetryable: false }],
    ['a network error', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), { type: GITLAB_UNAVAILABLE, nonRetryable: false }],
  ])('classifies %s', (_name, error, expected) => {
    const failure = classifyGitlabError(error, 'listing issues', NOW);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject(expected);
  });

  it("a 429 without any hint (GitLab's issue and note creation limits) waits out GitLab's one-minute window", () => {
    expect(classifyGitlabError(gitlabError(429), 'creating an issue', NOW)).toMatchObject({
      type: GITLAB_RATE_LIMITED,
      nonRetryable: false,
      nextRetryDelay: 60_000,
    });
  });

  it('leaves an error of our own code as it is', () => {
    const bug = new RangeError('bad');
    expect(classifyGitlabError(bug, 'listing issues')).toBe(bug);
  });
});

describe('retryAfterMs', () => {
  it('ignores what it cannot read', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});
