/**
 * The engine behind the coverage calendar: a calendar compiled to plain numbers, and the lazy
 * sequence of open intervals it produces from any instant. Everything jumps window to window and
 * day to day; nothing steps through minutes.
 *
 * Semantics ("wall-clock"): an instant is open when its local wall-clock time in the calendar's
 * zone falls inside a weekly window and its local date is not a holiday. So a window that starts
 * at 02:30 on a spring-forward night opens at 03:00 (02:30 never happens), and an hour repeated
 * on a fall-back night is covered twice if the window covers it.
 */
import type { Zone } from 'luxon';
import { localDay, offsetAt, offsetSegments, parseLocalDate, parseTimeOfDay, resolveZone, startOfLocalWeek } from './time-zone.js';
import { DAY_MS, MINUTE_MS, WEEK_MS, type CoverageCalendar, type WeeklyWindow } from './types.js';

/** A calendar reduced to numbers, ready for interval arithmetic. */
export interface CompiledCalendar {
  zone: Zone;
  /** Disjoint, sorted `[start, end)` offsets from Monday 00:00 local, in ms, within `[0, WEEK_MS]`. */
  windows: Array<[number, number]>;
  /** Sorted, distinct holiday day numbers (local dates). */
  holidays: number[];
  /** True when the windows cover the whole week: only holidays ever close the desk. */
  fullWeek: boolean;
  /** An instant after which no holiday can matter any more (last holiday's end, with a day's margin). */
  holidaysOverAt: number;
}

/** Offset in ms from Monday 00:00 of a window edge. */
function edgeOffset(edge: WeeklyWindow['start'], what: string): number {
  const minutes = parseTimeOfDay(edge.time);
  if (minutes === undefined) throw new RangeError(`${what} time "${edge.time}" is not HH:mm`);
  if (!Number.isInteger(edge.day) || edge.day < 1 || edge.day > 7) throw new RangeError(`${what} day ${edge.day} is not an ISO weekday 1..7`);
  return (edge.day - 1) * DAY_MS + minutes * MINUTE_MS;
}

/**
 * Compiles a calendar: windows to merged week offsets (a window whose end equals its start
 * covers the whole week; one that ends "before" it starts wraps into the next week), holidays to
 * day numbers. Throws a RangeError on a malformed calendar.
 */
export function compileCalendar(cal: CoverageCalendar): CompiledCalendar {
  const zone = resolveZone(cal.timezone);
  const pieces: Array<[number, number]> = [];
  for (const window of cal.windows) {
    const start = edgeOffset(window.start, 'window start');
    const end = edgeOffset(window.end, 'window end');
    const length = end > start ? end - start : end - start + WEEK_MS;
    if (start + length <= WEEK_MS) pieces.push([start, start + length]);
    else pieces.push([start, WEEK_MS], [0, start + length - WEEK_MS]);
  }
  pieces.sort((a, b) => a[0] - b[0]);
  const windows: Array<[number, number]> = [];
  for (const [start, end] of pieces) {
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  const days = cal.holidays.map((text) => {
    const day = parseLocalDate(text);
    if (day === undefined) throw new RangeError(`holiday "${text}" is not a YYYY-MM-DD date`);
    return day;
  });
  const holidays = [...new Set(days)].sort((a, b) => a - b);
  const first = windows[0];
  const fullWeek = windows.length === 1 && first !== undefined && first[0] === 0 && first[1] === WEEK_MS;
  const lastHoliday = holidays[holidays.length - 1];
  const holidaysOverAt = lastHoliday === undefined ? Number.NEGATIVE_INFINITY : (lastHoliday + 2) * DAY_MS;
  return { zone, windows, holidays, fullWeek, holidaysOverAt };
}

/** True when local-timeline instant `local` is inside a window and not on a holiday. */
export function isOpenLocal(cal: CompiledCalendar, local: number): boolean {
  if (binarySearchDay(cal.holidays, localDay(local)) >= 0) return false;
  const inWeek = local - startOfLocalWeek(local);
  return cal.windows.some(([start, end]) => inWeek >= start && inWeek < end);
}

/** True when instant `at` is open. */
export function isOpenAt(cal: CompiledCalendar, at: number): boolean {
  return isOpenLocal(cal, at + offsetAt(cal.zone, at));
}

function binarySearchDay(days: number[], day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = days[mid] as number;
    if (value === day) return mid;
    if (value < day) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

/** Open local intervals inside `[from, to)` of the local timeline, in order. */
function* localOpenIntervals(cal: CompiledCalendar, from: number, to: number): Generator<[number, number]> {
  for (let week = startOfLocalWeek(from); week < to; week += WEEK_MS) {
    for (const [windowStart, windowEnd] of cal.windows) {
      const start = Math.max(week + windowStart, from);
      const end = Math.min(week + windowEnd, to);
      if (start < end) yield* withoutHolidays(cal.holidays, start, end);
    }
  }
}

/** `[start, end)` minus whole holiday days. */
function* withoutHolidays(holidays: number[], start: number, end: number): Generator<[number, number]> {
  if (holidays.length === 0) {
    yield [start, end];
    return;
  }
  const found = binarySearchDay(holidays, localDay(start));
  let cursor = start;
  for (let i = found >= 0 ? found : -found - 1; i < holidays.length; i += 1) {
    const dayStart = (holidays[i] as number) * DAY_MS;
    if (dayStart >= end) break;
    if (dayStart > cursor) yield [cursor, dayStart];
    cursor = Math.max(cursor, dayStart + DAY_MS);
  }
  if (cursor < end) yield [cursor, end];
}

/** How long the search may see nothing open, past the last holiday, before concluding "never". */
const NEVER_AFTER_MS = 4 * WEEK_MS;

/**
 * Open intervals `[start, end)` (UTC epoch ms) that end after `from`, in order, clipped to start
 * at `from` or later. Adjacent intervals are not merged. The sequence is infinite for a calendar
 * that opens, and ends once the calendar provably never opens again.
 */
export function* openIntervals(cal: CompiledCalendar, from: number): Generator<[number, number]> {
  if (cal.windows.length === 0) return;
  let lastOpen = from;
  for (const segment of offsetSegments(cal.zone, from)) {
    const { start, end, offsetMs } = segment;
    for (const [localStart, localEnd] of localOpenIntervals(cal, start + offsetMs, end + offsetMs)) {
      lastOpen = localEnd - offsetMs;
      yield [localStart - offsetMs, lastOpen];
    }
    if (end - Math.max(lastOpen, cal.holidaysOverAt) > NEVER_AFTER_MS) return;
  }
}
