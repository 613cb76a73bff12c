/**
 * `slackNoticeWorkflow`: one short Slack notice that is not part of a request, such as the
 * polite redirect a direct message to the app gets. Intake starts it (workflow id
 * `slack-notice-<event_id>`, so a redelivered event posts nothing twice) and answers Slack at once;
 * the post itself is a retried activity, so intake never waits on the Slack API.
 */
import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { NOTICE_ACTIVITY } from '../contracts/failures.js';
import type { SlackNoticeInput } from '../contracts/slack-notice.js';

const { postSlackNotice } = proxyActivities<Activities>(NOTICE_ACTIVITY);

/** Posts one notice (activity retried through Slack outages); completes when it is posted. */
export async function slackNoticeWorkflow(input: SlackNoticeInput): Promise<void> {
  await postSlackNotice(input);
}
