/**
 * Slack activities over an injected `@slack/web-api` client (no retries of its own, 429s thrown at
 * once: see `workers/clients.ts`).
 *
 * Every activity is idempotent under Temporal's retries, also after an "ambiguous" failure
 * (Slack posted, the answer was lost): every message carries message metadata naming what wrote
 * it, and a retry (attempt > 1, or `mayHaveRun`) first looks for it. A first attempt posts at once:
 * reading history before every post would spend Slack's `conversations.history` limit (Tier 3,
 * ~50 a minute) on posts that cannot be duplicates.
 * - The status message: `tierflow_request` with the request id, in the help channel's history
 *   (it is the thread's first message) or among the replies of the requester's own Slack message.
 * - A reply: `tierflow_effect` with the effect id, among the thread's replies; its mirror in a
 *   crisis's swarm channel, among that channel's latest messages.
 * Updating the status message (`chat.update`) is idempotent by nature. The lookups are in
 * `slack-lookup.ts`; only messages our own bot posted count.
 */
import type { WebClient } from '@slack/web-api';
import { Context } from '@temporalio/activity';

import type { GuideLink } from '../domain/registry.js';
import type { RequestEvent, RequestState } from '../domain/request.js';
import type { RequestStatusView } from '../domain/status-view.js';
import { EFFECT_EVENT_TYPE, THREAD_EVENT_TYPE } from '../contracts/slack-ids.js';
import { activityAttempt, classifySlackError, mayHaveWritten } from './errors.js';
import { stateTime } from './event-text.js';
import { statusBlocks, statusText, type StatusMessageInput } from './slack-blocks.js';
import { createUsergroupDirectory, type UsergroupDirectory } from './slack-groups.js';
import { carries, createMessageFinder, errorCode } from './slack-lookup.js';
import { groupMention, replyText } from './slack-text.js';

/** What the Slack activities are built from. */
export interface SlackDeps {
  slack: WebClient;
  /** Channel id of `#it_help`, where request threads are posted. */
  helpChannel: string;
  /** Clock in epoch ms, for reply text such as "breached 2 h ago" when the state has no timeline (default `Date.now`). */
  now?: () => number;
  /** User-group lookup (default: one cached directory per factory, over `slack`). */
  usergroups?: UsergroupDirectory;
  /** Where a status message that can no longer be updated is reported (default: the activity's logger, else the console). */
  warn?: (message: string, meta: Record<string, unknown>) => void;
  /** The running attempt, 1 on the first (default: the activity Context's `info.attempt`, 1 outside an activity). */
  attempt?: () => number;
}

/** Where a request's thread and its status message are. */
export interface ThreadRef {
  channel: string;
  /** The thread's first message: tierflow's status message, or the requester's own Slack message. */
  ts: string;
  /** tierflow's status message: `ts` itself, or a reply in the requester's thread. */
  statusTs: string;
  /** Link to the thread's first message. */
  permalink: string | null;
}

/** Arguments of `postRequestThread`. */
export interface PostRequestThreadArgs {
  /** When `links.slackChannel`/`links.slackTs` are set, the request came from that Slack message: the status goes in its thread. */
  state: RequestState;
  guides: GuideLink[];
  shadowItOwner: string | null;
  /** Slack user-group handles to mention, e.g. `it-helpdesk-analysts` (from our registry only). */
  mentions: string[];
  /** The request's status at the time of posting (the workflow's `toStatusView`). */
  view: RequestStatusView;
  /** An earlier run may have posted it (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
}

/** Arguments of `updateStatusMessage`. */
export interface UpdateStatusMessageArgs {
  channel: string;
  statusTs: string;
  state: RequestState;
  view: RequestStatusView;
  /** Tier 1 guides, kept on the message (with "This solved it") while the request is at Tier 2 or below. */
  guides?: GuideLink[];
  shadowItOwner?: string | null;
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
  /**
   * A crisis's swarm channel (`state.links.swarmChannel`): the reply is also posted there, once, as
   * a top-level message without the mentions (the swarm is in the channel already), so the swarm
   * sees every status change. Absent or null: the thread only.
   */
  mirrorChannel?: string | null;
  /** An earlier run may have posted it (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
}

/** `chat.update` answers for a status message that is gone or no longer ours to edit: nothing to retry. */
const STATUS_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/** Answers for a swarm channel that is gone, archived or closed to us: the mirror is skipped (the thread has the reply). */
const MIRROR_GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** Logs through the activity's logger when running in an activity, else the console. */
export function defaultWarn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    console.warn(message, meta);
  }
}

