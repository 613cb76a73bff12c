/** Builds the Slack and GitLab clients from settings; the only place that constructs them. */
import { Gitlab } from '@gitbeaker/rest';
import { LogLevel, WebClient, type WebAPICallResult } from '@slack/web-api';

import { ensureCallFits } from '../activities/attempt-time.js';

import type { GitlabClient } from '../activities/gitlab.js';
import { createSingleAttemptRequesterFn } from '../activities/gitlab-requester.js';
import { required, type Settings } from '../config/settings.js';

export interface IntegrationClients {
  slack: WebClient;
  gitlab: GitlabClient;
}

/** Longest time one Slack or GitLab HTTP request may take before the attempt fails (and is retried). */
export const INTEGRATION_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Real client libraries, pointed at Slack/GitLab or at any base URL (local fakes, the sandbox).
 * Neither client retries: a retry belongs to Temporal's activity retry policy, which runs the
 * activity again so it first looks for what a lost answer may already have done (a 429's
 * `Retry-After` becomes the next retry delay, see `activities/errors.ts`).
 * - Slack: `retries: 0`, and a 429 is thrown at once (`rejectRateLimitedCalls`) instead of waited out.
 * - GitLab: gitbeaker's default requester retries 429/502 up to 10 times by itself, which turns a
 *   lost create answer into a duplicate issue; ours makes one attempt (`activities/gitlab-requester.ts`).
 */
export function buildClients(settings: Settings, urls: { slackApiUrl?: string; gitlabUrl?: string } = {}): IntegrationClients {
  const slack = buildSlackClient(settings, urls.slackApiUrl);
  const gitlab = new Gitlab({
    host: urls.gitlabUrl ?? settings.gitlab.url,
    token: required(settings.gitlab.token, 'GITLAB_TOKEN'),
    requesterFn: createSingleAttemptRequesterFn({ timeoutMs: INTEGRATION_REQUEST_TIMEOUT_MS }),
    // The requester bounds every HTTP request; gitbeaker's own timeout would span all pages of a list.
    queryTimeout: null,
  });
  return { slack, gitlab };
}

/**
 * Slack's client, whose calls made inside an activity start only if they can end before the
 * attempt is timed out (`activities/attempt-time.ts`): a late write would race the retry.
 */
class AttemptBoundWebClient extends WebClient {
  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    ensureCallFits(`Slack ${method}`, INTEGRATION_REQUEST_TIMEOUT_MS);
    return super.apiCall(method, options);
  }
}

/** The Slack client alone (the standalone intake reads user groups with it; it has no GitLab token). */
export function buildSlackClient(settings: Settings, slackApiUrl = settings.slack.apiUrl ?? undefined): WebClient {
  return new AttemptBoundWebClient(required(settings.slack.botToken, 'SLACK_BOT_TOKEN'), {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: INTEGRATION_REQUEST_TIMEOUT_MS,
  });
}
