/**
 * Slack message text for requests. User text (summary, description, notes, names) is made inert:
 * `&`, `<` and `>` are escaped, so it can never ping `@channel`/`@here`, a user group or a person,
 * nor forge a link (`<!channel>`, `<!subteam^…>`, `<@U…>`, `<http://x|y>` all show as typed).
 * Characters that hide or reorder text (zero-width, bidi, tag characters) are removed first, and
 * one-line fields (summary, names) stay on one line ({@link slackLine}).
 * Mentions come only from our code: user groups resolved from the `mentions` argument, and the
 * requester's Slack user id (a structured field, validated before it is written as `<@U…>`).
 * Links too: only {@link linkText} writes `<url|label>`, for URLs our code chose (a guide from the
 * registry, the tracker issue), so no link in a message hides a target a user chose.
 */
import type { RequestEvent, RequestState } from '../domain/request.js';
import { neutraliseInvisible, plainLine } from '../domain/text-safety.js';
import { eventHeadline, truncate } from './event-text.js';

/** Longest user note or description quoted in a message (Slack's own limit is 40,000). */
export const MAX_QUOTED_CHARS = 3000;

/**
 * Escapes user text for Slack mrkdwn, after removing what hides or reorders text
 * ({@link neutraliseInvisible}). Line breaks stay: see {@link slackLine} for one-line fields.
 * @example escapeSlack('<!channel>') // '&lt;!channel&gt;'
 * @example escapeSlack('invoice\u202Etxt.exe') // 'invoicetxt.exe'
 */
export function escapeSlack(text: string): string {
  return neutraliseInvisible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * User text for a one-line field (a summary, a name): {@link plainLine}, then {@link escapeSlack}.
 * @example slackLine('Ada\n*Priority* P1') // 'Ada *Priority* P1'
 */
export function slackLine(text: string): string {
  return escapeSlack(plainLine(text));
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{6,}$/;
const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;

/**
 * A user-group mention: `<!subteam^ID>` when Slack knows the handle, else the handle as plain,
 * escaped text (it pings nobody but still tells a reader who was meant).
 * @example groupMention('it-helpdesk-analysts', 'S0HELPDESK') // '<!subteam^S0HELPDESK>'
 */
export function groupMention(handle: string, id?: string): string {
  return id && SLACK_GROUP_ID.test(id) ? `<!subteam^${id}>` : `@${slackLine(handle.replace(/^@/, ''))}`;
}

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

/**
 * A channel link `<#C…>` for a well-formed Slack channel id (our own data, such as a crisis's
 * swarm channel), else null: nothing else is ever written between `<#` and `>`.
 * @example channelMention('C0SWARM01') // '<#C0SWARM01>'
 * @example channelMention('C0X><!channel') // null
 */
export function channelMention(id: string | null | undefined): string | null {
  return id && SLACK_CHANNEL_ID.test(id) ? `<#${id}>` : null;
}

/** A person: `<@U…>` for a well-formed Slack user id, else their name or email as escaped text. */
export function personText(who: string): string {
  return SLACK_USER_ID.test(who) ? `<@${who}>` : slackLine(who);
}

/** Quotes user text as a Slack block quote, escaped and cut to {@link MAX_QUOTED_CHARS}. */
export function quoteSlack(text: string): string {
  return escapeSlack(truncate(neutraliseInvisible(text).trim(), MAX_QUOTED_CHARS))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/** The requester: `<@U…>` for a well-formed Slack user id, else their name or email as escaped text. */
export function requesterText(state: RequestState): string {
  const id = state.requester.slackUserId;
  return id && SLACK_USER_ID.test(id) ? `<@${id}>` : slackLine(state.requester.name ?? '') || slackLine(state.requester.email);
}

/**
 * A link written by our code, to a URL our code chose: the URL stripped of what would end the
 * link early or hide in it, the label on one line, escaped.
 */
export function linkText(url: string, label: string): string {
  return `<${neutraliseInvisible(url).replace(/[<>|\s]/g, '')}|${slackLine(label)}>`;
}

const ENTITY = /^&(?:amp|lt|gt);/;

/**
 * Cuts finished mrkdwn to at most `max` UTF-16 units (Slack counts characters; UTF-16 units are
 * never fewer), marking the cut with `…`. The cut never splits an escape (`&amp;`), one of our
 * `<…>` tokens (mention, link, date) or a surrogate pair: a half escape would show as garbage and
 * a half token as a broken link. Escaped user text has no raw `<`, so every `<` opens our token.
 * @example fitMrkdwn('a &amp; b', 4) // 'a …'
 */
export function fitMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const open = text.lastIndexOf('<', cut - 1);
  if (open !== -1 && text.indexOf('>', open) >= cut) cut = open;
  const amp = text.lastIndexOf('&', cut - 1);
  const entity = amp === -1 ? null : ENTITY.exec(text.slice(amp, amp + 5));
  if (entity && amp + entity[0].length > cut) cut = amp;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

const EMOJI: Readonly<Record<RequestEvent, string>> = {
  acknowledged: ':eyes:',
  resolved: ':white_check_mark:',
  self_served: ':sparkles:',
  escalated: ':arrow_up:',
  sla_warning: ':hourglass_flowing_sand:',
  sla_breached: ':rotating_light:',
  reminder: ':bell:',
  waiting_on_requester: ':speech_balloon:',
  resumed: ':arrow_forward:',
  reassigned: ':twisted_rightwards_arrows:',
  priority_changed: ':triangular_flag_on_post:',
  comment: ':memo:',
  reopened: ':leftwards_arrow_with_hook:',
  cancelled: ':no_entry_sign:',
  swarm_opened: ':rotating_light:',
  coverage_opened: ':sunrise:',
  review_opened: ':clipboard:',
};

/** What {@link replyText} needs besides the state and the event. */
export interface ReplyOptions {
  /** The engineer's or requester's note (escalation reason, resolution, comment), quoted. */
  note?: string;
  /** Rendered user-group mentions, appended as "cc". */
  mentions: string[];
  /** Epoch ms the reply is written (for "breached 2 h ago"). */
  now: number;
}

/**
 * A reply in the request's thread announcing an event: emoji and headline, the note quoted, and
 * the mentions. Waiting on the requester also pings the requester, who has to answer; the opening
 * of a swarm channel links it (`state.links.swarmChannel`).
 * @example replyText(state, 'comment', { note: '<!channel> ping', mentions: [], now })
 * // ':memo: *Comment*\n>&lt;!channel&gt; ping'
 */
export function replyText(state: RequestState, event: RequestEvent, opts: ReplyOptions): string {
  const headline = eventHeadline(state, event, { escape: slackLine, person: personText, now: opts.now });
  const lines = [`${EMOJI[event]} *${headline}*`];
  if (opts.note && neutraliseInvisible(opts.note).trim()) lines.push(quoteSlack(opts.note));
  if (event === 'waiting_on_requester') lines.push(`${requesterText(state)} please reply in this thread.`);
  const swarm = event === 'swarm_opened' ? channelMention(state.links.swarmChannel) : null;
  if (swarm) lines.push(`Join the swarm in ${swarm}.`);
  if (opts.mentions.length > 0) lines.push(`cc ${opts.mentions.join(' ')}`);
  return lines.join('\n');
}
