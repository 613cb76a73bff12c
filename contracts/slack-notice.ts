/**
 * The contract of `slackNoticeWorkflow`: one short Slack notice that is not part of a request (the
 * polite redirect a direct message to the app gets). Intake starts it, once per Slack event.
 */

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
