/**
 * Text arriving from Slack and GitLab, turned into the plain text a request carries. Slack sends
 * message text in its wire format (`&lt;` for `<`, `<!channel>` for @channel, `<@U123>` for a
 * user, `<https://x|label>` for a link); we decode it into what the person saw, so the outgoing
 * activities escape it once (a request never carries a live Slack token such as `<!channel>`).
 */

/** Longest summary the request schema accepts. */
export const MAX_SUMMARY_CHARS = 200;
/** Longest description or note a request action accepts. */
export const MAX_TEXT_CHARS = 10_000;

const decodeEntities = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One `<…>` token of Slack's format, as the reader saw it. */
function plainToken(inner: string): string {
  const [target = '', label] = splitOnce(inner, '|');
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ? `@${label.replace(/^@/, '')}` : `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
  if (label !== undefined && label !== target) return `${label} (${target})`;
  return target;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Slack's message format → plain text.
 * @example slackToPlainText('<!channel> see <https://x.test|the doc> &amp; ask <@U123>') // '@channel see the doc (https://x.test) & ask @U123'
 */
export function slackToPlainText(text: string): string {
  // Tokens never contain `<` or `>` (Slack escapes them inside), so one pass over `<…>` is exact.
  // One pass over tokens and entities, so decoded text is never decoded twice.
  return text.replace(/<([^<>]*)>|&(?:lt|gt|amp);/g, (whole, inner: string | undefined) => decodeEntities(inner === undefined ? whole : plainToken(inner)));
}

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * A request summary from free text: its first non-empty line, within 200 characters;
 * `fallback` when the text is empty.
 * @example summaryOf('\n  Locked out of Okta\nafter the MFA reset', 'x') // 'Locked out of Okta'
 */
export function summaryOf(text: string, fallback: string): string {
  const first = text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
  return clip(first ?? fallback, MAX_SUMMARY_CHARS);
}
