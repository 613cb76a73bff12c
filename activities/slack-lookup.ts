/**
 * Finding what an earlier attempt of a Slack activity posted, so that a retry after an
 * "ambiguous" failure (Slack posted, the answer was lost) does not post twice. Every tierflow
 * message carries message metadata naming what wrote it; a retry reads the latest messages of a
 * channel, or the replies of a thread, for it.
 *
 * Message metadata is not proof of authorship: any app (or a user token) can post a message
 * carrying tierflow's metadata, and a forged one would make a retry skip a real post. Only
 * messages posted by our own bot count (learned once per finder from `auth.test`).
 */
import type { WebAPICallResult, WebClient } from '@slack/web-api';

/** The fields of a Slack message the lookups read. */
export interface MessageLike {
  ts?: string;
  user?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

/** Who tierflow is in Slack (`auth.test`). */
export interface BotIdentity {
  userId: string | null;
  botId: string | null;
}

/** A message's metadata payload as a record (the client types it as `{}`). */
export const payloadOf = (m: MessageLike): Record<string, unknown> => (m.metadata?.event_payload ?? {}) as Record<string, unknown>;

/** The Slack error code of a failed call (`invalid_auth`, `name_taken`, …), if it has one. */
export const errorCode = (err: unknown): string | undefined => (err as { data?: { error?: string } } | null | undefined)?.data?.error;

/**
 * A test for messages whose metadata has `eventType` and the payload field `key` equal to `value`.
 * @example carries(EFFECT_EVENT_TYPE, 'effect_id', 'req-1#3')
 */
export function carries(eventType: string, key: string, value: string): (m: MessageLike) => boolean {
  return (m) => m.metadata?.event_type === eventType && payloadOf(m)[key] === value;
}

// Pages of history or replies read (of PAGE_SIZE messages each) while looking for an earlier
// attempt's message: a lost answer is retried within minutes, long before 1,000 newer messages.
// (No `oldest` bound from the request's time: the workflow's clock is not Slack's, e.g. under the
// time-skipping test server.)
const PAGE_SIZE = 200;
const MAX_PAGES = 5;

/** Looks for tierflow's own messages. Errors of Slack propagate (the caller classifies them). */
export interface MessageFinder {
  /** Who tierflow is: `auth.test`, asked once per finder (again after a failure). */
  me(): Promise<BotIdentity>;
  /** The ts of our newest message in the channel's latest top-level messages that `accept` takes. */
  inHistory(channel: string, accept: (m: MessageLike) => boolean): Promise<string | null>;
  /**
   * The ts of our first reply in the thread that `accept` takes. A thread whose first message was
   * deleted cannot be read (`thread_not_found`) and so holds no reply of ours: null.
   */
  inThread(channel: string, threadTs: string, accept: (m: MessageLike) => boolean): Promise<string | null>;
}

/**
 * A finder over `slack`, reading at most 5 pages of 200 messages per lookup and stopping at the
 * page that holds the message.
 * @example
 * const find = createMessageFinder(slack);
 * await find.inThread('C0ITHELP', threadTs, carries(EFFECT_EVENT_TYPE, 'effect_id', id)) // '1700000000.000200' | null
 */
export function createMessageFinder(slack: WebClient): MessageFinder {
  let identity: Promise<BotIdentity> | null = null;
  const me = (): Promise<BotIdentity> =>
    (identity ??= slack.auth.test().then(
      (a) => ({ userId: a.user_id ?? null, botId: a.bot_id ?? null }),
      (err: unknown) => {
        identity = null;
        throw err;
      },
    ));
  const postedByUs = (m: MessageLike, us: BotIdentity): boolean => (us.botId !== null ? m.bot_id === us.botId : us.userId !== null && m.user === us.userId);

  const firstMessage = async (
    method: 'conversations.history' | 'conversations.replies',
    args: Record<string, unknown>,
    accept: (m: MessageLike) => boolean,
  ): Promise<string | null> => {
    const us = await me();
    const foundIn = (page: WebAPICallResult): string | null =>
      ((page as { messages?: MessageLike[] }).messages ?? []).find((m) => m.ts && accept(m) && postedByUs(m, us))?.ts ?? null;
    let read = 0;
    const found = await slack.paginate(
      method,
      { ...args, include_all_metadata: true, limit: PAGE_SIZE },
      (page) => foundIn(page) !== null || (read += 1) >= MAX_PAGES,
      (earlier: string | null | undefined, page) => earlier ?? foundIn(page),
    );
    return found ?? null;
  };

  return {
    me,
    inHistory: (channel, accept) => firstMessage('conversations.history', { channel }, accept),
    inThread: (channel, threadTs, accept) =>
      firstMessage('conversations.replies', { channel, ts: threadTs }, (m) => m.ts !== threadTs && accept(m)).catch((err: unknown) => {
        if (errorCode(err) === 'thread_not_found') return null;
        throw err;
      }),
  };
}
