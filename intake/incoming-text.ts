/**
 * Text arriving from Slack and GitLab, turned into the plain text a request carries. Slack sends
 * message text in its wire format (`&lt;` for `<`, `<!channel>` for @channel, `<@U123>` for a
 * user, `<https://x|label>` for a link); we decode it into what the person saw, so the outgoing
 * activities escape it once (a request never carries a live Slack token such as `<!channel>`).
 *
 * Whatever the source, text entering a request loses the characters that hide or reorder text
 * (zero-width, bidi, tag and control characters: `domain/text-safety.ts`), and a summary is one
 * line: the request's state, the Temporal UI's summary of its workflow and everything written from
 * them show what the sender's text really says. Outgoing text is cleaned again (old requests,
 * API-born ones); doing it here too keeps the state honest.
 */
import { neutraliseInvisible, plainLine } from '../domain/text-safety.js';

/** Longest summary the request schema accepts. */
export const MAX_SUMMARY_CHARS = 200;
/** Longest description or note a request action accepts. */
export const MAX_TEXT_CHARS = 10_000;

const decodeEntities = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One `<…>` token of Slack's format, as the reader saw it; a link (mailto too) keeps its target beside its label. */
function plainToken(inner: string): string {
  const [target = '', label] = splitOnce(inner, '|');
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ? `@${label.replace(/^@/, '')}` : `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
  const address = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
  return label !== undefined && label !== address ? `${label} (${address})` : address;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Slack's message format → plain text, without invisible characters. A link's label is kept with
 * its target (`label (https://…)`), so a label cannot hide where the link goes.
 * @example slackToPlainText('<!channel> see <https://x.test|the doc> &amp; ask <@U123>') // '@channel see the doc (https://x.test) & ask @U123'
 */
export function slackToPlainText(text: string): string {
  // Tokens never contain `<` or `>` (Slack escapes them inside), so one pass over `<…>` is exact.
  // One pass over tokens and entities, so decoded text is never decoded twice. Invisible
  // characters go first: a zero-width character inside a token must not change how it reads.
  return neutraliseInvisible(text).replace(/<([^<>]*)>|&(?:lt|gt|amp);/g, (whole, inner: string | undefined) =>
    decodeEntities(inner === undefined ? whole : plainToken(inner)),
  );
}

/**
 * Free text as a request keeps it (a description, a note): invisible characters removed, cut to
 * `max` UTF-16 units, ending with an ellipsis when cut (never inside a surrogate pair).
 * @example clip('pay\u200Bpal', 10) // 'paypal'
 */
export function clip(text: string, max: number): string {
  const clean = neutraliseInvisible(text);
  if (clean.length <= max) return clean;
  const cut = /[\uD800-\uDBFF]/.test(clean[max - 2] ?? '') ? max - 2 : max - 1;
  return `${clean.slice(0, cut).trimEnd()}…`;
}

/**
 * A request summary from free text: its first non-empty line (any line break counts, U+2028
 * included), whitespace collapsed and invisible characters removed, within 200 characters;
 * `fallback` (cleaned the same way) when the text has nothing to show.
 * @example summaryOf('\n  Locked out of Okta\nafter the MFA reset', 'x') // 'Locked out of Okta'
 */
export function summaryOf(text: string, fallback: string): string {
  const first = neutraliseInvisible(text)
    .split('\n')
    .map(plainLine)
    .find((line) => line !== '');
  return clip(first ?? plainLine(fallback), MAX_SUMMARY_CHARS);
}
