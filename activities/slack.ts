/**
 * Slack activities over an injected `@slack/web-api` client. Posting a request's thread is
 * idempotent: the message carries the request id as metadata, and a retry first looks for it.
 */
import type { WebClient } from '@slack/web-api';

import type { GuideLink } from '../domain/registry.js';
import type { RequestState } from '../domain/request.js';
import { classifySlackError } from './errors.js';
import { groupMention, replyText, threadText } from './slack-text.js';

export interface SlackDeps {
  slack: WebClient;
  helpChannel: string;
  /** Slack user-group handle of the Tier 2 analysts on shift. */
  tier2Group: string;
}

export interface ThreadRef {
  channel: string;
  ts: string;
  permalink: string | null;
}

/** Metadata event type that marks tierflow's own thread messages. */
export const THREAD_EVENT_TYPE = 'tierflow_request';

// A lost response is retried within about a minute, so the latest messages are enough to look at.
async function findThread(deps: SlackDeps, requestId: string): Promise<string | null> {
  const history = await deps.slack.conversations.history({
    channel: deps.helpChannel,
    include_all_metadata: true,
    limit: 100,
  });
  const found = history.messages?.find(
    (m) => m.metadata?.event_type === THREAD_EVENT_TYPE && (m.metadata.event_payload as Record<string, unknown> | undefined)?.request_id === requestId,
  );
  return found?.ts ?? null;
}

export function createSlackActivities(deps: SlackDeps) {
  return {
    /** Posts the request in the help channel (once), mentioning the analysts on shift. */
    async postRequestThread(args: { state: RequestState; guides: GuideLink[]; shadowItOwner: string | null }): Promise<ThreadRef> {
      const { state } = args;
      try {
        let ts = await findThread(deps, state.id);
        if (!ts) {
          const posted = await deps.slack.chat.postMessage({
            channel: deps.helpChannel,
            text: threadText(state, args.guides, args.shadowItOwner, groupMention(deps.tier2Group)),
            unfurl_links: false,
            metadata: { event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } },
          });
          ts = posted.ts ?? null;
        }
        if (!ts) throw new Error('Slack chat.postMessage returned no ts');
        const link = await deps.slack.chat.getPermalink({ channel: deps.helpChannel, message_ts: ts }).catch(() => null);
        return { channel: deps.helpChannel, ts, permalink: link?.permalink ?? null };
      } catch (err) {
        throw classifySlackError(err, 'posting the request thread');
      }
    },

    /** Replies in the request's thread with a transition. */
    async postThreadReply(args: { channel: string; threadTs: string; state: RequestState; event: string; note?: string }): Promise<void> {
      try {
        await deps.slack.chat.postMessage({
          channel: args.channel,
          thread_ts: args.threadTs,
          text: replyText(args.state, args.event, args.note),
          unfurl_links: false,
        });
      } catch (err) {
        throw classifySlackError(err, `posting "${args.event}" in the thread`);
      }
    },
  };
}
