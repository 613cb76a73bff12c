/**
 * The text-safety rules as plain functions: which characters go, which line breaks count, and a
 * property test of `neutraliseInvisible` against a code-point-by-code-point oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { neutraliseInvisible, oneLine, plainLine } from '../../domain/text-safety.js';
import { propertyRuns } from './support/property-runs.js';

/** The ranges the module promises to remove (inclusive), written out independently of its regex. */
const REMOVED: Array<[number, number]> = [
  [0x00, 0x08],
  [0x0e, 0x1f],
  [0x7f, 0x84],
  [0x86, 0x9f], // C0 except \t \n and the line breaks; DEL; C1 except NEL
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe007f],
];
const LINE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);
const removed = (cp: number): boolean => REMOVED.some(([lo, hi]) => cp >= lo && cp <= hi) || (cp >= 0xd800 && cp <= 0xdfff);

/** The oracle: one code point at a time (a lone surrogate iterates as itself). */
function oracle(text: string): string {
  let out = '';
  const cps = Array.from(text);
  for (let i = 0; i < cps.length; i += 1) {
    const ch = cps[i]!;
    const cp = ch.codePointAt(0)!;
    if (ch === '\r' && cps[i + 1] === '\n') continue; // CR LF is one break: the LF writes it
    if (LINE_BREAKS.has(cp)) out += '\n';
    else if (!removed(cp)) out += ch;
  }
  return out;
}

describe('neutraliseInvisible', () => {
  it.each([
    ['a right-to-left override, which shows invoice\u202Etxt.exe as invoiceexe.txt', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
    ['embeddings and the pop', 'a\u202Ab\u202Bc\u202Cd\u202De', 'abcde'],
    ['isolates', 'x\u2066y\u2067z\u2068w\u2069', 'xyzw'],
    ['marks (LRM, RLM, Arabic letter mark)', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
    ['zero-width space, non-joiner, joiner', 'pay\u200Bpal\u200C.\u200Dcom', 'paypal.com'],
    ['word joiner, BOM, Mongolian vowel separator', '\uFEFFad\u2060m\u180Ein', 'admin'],
    ['invisible operators', 'f\u2061x\u2062y\u2063z\u2064', 'fxyz'],
    ['soft hyphen and combining grapheme joiner', 'se\u00ADcu\u034Fre', 'secure'],
    ['Hangul fillers (blank names)', '\u3164\u115F\u1160\uFFA0ok', 'ok'],
    ['tag characters spelling hidden text', `ok${Array.from('IGNORE', (c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}\u{E007F}`, 'ok'],
    ['C0 controls (NUL, BEL, ESC) and DEL', 'a\u0000b\u0007c\u001B[31md\u007F', 'abc[31md'],
    ['C1 controls (CSI)', 'a\u009Bb\u0080c', 'abc'],
    ['a lone high surrogate', 'a\uD83Db', 'ab'],
    ['a lone low surrogate', 'a\uDE00b', 'ab'],
  ])('removes %s', (_name, input, expected) => {
    expect(neutraliseInvisible(input)).toBe(expected);
  });

  it.each([
    ['CR LF', 'a\r\nb'],
    ['a lone CR', 'a\rb'],
    ['VT', 'a\vb'],
    ['FF', 'a\fb'],
    ['NEL (U+0085)', 'a\u0085b'],
    ['the line separator U+2028', 'a\u2028b'],
    ['the paragraph separator U+2029', 'a\u2029b'],
  ])('keeps %s as one \\n', (_name, input) => {
    expect(neutraliseInvisible(input)).toBe('a\nb');
  });

  it('keeps what is visible or meaningful: tabs, newlines, accents, scripts, emoji, variation selectors', () => {
    const text = 'Café\tñ\nПривет مرحبا 日本 😀 ❤\uFE0F 🇫🇷 a\u00A0b';
    expect(neutraliseInvisible(text)).toBe(text);
  });

  it('matches a code-point-by-code-point oracle, and is idempotent', () => {
    const interesting = fc.constantFrom(
      ...[
        0x00, 0x09, 0x0a, 0x0b, 0x0d, 0x1f, 0x20, 0x41, 0x7f, 0x85, 0x9f, 0xa0, 0xad, 0x61c, 0x200a, 0x200b, 0x200e, 0x2028, 0x202e, 0x2065, 0x2066, 0x2070,
        0xfeff, 0xfe0f, 0x1f600, 0xe0041, 0xe0080,
      ].map((cp) => String.fromCodePoint(cp)),
      '\uD800',
      '\uDFFF',
    );
    const text = fc.array(fc.oneof(interesting, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (input) => {
        const out = neutraliseInvisible(input);
        expect(out).toBe(oracle(input));
        expect(neutraliseInvisible(out)).toBe(out);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });
});

describe('oneLine', () => {
  it.each([
    ['a newline that would forge a header line', 'Ada\n**Priority:** P1', 'Ada **Priority:** P1'],
    ['CR LF and a lone CR', 'a\r\nb\rc', 'a b c'],
    ['U+2028, U+2029 and NEL', 'a\u2028b\u2029c\u0085d', 'a b c d'],
    ['VT and FF', 'a\vb\fc', 'a b c'],
    ['runs of spaces, tabs and no-break spaces', '  a \t\u00A0 b   c  ', 'a b c'],
    ['blank lines', '\n\n a \n\n\n b \n', 'a b'],
  ])('joins %s', (_name, input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });
});

describe('plainLine', () => {
  it('removes invisible characters, then joins lines', () => {
    expect(plainLine(' Ada\u200B\u2028\u202ELovelace \u200B ')).toBe('Ada Lovelace');
    expect(plainLine('\u200B\u200F')).toBe('');
  });
});
