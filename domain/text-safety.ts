/**
 * Text that people send us, made safe to show to other people: no character that is invisible,
 * reorders what a reader sees, or forges a line. Pure string functions, shared by the intake (what a
 * request keeps) and the Slack and GitLab writers (what is shown), so the same rules hold both ways.
 *
 * Characters are **removed**, not replaced by a visible mark. A bidi override or a zero-width
 * character does nothing useful in a help request; what it does is disguise: `invoice\u202Etxt.exe`
 * shows as `invoiceexe.txt`, `pay\u200Bpal.com` looks like `paypal.com` but is another string, and
 * tag characters carry text no reader sees. Removing them shows the logical order and the real
 * characters, which is exactly what the reader must judge; a replacement mark would keep the string
 * different from what it looks like and clutter honest text (a stray U+200E pasted from a web page).
 */

/**
 * Every line break a renderer may honour: CR LF, CR, LF, VT, FF, NEL (U+0085), and the Unicode
 * line and paragraph separators (U+2028, U+2029).
 */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g;

/**
 * What {@link neutraliseInvisible} removes (the `u` flag makes `[\uD800-\uDFFF]` match only lone
 * surrogates: a well-formed pair is one astral code point):
 * - C0 and C1 control characters and DEL, except `\n` and `\t` (line breaks are turned into `\n` first);
 * - zero-width characters: U+200B–U+200D, U+2060, U+FEFF, U+180E, the invisible operators
 *   U+2061–U+2064, and other default-ignorable characters that render as nothing or as a blank:
 *   soft hyphen U+00AD, combining grapheme joiner U+034F, the Hangul fillers (U+115F, U+1160,
 *   U+3164, U+FFA0), U+17B4–U+17B5, the Mongolian variation selectors U+180B–U+180F, the
 *   deprecated format characters U+206A–U+206F, interlinear annotation U+FFF9–U+FFFB, shorthand
 *   format controls U+1BCA0–U+1BCA3 and musical formatting U+1D173–U+1D17A;
 * - bidi controls: U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E, U+200F
 *   (marks), U+061C (Arabic letter mark);
 * - Unicode tag characters U+E0000–U+E007F (invisible ASCII look-alikes);
 * - lone surrogates (half a character; renderers show garbage or drop it).
 * Variation selectors U+FE00–U+FE0F stay: they pick a glyph's style (emoji or text) and hide nothing.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- these characters are the point
  /[\0-\x08\x0B-\x1F\x7F-\x9F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\uD800-\uDFFF]/gu;

/**
 * Removes characters that hide or reorder text (zero-width and other invisible characters, bidi
 * controls, tag characters, control characters, lone surrogates: see above), keeping `\n` and
 * `\t`. Every kind of line break becomes `\n`: a break is visible, so it is kept, in one form.
 * Idempotent. Emoji sequences joined by U+200D (ZWJ) fall apart into their parts, and subdivision
 * flags lose their tags: the price of showing nothing a reader cannot see.
 * @example neutraliseInvisible('invoice\u202Etxt.exe') // 'invoicetxt.exe'
 * @example neutraliseInvisible('pay\u200Bpal\r\nok') // 'paypal\nok'
 */
export function neutraliseInvisible(text: string): string {
  return text.replace(LINE_BREAK, '\n').replace(INVISIBLE, '');
}

/**
 * Text for a one-line field (a summary, a name, a header value): every line break (CR, LF, VT, FF,
 * NEL, U+2028, U+2029) and every run of whitespace becomes one space, and the ends are trimmed, so
 * a value can never start a line of its own (a forged `**Priority:** P1` line, say).
 * @example oneLine('Ada\n**Priority:** P1') // 'Ada **Priority:** P1'
 */
export function oneLine(text: string): string {
  return text.replace(/[\s\u0085]+/g, ' ').trim();
}

/**
 * {@link neutraliseInvisible} then {@link oneLine}: what a one-line field from outside should be.
 * @example plainLine(' Ada\u200B\u2028Lovelace ') // 'Ada Lovelace'
 */
export function plainLine(text: string): string {
  return oneLine(neutraliseInvisible(text));
}
