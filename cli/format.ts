/**
 * The CLI's plain-text building blocks: padded tables, CSV lines, instants and relative times,
 * truncation and optional colour. Pure (the clock and the zone come in as arguments), so the views
 * built on them are tested without a terminal.
 */
import { DateTime } from 'luxon';

import { formatDuration } from '../domain/duration.js';
import { csvCell } from '../domain/sla-report.js';

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow';

const SGR: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] };

/** Paints `text` in `style` when `colour` is on; plain text otherwise. */
export function paint(text: string, style: Style, colour: boolean): string {
  if (!colour || text === '') return text;
  const [on, off] = SGR[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** `text` without its colour codes. */
export function unpainted(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape character is what is being removed
  return text.replace(/\u001b\[\d+m/g, '');
}

/** The visible width of a string (colour codes do not count). */
export function visibleWidth(text: string): number {
  return [...unpainted(text)].length;
}

/**
 * Colour only for a terminal, and never when `NO_COLOR` is set to anything (no-color.org).
 * @example colourFor({ isTTY: true }, { NO_COLOR: '1' }) // false
 */
export function colourFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

export interface Column {
  header: string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

/**
 * A table padded with spaces (two between columns), header first; the last column is not padded
 * so no line ends in blanks.
 * @example table([{ header: 'ID' }, { header: 'TIER', align: 'right' }], [['req-1', '2']]) // ['ID     TIER', 'req-1     2']
 */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[], opts: { colour?: boolean } = {}): string[] {
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const gap = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
        if (column.align === 'right') return gap + cell;
        return i === columns.length - 1 ? cell : cell + gap;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => paint(column.header, 'bold', opts.colour ?? false))), ...rows.map(line)];
}

/**
 * One CSV record (RFC 4180). A cell a spreadsheet would run as a formula (starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return) is prefixed with `'`, as the SLA report's CSV does.
 * @example csvLine(['req-1', 'Printer, 3rd floor', '=1+1']) // 'req-1,"Printer, 3rd floor",\'=1+1'
 */
export function csvLine(cells: readonly (string | number | boolean | null)[]): string {
  return cells.map((value) => csvCell(value === null ? '' : String(value))).join(',');
}

/**
 * Text someone else wrote (a summary, a note, an actor), safe to print on a terminal: control
 * characters (escape sequences that could move the cursor, retitle the window or hide what follows)
 * and bidirectional overrides become `�`; tabs and line breaks stay.
 * @example printable('ok\u001b]0;pwned\u0007') // 'ok�]0;pwned�'
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/**
 * `text` on one line and at most `max` characters, an ellipsis marking a cut.
 * @example truncate('Locked out of Okta after the MFA reset', 20) // 'Locked out of Okta …'
 */
export function truncate(text: string, max: number): string {
  const line = printable(text).replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * An instant for people, in `zone` (the reader's own by default): `2026-12-01 10:00 UTC`; the
 * zone's abbreviation is the en-US one whatever the machine's locale (`GMT+1` in London's summer).
 * @example formatWhen(Date.UTC(2026, 11, 1, 10), 'UTC') // '2026-12-01 10:00 UTC'
 */
export function formatWhen(at: number | string, zone?: string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(ms)) return '—';
  return DateTime.fromMillis(ms, { locale: 'en-US', ...(zone ? { zone } : {}) }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

/** Like {@link formatWhen}, with the weekday: `Tue 2026-12-01 10:00 UTC`. */
export function formatWhenWithDay(at: number, zone?: string): string {
  return DateTime.fromMillis(at, { locale: 'en-US', ...(zone ? { zone } : {}) }).toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
}

/**
 * How far `at` is from `now` in wall-clock time: `in 3h 20m`, `20m ago`, `now` (within a minute).
 * @example relativeTime(Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 1, 10)) // 'in 2h'
 */
export function relativeTime(at: number | string | null, now: number): string {
  if (at === null) return '—';
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(ms)) return '—';
  const delta = ms - now;
  if (Math.abs(delta) < 60_000) return 'now';
  const span = formatDuration(Math.floor(Math.abs(delta) / 60_000) * 60_000);
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

/**
 * A rate as a percentage with its counts, or `—` when nothing was measured.
 * @example attainment(0.75, 3, 4) // '75.0% (3/4)'
 */
export function attainment(rate: number | null, met: number, measured: number): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}% (${met}/${measured})`;
}

/** Seconds as a duration (`1h 40m`), or `—`. */
export function seconds(value: number | null): string {
  return value === null ? '—' : formatDuration(Math.round(value) * 1000);
}

/** A count with thousands separators: `1,200`. */
export const count = (n: number) => n.toLocaleString('en-US');
