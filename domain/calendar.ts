/**
 * The coverage calendar: when Tier 2 is staffed (default 24x5), and arithmetic in coverage time —
 * time that counts only while the desk is open. SLA clocks are measured in coverage time.
 *
 * All instants are UTC epoch milliseconds; all durations are milliseconds. Pure: no I/O and no
 * reading of the current time, so it runs unchanged inside Temporal workflow code.
 * The interval engine lives in `coverage-intervals.ts`; its semantics at DST changes are described there.
 */
import { DateTime } from 'luxon';
import { compileCalendar as compileFresh, isOpenAt, openIntervals, type CompiledCalendar } from './coverage-intervals.js';
import { WEEK_MS, type CoverageCalendar } from './types.js';

/**
 * Compiled calendars, by calendar object: a workflow asks about the same calendar (its plan's)
 * many times per task, so it is compiled once. Keyed by identity, so nothing is shared between
 * calendars and a calendar object must not be mutated after first use (none is).
 */
const compiledByCalendar = new WeakMap<CoverageCalendar, CompiledCalendar>();

function compileCalendar(cal: CoverageCalendar): CompiledCalendar {
  let compiled = compiledByCalendar.get(cal);
  if (!compiled) {
    compiled = compileFresh(cal);
    compiledByCalendar.set(cal, compiled);
  }
  return compiled;
}

export { formatDuration } from './duration.js';
export type { CoverageCalendar, WeeklyWindow } from './types.js';

/** 24x5: Monday 00:00 to Saturday 00:00 UTC, no holidays (the seed's Tier 2 coverage). */
export const DEFAULT_CALENDAR: CoverageCalendar = {
  timezone: 'UTC',
  windows: [{ start: { day: 1, time: '00:00' }, end: { day: 6, time: '00:00' } }],
  holidays: [],
};

/**
 * True when the desk is open at instant `at`.
 * @example isOpen(DEFAULT_CALENDAR, Date.UTC(2024, 0, 6, 12)) // false: a Saturday
 */
export function isOpen(cal: CoverageCalendar, at: number): boolean {
  return isOpenAt(compileCalendar(cal), at);
}

/**
 * The first open instant at or after `at` (`at` itself when open), or `null` when the calendar
 * never opens again.
 */
export function nextOpening(cal: CoverageCalendar, at: number): number | null {
  for (const [start] of openIntervals(compileCalendar(cal), at)) return start;
  return null;
}

/**
 * The first closed instant at or after `at` (`at` itself when closed), or `null` when the desk
 * never closes again (a whole-week calendar with no holiday ahead).
 */
export function nextClosing(cal: CoverageCalendar, at: number): number | null {
  const compiled = compileCalendar(cal);
  if (compiled.fullWeek && compiled.holidaysOverAt < at) return null;
  const giveUpAt = Math.max(at, compiled.holidaysOverAt) + 3 * WEEK_MS;
  let cursor = at;
  for (const [start, end] of openIntervals(compiled, at)) {
    if (start > cursor) return cursor;
    cursor = end;
    if (cursor > giveUpAt) return null;
  }
  return cursor;
}

/**
 * The deadline: the first instant by which `durationMs` of coverage time has elapsed after `at`.
 * A deadline that lands exactly on a closing time is that closing time (4 coverage hours from
 * Friday 20:00 UTC is Saturday 00:00, not Monday). A duration of 0 (or less) gives
 * `nextOpening(at)`. Returns `Infinity` for a calendar that never opens.
 * @example addCoverage(DEFAULT_CALENDAR, Date.UTC(2024, 0, 5, 22), 4 * 3_600_000) // Mon 2024-01-08 02:00 UTC
 */
export function addCoverage(cal: CoverageCalendar, at: number, durationMs: number): number {
  let remaining = Math.max(0, durationMs);
  for (const [start, end] of openIntervals(compileCalendar(cal), at)) {
    if (remaining <= end - start) return start + remaining;
    remaining -= end - start;
  }
  return Number.POSITIVE_INFINITY;
}

/** Coverage time in `[from, to)`, in ms; 0 when `to <= from`. */
export function coverageBetween(cal: CoverageCalendar, from: number, to: number): number {
  let total = 0;
  if (to <= from) return total;
  for (const [start, end] of openIntervals(compileCalendar(cal), from)) {
    if (start >= to) break;
    total += Math.min(end, to) - start;
  }
  return total;
}

/**
 * An instant as people on the desk read it: weekday, time and zone abbreviation in the
 * calendar's zone, e.g. `Mon 02:00 UTC`, `Sun 19:00 PDT`, `Mon 07:30 GMT+5:30`.
 */
export function formatInstant(cal: CoverageCalendar, at: number): string {
  return DateTime.fromMillis(at, { zone: cal.timezone }).setLocale('en-US').toFormat('ccc HH:mm ZZZZ');
}

/** Like {@link formatInstant} with the date: `Mon 2024-01-08 02:00 UTC`. */
export function formatInstantWithDate(cal: CoverageCalendar, at: number): string {
  return DateTime.fromMillis(at, { zone: cal.timezone }).setLocale('en-US').toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
}
