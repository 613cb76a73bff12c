/**
 * What one Slack event asks of Temporal, decided from the payload alone (no I/O), so every case is
 * unit-tested without a server. Transport facts only: who wrote what where; the workflow decides
 * what a request is about and what a comment does.
 *
 * - A person's top-level message in the help channel starts a request
 *   (`req-slack-<channel>-<ts>`, with `slackMessage`, so a redelivery finds the same workflow).
 * - A person's reply in a thread of the help channel is a `comment` on the thread's request
 *   (update id `slack-<event_id>`, so a redelivery is applied once).
 * - A person's direct message to the app gets a redirect notice (workflow `slack-notice-<event_id>`).
 * - Everything else is acknowledged and ignored: bots (ours included), edits, deletions, joins,
 *   other channels, other event types.
 */
import type { z } from 'zod';

import type { ActionArgs } from '../domain/request-actions.js';
import type { HelpRequestInput } from '../contracts/help-request.js';
import type { SlackNoticeInput } from '../contracts/slack-notice.js';
import { HttpError } from './http-errors.js';
import { clip, MAX_TEXT_CHARS, slackToPlainText, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { slackRequester } from './requesters.js';
import { describeIssues } from './schemas.js';
import { HUMAN_SUBTYPES, humanMessageSchema, messageKindSchema, type eventCallbackSchema } from './slack-schemas.js';

/** What intake does with one event. */
export type SlackEventDecision =
  | { kind: 'ignore'; label: string; reason: string }
  | { kind: 'start'; input: HelpRequestInput }
  | { kind: 'comment'; channel: string; threadTs: string; derivedId: string; args: ActionArgs; updateId: string }
  | { kind: 'notice'; eventId: string; notice: SlackNoticeInput };

/** What the decision needs besides the payload. */
export interface SlackEventContext {
  /** Channel id of `#it_help`. */
  helpChannel: string;
}

type EventCallback = z.infer<typeof eventCallbackSchema>;

/** Summary of a message with no text (a file alone, say). */
const NO_TEXT = 'Slack message without text';

/** The request id of a Slack message: the same function for starting it and for finding it from a reply. */
export function slackMessageRequestId(channel: string, ts: string): string {
  return requestIdFor('slack', `${channel}-${ts}`);
}

/** The update id of a comment from one Slack event. */
export function slackEventUpdateId(eventId: string): string {
  return `slack-${eventId}`;
}

/**
 * Decides what an `event_callback` asks; throws a 400 `HttpError` naming the field when a
 * person's message is malformed.
 */
export function decideSlackEvent(envelope: EventCallback, ctx: SlackEventContext): SlackEventDecision {
  const { event } = envelope;
  if (event.type !== 'message') return { kind: 'ignore', label: 'unhandled_event', reason: `event type ${event.type.slice(0, 60)} is not handled` };

  const kind = messageKindSchema.safeParse(event);
  if (!kind.success) return { kind: 'ignore', label: 'unhandled_event', reason: 'unreadable message kind' };
  const { subtype, bot_id, hidden, user } = kind.data;
  if (bot_id || subtype === 'bot_message') return { kind: 'ignore', label: 'bot_message', reason: 'bot message' };
  const appUsers = new Set((envelope.authorizations ?? []).filter((a) => a.is_bot).map((a) => a.user_id));
  if (user && appUsers.has(user)) return { kind: 'ignore', label: 'own_message', reason: "the app's own message" };
  if (hidden || (subtype !== undefined && !HUMAN_SUBTYPES.has(subtype)))
    return { kind: 'ignore', label: 'message_subtype', reason: `message subtype ${subtype ?? 'hidden'}` };

  const parsed = humanMessageSchema.safeParse(event);
  if (!parsed.success) {
    const { error, details } = describeIssues(parsed.error);
    throw new HttpError(400, error.replace('invalid request', 'invalid Slack message event'), details, 'invalid_body');
  }
  const message = parsed.data;
  const text = slackToPlainText(message.text).trim();

  if (message.channel_type === 'im' || message.channel.startsWith('D')) {
    return {
      kind: 'notice',
      eventId: envelope.event_id,
      notice: { kind: 'dm_redirect', channel: message.channel, user: message.user, noticeId: envelope.event_id },
    };
  }
  if (message.channel !== ctx.helpChannel) return { kind: 'ignore', label: 'other_channel', reason: 'not the help channel' };

  if (message.thread_ts && message.thread_ts !== message.ts) {
    if (!text) return { kind: 'ignore', label: 'empty_text', reason: 'thread reply without text' };
    return {
      kind: 'comment',
      channel: message.channel,
      threadTs: message.thread_ts,
      derivedId: slackMessageRequestId(message.channel, message.thread_ts),
      args: { actor: message.user, note: clip(text, MAX_TEXT_CHARS), source: 'slack' },
      updateId: slackEventUpdateId(envelope.event_id),
    };
  }

  const summary = summaryOf(text, NO_TEXT);
  return {
    kind: 'start',
    input: {
      id: slackMessageRequestId(message.channel, message.ts),
      source: 'slack',
      requester: slackRequester(message.user),
      summary,
      ...(text && text !== summary ? { description: clip(text, MAX_TEXT_CHARS) } : {}),
      slackMessage: { channel: message.channel, ts: message.ts },
    },
  };
}
