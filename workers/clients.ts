/** Builds the Slack and GitLab clients from settings; the only place that constructs them. */
import { Gitlab } from '@gitbeaker/rest';
import { LogLevel, WebClient } from '@slack/web-api';

import type { GitlabClient } from '../activities/gitlab.js';
import type { Settings } from './settings.js';

export interface IntegrationClients {
  slack: WebClient;
  gitlab: GitlabClient;
}

/**
 * Real client libraries, pointed at Slack/GitLab or at any base URL (local fakes, the sandbox).
 * Retries are left to Temporal's activity retry policy, so the clients retry little themselves.
 */
export function buildClients(settings: Settings, urls: { slackApiUrl?: string; gitlabUrl?: string } = {}): IntegrationClients {
  const slackApiUrl = urls.slackApiUrl ?? settings.slack.apiUrl ?? undefined;
  const slack = new WebClient(settings.slack.botToken, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  const gitlab = new Gitlab({ host: urls.gitlabUrl ?? settings.gitlab.url, token: settings.gitlab.token });
  return { slack, gitlab };
}
