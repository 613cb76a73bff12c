/**
 * Failure types of tierflow's activities and workflows, and the activity options that retry by
 * them: one home, so the workflows' retry policies and the activities that throw agree by type,
 * never by message.
 */
import type { ActivityOptions } from '@temporalio/common';

/** A configuration problem (bad token, unknown channel or project, missing scope): no retry can fix it. */
export const INTEGRATION_CONFIG_ERROR = 'IntegrationConfigError';
/** Slack answered 429; the failure's `nextRetryDelay` is its `Retry-After`. */
export const SLACK_RATE_LIMITED = 'SlackRateLimited';
/** GitLab answered 429; `nextRetryDelay` is its `Retry-After` (or `RateLimit-Reset`). */
export const GITLAB_RATE_LIMITED = 'GitlabRateLimited';
/** Slack did not answer usefully: HTTP 5xx, timeout, network error, or a transient Slack error. */
export const SLACK_UNAVAILABLE = 'SlackUnavailable';
/** GitLab did not answer usefully: HTTP 5xx, timeout or network error. */
export const GITLAB_UNAVAILABLE = 'GitlabUnavailable';
/** Any other Slack error code (retryable). */
export const SLACK_API_ERROR = 'SlackApiError';
/** Any other GitLab HTTP error (retryable). */
export const GITLAB_API_ERROR = 'GitlabApiError';

/**
 * An activity attempt refused to start a Slack or GitLab call that could outlive the attempt
 * (`activities/attempt-time.ts`); retryable: the next attempt looks for what this one wrote first.
 */
export const ATTEMPT_OUT_OF_TIME = 'AttemptOutOfTime';

/** An action's Update validator refused a transition the request's state does not allow (HTTP 409). */
export const INVALID_TRANSITION = 'InvalidTransition';

/**
 * Slack and GitLab calls of a request: retried until they succeed (a 429's Retry-After sets the
 * next delay), except configuration errors. Each HTTP call gives up after 10 s, and no call starts
 * unless it can end 2 s before the attempt's start-to-close deadline (`activities/attempt-time.ts`),
 * so an attempt never writes while its retry runs: 30 s leaves room for a lookup or two and the
 * write. A worker killed mid-call is noticed after those 30 s.
 */
export const INTEGRATION_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [INTEGRATION_CONFIG_ERROR] },
};

/** Opening a crisis's swarm channel: about ten Slack calls (more paging a large workspace's channel list). */
export const SWARM_ACTIVITY: ActivityOptions = { ...INTEGRATION_ACTIVITY, startToCloseTimeout: '1 minute' };

/** A courtesy Slack notice (the DM redirect): worth retrying through a Slack outage, not forever. */
export const NOTICE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [INTEGRATION_CONFIG_ERROR] },
};

/** One reconciliation run of the tracker (a Schedule starts the next one anyway). */
export const RECONCILE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [INTEGRATION_CONFIG_ERROR] },
};

/** The routing decision of a new request, from the loaded registry (a local activity). */
export const PLAN_ACTIVITY = { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 5 } } as const;
