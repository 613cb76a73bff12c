/**
 * Slack activities over an injected `@slack/web-api` client (no retries of its own, 429s thrown at
 * once: see `workers/clients.ts`).
 *
 * Both activities are idempotent under Temporal's retries, also after an "ambiguous" failure
 * (Slack posted, the answer was lost): every message carries message metadata naming what wrote
 * it, and a retry first looks for it.
 * - The thread's first message: `tierflow_request` with the request id, in the channel's history.
 * - A reply: `tierflow_effect` with the effect id, among the thread's replies.
 */
import type { WebClient } from '@slack/web-api';

import type { GuideLink } from '../domain/registry.js';
import type { RequestEvent, RequestState } from '../domain/request.js';
import { classifySlackError } from './errors.js';
import { stateTime } from './event-text.js';
import { createUsergroupDirectory, type UsergroupDirectory } from './slack-groups.js';
import { replyText, threadText } from './slack-text.js';

/** What the Slack activities are built from. */
export interface SlackDeps {
  slack: WebClient;
  /** Channel id of `#it_help`, where request threads are posted. */
  helpChannel: string;
  /** Clock in epoch ms, for reply text such as "breached 2 h ago" when the state has no timeline (default `Date.now`). */
  now?: () => number;
  /** User-group lookup (default: one cached directory per factory, over `slack`). */
  usergroups?: UsergroupDirectory;
}

/** Where a request's thread is. */
export interface ThreadRef {
  channel: string;
  ts: string;
  permalink: string | null;
}

/** Arguments of `postRequestThread`. */
export interface PostRequestThreadArgs {
  state: RequestState;
  guides: GuideLink[];
  shadowItOwner: string | null;
  /** Slack user-group handles to mention, e.g. `it-helpdesk-analysts` (from our registry only). */
  mentions: string[];
}

/** Arguments of `postThreadReply`. */
export interface PostThreadReplyArgs {
  channel: string;
  threadTs: string;
  /** The effect's id, unique within the request: the reply's metadata. */
  effectId: string;
  state: RequestState;
  event: RequestEvent;
  note?: string;
  /** Slack user-group handles to mention (from our registry only). */
  mentions: string[];
}

/** Metadata event type that marks tierflow's own thread messages (payload `request_id`). */
export const THREAD_EVENT_TYPE = 'tierflow_request';
/** Metadata event type that marks tierflow's replies (payload `effect_id`). */
export const EFFECT_EVENT_TYPE = 'tierflow_effect';

interface MessageLike {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

const payloadOf = (m: MessageLike): Record<string, unknown> => (m.metadata?.event_payload ?? {}) as Record<string, unknown>;

// Pages of history or replies read, newest first for history, while looking for an earlier
// attempt's message: a lost answer is retried within minutes, long before 1,000 newer messages.
// (No `oldest` bound from the request's time: the workflow's clock is not Slack's, e.g. under the
// time-skipping test server.)
const PAGE_SIZE = 200;
const MAX_PAGES = 5;

/** Builds the Slack activities. */
export function createSlackActivities(deps: SlackDeps) {
  const { slack, helpChannel } = deps;
  const now = deps.now ?? Date.now;
  const groups = deps.usergroups ?? createUsergroupDirectory(slack, { now });

  /** The ts of our first message for this request among the channel's latest messages. */
  const findThread = async (state: RequestState): Promise<string | null> => {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await slack.conversations.history({ channel: helpChannel, include_all_metadata: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      const found = (answer.messages as MessageLike[] | undefined)?.find(
        (m) => m.metadata?.event_type === THREAD_EVENT_TYPE && payloadOf(m).request_id === state.id,
      );
      if (found?.ts) return found.ts;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  };

  /**
   * True when the thread already has our reply for this effect. A thread whose first message was
   * deleted cannot be read (`thread_not_found`) and so holds no reply of ours: the post decides.
   */
  const hasReply = async (channel: string, threadTs: string, effectId: string): Promise<boolean> => {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await slack.conversations
        .replies({ channel, ts: threadTs, include_all_metadata: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
        .catch((err: unknown) => {
          if ((err as { data?: { error?: string } }).data?.error === 'thread_not_found') return null;
          throw err;
        });
      if (!answer) return false;
      const messages = (answer.messages ?? []) as MessageLike[];
      if (messages.some((m) => m.metadata?.event_type === EFFECT_EVENT_TYPE && payloadOf(m).effect_id === effectId)) return true;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return false;
    }
    return false;
  };

  return {
    /**
     * Posts the request in the help channel, once, mentioning the given user groups; returns the
     * thread (a retry returns the message an earlier attempt posted).
     */
    async postRequestThread(args: PostRequestThreadArgs): Promise<ThreadRef> {
      const { state } = args;
      try {
        let ts = await findThread(state);
        if (!ts) {
          const mentions = await groups.mentions(args.mentions);
          const posted = await slack.chat.postMessage({
            channel: helpChannel,
            text: threadText(state, args.guides, args.shadowItOwner, mentions),
            unfurl_links: false,
            unfurl_media: false,
            metadata: { event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } },
          });
          ts = posted.ts ?? null;
        }
        if (!ts) throw new Error('Slack chat.postMessage returned no ts');
        // The permalink is a convenience: without it the thread still works.
        const link = await slack.chat.getPermalink({ channel: helpChannel, message_ts: ts }).catch(() => null);
        return { channel: helpChannel, ts, permalink: link?.permalink ?? null };
      } catch (err) {
        throw classifySlackError(err, `posting the thread of ${state.id} in ${helpChannel}`);
      }
    },

    /**
     * Replies in the request's thread with an event (once per effect): the headline, the note
     * quoted, the given user groups mentioned.
     */
    async postThreadReply(args: PostThreadReplyArgs): Promise<void> {
      const { state, event } = args;
      try {
        if (await hasReply(args.channel, args.threadTs, args.effectId)) return;
        const mentions = await groups.mentions(args.mentions);
        await slack.chat.postMessage({
          channel: args.channel,
          thread_ts: args.threadTs,
          text: replyText(state, event, { note: args.note, mentions, now: stateTime(state, now()) }),
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: EFFECT_EVENT_TYPE, event_payload: { effect_id: args.effectId, request_id: state.id, event } },
        });
      } catch (err) {
        throw classifySlackError(err, `posting "${event}" in the thread of ${state.id} (${args.channel})`);
      }
    },
  };
}
