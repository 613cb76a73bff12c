/**
 * The Slack notice activity (see `workflows/slack-notice.ts`): posts one notice written by our own
 * code, such as the redirect a direct message gets, once. The message carries metadata naming the
 * notice, and a retry (attempt > 1) first looks for it among the conversation's latest messages; a
 * first attempt posts at once.
 */
import type { WebClient } from '@slack/web-api';

import type { SlackNoticeInput } from '../contracts/slack-notice.js';
import { activityAttempt, classifySlackError, mayHaveWritten } from './errors.js';

/** What the notice activity is built from. */
export interface SlackNoticeDeps {
  slack: WebClient;
  /** Channel id of `#it_help`, where people are sent. */
  helpChannel: string;
  /** The running attempt, 1 on the first (default: the activity Context's `info.attempt`, 1 outside an activity). */
  attempt?: () => number;
}

/** Metadata event type that marks tierflow's notices (payload `notice_id`). */
export const NOTICE_EVENT_TYPE = 'tierflow_notice';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

/**
 * The redirect text: the person and the help channel are mentioned by id (validated), nothing
 * else in it comes from outside.
 * @example dmRedirectText('U123ABC', 'C0ITHELP') // 'Hi <@U123ABC>! … <#C0ITHELP> …'
 */
export function dmRedirectText(user: string, helpChannel: string): string {
  const who = SLACK_USER_ID.test(user) ? `<@${user}>` : 'there';
  const where = SLACK_CHANNEL_ID.test(helpChannel) ? `<#${helpChannel}>` : 'the IT help channel';
  return [
    `Hi ${who}! I don't take requests by direct message.`,
    `Please ask in ${where}: the whole help desk sees it there, it gets a thread and an SLA clock, and nothing waits on one person.`,
    'For a change or an advanced request you can also open an issue in the Corporate Security tracker.',
  ].join(' ');
}

interface MessageLike {
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** Builds the notice activity. */
export function createSlackNoticeActivities(deps: SlackNoticeDeps) {
  const { slack, helpChannel } = deps;
  const attempt = deps.attempt ?? activityAttempt;
  /** Whether the conversation's latest messages hold the notice (an earlier attempt's). */
  const posted = async (input: SlackNoticeInput): Promise<boolean> => {
    const recent = await slack.conversations.history({ channel: input.channel, limit: 50, include_all_metadata: true });
    return (
      (recent.messages as MessageLike[] | undefined)?.some(
        (m) => m.metadata?.event_type === NOTICE_EVENT_TYPE && m.metadata.event_payload?.notice_id === input.noticeId,
      ) === true
    );
  };
  return {
    /** Posts the notice in its conversation unless an earlier attempt already did. */
    async postSlackNotice(input: SlackNoticeInput): Promise<void> {
      try {
        if (mayHaveWritten(attempt()) && (await posted(input))) return;
        await slack.chat.postMessage({
          channel: input.channel,
          text: dmRedirectText(input.user, helpChannel),
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: NOTICE_EVENT_TYPE, event_payload: { notice_id: input.noticeId, kind: input.kind } },
        });
      } catch (err) {
        throw classifySlackError(err, `posting the ${input.kind} notice in ${input.channel}`);
      }
    },
  };
}
