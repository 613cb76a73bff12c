/**
 * `slackNoticeWorkflow`: one short Slack notice that is not part of a request, such as the
 * polite redirect a direct message to the app gets. Intake starts it (workflow id
 * `slack-notice-<event_id>`, so a redelivered event posts nothing twice) and answers Slack at once;
 * the post itself is a retried activity, so intake never waits on the Slack API.
 */
import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';

/** Workflow type name, for clients that start it by name. */
export const SLACK_NOTICE_WORKFLOW = 'slackNoticeWorkflow';

/** Workflow id of the notice answering one Slack event. @example slackNoticeId('Ev0PV52K21') // 'slack-notice-Ev0PV52K21' */
export function slackNoticeId(eventId: string): string {
  return `slack-notice-${eventId}`;
}

/** What to tell whom: only kinds of notice written by our own code, never free text from intake. */
export interface SlackNoticeInput {
  kind: 'dm_redirect';
  /** The conversation to post in (the direct message). */
  channel: string;
  /** The person who wrote to the app. */
  user: string;
  /** Unique per notice (the Slack event id): how a retried post finds an earlier attempt's message. */
  noticeId: string;
}

const { postSlackNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A courtesy message: worth retrying through a Slack outage, not forever.
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['IntegrationConfigError'] },
});

/** Posts one notice (activity retried through Slack outages); completes when it is posted. */
export async function slackNoticeWorkflow(input: SlackNoticeInput): Promise<void> {
  await postSlackNotice(input);
}
