/**
 * Slack's mrkdwn as HTML, a little of it ("mrkdwn-lite"), for the sandbox's Slack viewer
 * (`slack-viewer.ts`). Everything is hostile: the text is HTML-escaped first, so nothing a message
 * carries can become markup; only then are Slack's tokens and formatting recognised in the escaped
 * text and turned into the few tags this module writes itself.
 *
 * What Slack's text means, and so what is rendered:
 * - `<…>` (a raw angle bracket, which only the poster's code writes) is a token: `<@U…>` a person,
 *   `<#C…>` a channel, `<!subteam^S…>` a user group, `<!here>`/`<!channel>`/`<!everyone>`,
 *   `<!date^unix^format|fallback>` a date (its fallback is shown), `<url|label>` a link (http and
 *   https only; any other scheme shows as text);
 * - `&lt;`, `&gt;` and `&amp;` outside tokens are how Slack carries a typed `<`, `>` and `&`: they
 *   are shown as those characters (escaped user text such as `&lt;!channel&gt;` shows as typed);
 * - `*bold*`, `_italic_`, `~strike~`, `` `code` ``, a `>` at the start of a line (a quote), line
 *   breaks, and a few emoji shortcodes; unknown shortcodes stay as text.
 */

/** Who the tokens name: users, user groups and channels, by id. */
export interface MrkdwnDirectory {
  /** A user's display name (without `@`), by id. */
  userName(id: string): string;
  /** A user group's handle (without `@`), by id; undefined when unknown. */
  groupHandle(id: string): string | undefined;
  /** A channel's name (without `#`), by id; undefined when unknown. */
  channelName(id: string): string | undefined;
}

/** The emoji shortcodes tierflow writes, as Unicode; others are shown as typed. */
export const EMOJI: Readonly<Record<string, string>> = {
  rotating_light: '🚨',
  white_check_mark: '✅',
  arrow_up: '⬆️',
  eyes: '👀',
  hourglass_flowing_sand: '⏳',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  link: '🔗',
  sunrise: '🌅',
  memo: '📝',
  bell: '🔔',
  warning: '⚠️',
  sparkles: '✨',
  lock: '🔒',
  no_entry_sign: '🚫',
  double_vertical_bar: '⏸️',
  speech_balloon: '💬',
  arrow_forward: '▶️',
  twisted_rightwards_arrows: '🔀',
  triangular_flag_on_post: '🚩',
  leftwards_arrow_with_hook: '↩️',
  crescent_moon: '🌙',
  wave: '👋',
  tada: '🎉',
};

/**
 * Escapes text for HTML content and attribute values (double- or single-quoted).
 * @example escapeHtml('"><svg onload=x>') // '&quot;&gt;&lt;svg onload=x&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (escaped: string): string => escaped.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity] ?? entity);

/** Slack's own escapes (`&amp;lt;` once HTML-escaped) back to the character they stand for, as HTML. */
const decodeSlackEntities = (escaped: string): string => escaped.replace(/&amp;(amp|lt|gt);/g, '&$1;');

/** Shortcodes to Unicode, on escaped text (a shortcode has no character HTML escapes). */
export function emojify(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => (Object.hasOwn(EMOJI, name) ? EMOJI[name]! : whole));
}

/** Plain text (a `plain_text` object) as HTML: escaped, emoji when asked, line breaks kept. */
export function plainToHtml(text: string, emoji = true): string {
  const escaped = escapeHtml(text).replace(/\r\n?/g, '\n');
  return (emoji ? emojify(escaped) : escaped).replace(/\n/g, '<br>');
}

/** Slack-escaped text from inside a token (a label, a fallback), shown as text. */
const tokenText = (escaped: string): string => emojify(decodeSlackEntities(escaped));

const mention = (cls: string, text: string): string => `<span class="${cls}">${text}</span>`;

/** A link target Slack would follow: http(s) only, decoded from Slack's escapes, re-escaped for the attribute. */
function safeHref(escapedUrl: string): string | null {
  const url = unescapeHtml(decodeSlackEntities(escapedUrl));
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return null;
  return escapeHtml(url);
}

