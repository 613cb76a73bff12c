/**
 * Typed failures of the Slack and GitLab activities. Configuration problems (bad token, missing
 * channel or project, missing permission) are non-retryable: no retry can fix them, and the
 * message says what to change.
 */
import { ApplicationFailure } from '@temporalio/common';

/** Listed in the workflow's `nonRetryableErrorTypes`. */
export const INTEGRATION_CONFIG_ERROR = 'IntegrationConfigError';

const SLACK_CONFIG_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'missing_scope',
  'no_permission',
]);

/** Turns a Slack Web API error into a non-retryable failure when it is a configuration problem. */
export function classifySlackError(err: unknown, what: string): unknown {
  const code = (err as { data?: { error?: string } })?.data?.error;
  if (code && SLACK_CONFIG_ERRORS.has(code)) {
    return ApplicationFailure.nonRetryable(`Slack ${what} failed: ${code} (check SLACK_BOT_TOKEN, SLACK_HELP_CHANNEL and the app's scopes)`, INTEGRATION_CONFIG_ERROR);
  }
  return err;
}

/** Turns a GitLab REST error into a non-retryable failure when it is a configuration problem. */
export function classifyGitlabError(err: unknown, what: string): unknown {
  const status = (err as { cause?: { response?: { status?: number } } })?.cause?.response?.status;
  if (status === 401 || status === 403 || status === 404) {
    return ApplicationFailure.nonRetryable(`GitLab ${what} failed: HTTP ${status} (check GITLAB_TOKEN, GITLAB_PROJECT and the token's scopes)`, INTEGRATION_CONFIG_ERROR);
  }
  return err;
}