/** Builds the Slack activities. */
export function createSlackActivities(deps: SlackDeps) {
  const { slack, helpChannel } = deps;
  const now = deps.now ?? Date.now;
  const groups = deps.usergroups ?? createUsergroupDirectory(slack, { now });
  const warn = deps.warn ?? defaultWarn;
  const attempt = deps.attempt ?? activityAttempt;

  const find = createMessageFinder(slack);
  const isStatusOf = (state: RequestState) => carries(THREAD_EVENT_TYPE, 'request_id', state.id);

  /** The system owners' group: a real mention once the request is with them (Tier 3+), else the handle as plain text. */
  const ownersOf = async (state: RequestState): Promise<string | null> => {
    if (!state.system) return null;
    const handle = state.system.slackOwners;
    return state.tier >= 3 ? ((await groups.mentions([handle]))[0] ?? null) : groupMention(handle);
  };

  const statusContent = (input: StatusMessageInput) => ({
    text: statusText(input),
    blocks: statusBlocks(input),
    metadata: { event_type: THREAD_EVENT_TYPE, event_payload: { request_id: input.state.id } },
  });

  return {
    /**
     * Posts the request's status message, once, mentioning the given user groups: as the first
     * message of a new thread in the help channel, or, for a request that came from a Slack message
     * (`state.links.slackChannel`/`slackTs`), as a reply in that message's thread. A retry returns
     * what an earlier attempt posted.
     */
    async postRequestThread(args: PostRequestThreadArgs): Promise<ThreadRef> {
      const { state } = args;
      const { slackChannel, slackTs } = state.links;
      const channel = slackChannel && slackTs ? slackChannel : helpChannel;
      try {
        const threadTs = slackChannel && slackTs ? slackTs : null;
        const earlier = async () => (threadTs ? find.inThread(channel, threadTs, isStatusOf(state)) : find.inHistory(helpChannel, isStatusOf(state)));
        let statusTs = mayHaveWritten(attempt(), args.mayHaveRun) ? await earlier() : null;
        if (!statusTs) {
          const [mentions, owners] = await Promise.all([groups.mentions(args.mentions), ownersOf(state)]);
          const input = { state, view: args.view, owners, guides: args.guides, shadowItOwner: args.shadowItOwner, mentions };
          const posted = await slack.chat.postMessage({
            channel,
            ...(threadTs ? { thread_ts: threadTs } : {}),
            ...statusContent(input),
            unfurl_links: false,
            unfurl_media: false,
          });
          statusTs = posted.ts ?? null;
        }
        if (!statusTs) throw new Error('Slack chat.postMessage returned no ts');
        const ts = threadTs ?? statusTs;
        // The permalink is a convenience: without it the thread still works.
        const link = await slack.chat.getPermalink({ channel, message_ts: ts }).catch(() => null);
        return { channel, ts, statusTs, permalink: link?.permalink ?? null };
      } catch (err) {
        throw classifySlackError(err, `posting the status message of ${state.id} in ${channel}`);
      }
    },

    /**
     * Rewrites the status message in place from the request's current state (tier, state, owner,
     * SLA line, buttons). A status message that was deleted, or can no longer be edited, is
     * reported in the logs and left alone: retrying could not bring it back.
     */
    async updateStatusMessage(args: UpdateStatusMessageArgs): Promise<void> {
      const { state, channel, statusTs } = args;
      try {
        const owners = await ownersOf(state);
        const input = { state, view: args.view, owners, guides: args.guides ?? [], shadowItOwner: args.shadowItOwner ?? null };
        await slack.chat.update({ channel, ts: statusTs, ...statusContent(input) });
      } catch (err) {
        const code = errorCode(err);
        if (code && STATUS_GONE.has(code)) {
          warn(`The status message of ${state.id} cannot be updated (${code}); leaving it as it is`, { requestId: state.id, channel, statusTs, error: code });
          return;
        }
        throw classifySlackError(err, `updating the status message of ${state.id} (${channel} ${statusTs})`);
      }
    },

    /**
     * Replies in the request's thread with an event (once per effect): the headline, the note
     * quoted, the given user groups mentioned. With `mirrorChannel`, the same reply (without the
     * mentions) goes to that channel too, once; a mirror channel that is gone or archived is
     * reported in the logs and skipped.
     */
    async postThreadReply(args: PostThreadReplyArgs): Promise<void> {
      const { state, event } = args;
      const isEffect = carries(EFFECT_EVENT_TYPE, 'effect_id', args.effectId);
      const metadata = { event_type: EFFECT_EVENT_TYPE, event_payload: { effect_id: args.effectId, request_id: state.id, event } };
      const text = (mentions: string[]) => replyText(state, event, { note: args.note, mentions, now: stateTime(state, now()) });
      const look = mayHaveWritten(attempt(), args.mayHaveRun);
      try {
        if (!look || !(await find.inThread(args.channel, args.threadTs, isEffect))) {
          const mentions = await groups.mentions(args.mentions);
          await slack.chat.postMessage({
            channel: args.channel,
            thread_ts: args.threadTs,
            text: text(mentions),
            unfurl_links: false,
            unfurl_media: false,
            metadata,
          });
        }
      } catch (err) {
        throw classifySlackError(err, `posting "${event}" in the thread of ${state.id} (${args.channel})`);
      }
      const mirror = args.mirrorChannel;
      if (!mirror) return;
      try {
        if (look && (await find.inHistory(mirror, isEffect))) return;
        await slack.chat.postMessage({ channel: mirror, text: text([]), unfurl_links: false, unfurl_media: false, metadata });
      } catch (err) {
        const code = errorCode(err);
        if (code && MIRROR_GONE.has(code)) {
          warn(`The swarm channel of ${state.id} cannot take the mirror of "${event}" (${code}); skipping it`, {
            requestId: state.id,
            channel: mirror,
            error: code,
          });
          return;
        }
        throw classifySlackError(err, `mirroring "${event}" of ${state.id} in its swarm channel ${mirror}`);
      }
    },
  };
}