/** One `<…>` token (its inside, HTML-escaped) as HTML. */
function tokenHtml(inside: string, dir: MrkdwnDirectory): string {
  const bar = inside.indexOf('|');
  const target = bar === -1 ? inside : inside.slice(0, bar);
  const label = bar === -1 ? null : inside.slice(bar + 1);
  let m: RegExpExecArray | null;
  if ((m = /^@([UW][A-Z0-9]+)$/.exec(target))) return mention('mention', `@${escapeHtml(dir.userName(m[1]!))}`);
  if ((m = /^#([CG][A-Z0-9]+)$/.exec(target))) {
    const name = dir.channelName(m[1]!) ?? (label ? decodeSlackEntities(label) : m[1]!.toLowerCase());
    return mention('mention', `#${escapeHtml(name)}`);
  }
  if ((m = /^!subteam\^(S[A-Z0-9]+)$/.exec(target))) {
    const handle = dir.groupHandle(m[1]!) ?? (label ? decodeSlackEntities(label).replace(/^@/, '') : m[1]!);
    return mention('mention group', `@${escapeHtml(handle)}`);
  }
  if ((m = /^!(here|channel|everyone)$/.exec(target))) return mention('mention broadcast', `@${m[1]}`);
  if (target.startsWith('!date^')) {
    const fallback = label ?? target;
    return `<span class="date">${tokenText(fallback)}</span>`;
  }
  const href = safeHref(target);
  if (href) return `<a href="${href}" rel="noreferrer">${tokenText(label ?? target)}</a>`;
  // Anything else (another scheme, an unknown `!` command): its label, or the token as typed.
  return label !== null ? tokenText(label) : `&lt;${tokenText(inside)}&gt;`;
}

/** Placeholders stand in for rendered tokens and code while formatting runs; NUL never survives into them from the input. */
const HOLE = '\u0000';
const holeOf = (i: number): string => `${HOLE}${i}${HOLE}`;
const HOLES = new RegExp(`${HOLE}(\\d+)${HOLE}`, 'g');

/** `*bold*`, `_italic_` and `~strike~` on one escaped line (markers at word edges, as Slack does). */
function formatLine(line: string): string {
  const span = (marker: string, tag: string) => (text: string) =>
    text.replace(new RegExp(`(^|[^\\w${marker}])\\${marker}(?=\\S)([^${marker}\\n]*?\\S)\\${marker}(?![\\w${marker}])`, 'g'), `$1<${tag}>$2</${tag}>`);
  return span('~', 's')(span('_', 'em')(span('*', 'strong')(line)));
}

/**
 * Slack mrkdwn as HTML, safe to place in an element (see the module note for what is rendered).
 * @example mrkdwnToHtml('*Hi* <@U0ADA> &lt;b&gt;', dir) // '<strong>Hi</strong> <span class="mention">@ada</span> &lt;b&gt;'
 */
export function mrkdwnToHtml(text: string, dir: MrkdwnDirectory): string {
  const holes: string[] = [];
  const hole = (html: string): string => holeOf(holes.push(html) - 1);
  const fill = (html: string): string => html.replace(HOLES, (_whole, i: string) => holes[Number(i)] ?? '');
  let escaped = escapeHtml(text.replaceAll(HOLE, '\uFFFD').replace(/\r\n?/g, '\n'));
  // A raw `<` is `&lt;` now; Slack's own `&lt;` is `&amp;lt;` and never matches.
  escaped = escaped.replace(/&lt;([^\n]*?)&gt;/g, (_whole, inside: string) => hole(tokenHtml(inside, dir)));
  escaped = escaped.replace(/`([^`\n]+)`/g, (_whole, code: string) => hole(`<code>${fill(decodeSlackEntities(code))}</code>`));

  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of escaped.split('\n')) {
    // Slack quotes a line starting with `>`, typed (`&gt;`) or written raw.
    const quoted = /^(?:&gt;|&amp;gt;) ?(.*)$/.exec(line);
    const html = decodeSlackEntities(emojify(formatLine(quoted ? quoted[1]! : line)));
    if (quoted) quote.push(html);
    else {
      flush();
      out.push(html);
    }
  }
  flush();
  const joined = out.reduce(
    (acc, part, i) => (i === 0 ? part : acc.endsWith('</blockquote>') || part.startsWith('<blockquote>') ? acc + part : `${acc}<br>${part}`),
    '',
  );
  return fill(joined);
}
