/**
 * Brute-force oracle for the coverage calendar and SLA clocks: it walks time minute by minute and
 * asks, for each minute, "is the wall clock inside a window and not on a holiday?". It shares no
 * code with domain/: offsets come from Intl directly (not luxon), windows become a 10,080-minute
 * mask (no interval merging), holidays a set of day numbers. Tests use minute-aligned instants,
 * minute-granular windows and zones whose transitions fall on whole minutes, so a minute is
 * either wholly open or wholly closed.
 */
import type { CoverageCalendar } from '../../../domain/calendar.js';

export const MIN = 60_000;
const DAY_MIN = 1440;
const WEEK_MIN = 7 * DAY_MIN;

/** Offsets are tabulated over this range (a margin around the tests' 2024–2030). */
export const TABLE_FROM = Date.UTC(2023, 10, 1);
export const TABLE_TO = Date.UTC(2031, 2, 1);

export interface ZoneTable {
  /** Instants where an offset starts; `starts[0]` is -Infinity. */
  starts: number[];
  /** Offset in ms from each start. */
  offsets: number[];
}

const tables = new Map<string, ZoneTable>();

function intlOffset(format: Intl.DateTimeFormat, at: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, (parts.hour ?? 0) % 24, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(at / 1000) * 1000;
}

/** The zone's offsets over the table range: probed daily with Intl, changes pinned to the minute. */
export function zoneTable(zone: string): ZoneTable {
  const cached = tables.get(zone);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const table: ZoneTable = { starts: [Number.NEGATIVE_INFINITY], offsets: [intlOffset(format, TABLE_FROM)] };
  let previous = table.offsets[0] as number;
  for (let day = TABLE_FROM; day < TABLE_TO; day += DAY_MIN * MIN) {
    const next = intlOffset(format, day + DAY_MIN * MIN);
    if (next === previous) continue;
    let lo = day / MIN;
    let hi = day / MIN + DAY_MIN;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (intlOffset(format, mid * MIN) === previous) lo = mid;
      else hi = mid;
    }
    table.starts.push(hi * MIN);
    table.offsets.push(intlOffset(format, hi * MIN));
    previous = next;
  }
  tables.set(zone, table);
  return table;
}

/** The oracle's view of a calendar. */
export interface OracleCalendar {
  table: ZoneTable;
  /** 1 for each open minute of the week, minute 0 = Monday 00:00 local. */
  mask: Uint8Array;
  /** Holiday day numbers (days since 1970-01-01, local). */
  holidays: number[];
}

const minuteOfDay = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Builds the oracle's view of a calendar. */
export function oracleCalendar(cal: CoverageCalendar): OracleCalendar {
  const mask = new Uint8Array(WEEK_MIN);
  for (const { start, end } of cal.windows) {
    const from = (start.day - 1) * DAY_MIN + minuteOfDay(start.time);
    const to = (end.day - 1) * DAY_MIN + minuteOfDay(end.time);
    const length = (to - from + WEEK_MIN) % WEEK_MIN || WEEK_MIN;
    mask.fill(1, from, Math.min(WEEK_MIN, from + length));
    if (from + length > WEEK_MIN) mask.fill(1, 0, from + length - WEEK_MIN);
  }
  const holidays = cal.holidays.map((date) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / (DAY_MIN * MIN));
  return { table: zoneTable(cal.timezone), mask, holidays };
}

/** The segment of the offset table that contains `t`. */
function segmentOf(table: ZoneTable, t: number): number {
  let index = 0;
  while (index + 1 < table.starts.length && t >= (table.starts[index + 1] as number)) index += 1;
  return index;
}

/**
 * Open (1) or closed (0) for each of the `count` minutes starting at `from`. Each minute is judged
 * on its own; the loop merely carries the local minute forward instead of recomputing it.
 */
export function openMinutes(oc: OracleCalendar, from: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const { mask, holidays } = oc;
  const { starts, offsets } = oc.table;
  let i = 0;
  while (i < count) {
    const t = from + i * MIN;
    const index = segmentOf(oc.table, t);
    const segmentEnd = starts[index + 1] ?? Number.POSITIVE_INFINITY;
    const steps = Math.min(count - i, Math.ceil((segmentEnd - t) / MIN));
    const minute = Math.floor((t + (offsets[index] as number)) / MIN);
    let day = Math.floor(minute / DAY_MIN);
    let inDay = minute - day * DAY_MIN;
    let weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday
    // Walk the segment one local day at a time, and within a day one minute at a time.
    for (let k = 0; k < steps;) {
      const dayEnd = Math.min(steps, k + (DAY_MIN - inDay));
      if (holidays.includes(day)) k = dayEnd;
      else {
        const base = weekday * DAY_MIN + inDay - k; // mask index of minute k
        for (; k < dayEnd; k += 1) out[i + k] = mask[base + k] as number;
      }
      inDay = 0;
      day += 1;
      weekday = weekday === 6 ? 0 : weekday + 1;
    }
    i += steps;
  }
  return out;
}

/** Is the minute starting at `at` open? */
export function isOpenO(oc: OracleCalendar, at: number): boolean {
  return openMinutes(oc, at, 1)[0] === 1;
}

/** Result of a bounded search that found nothing within its limit. */
export const BEYOND = 'beyond' as const;
export type Bounded = number | typeof BEYOND;

/** First minute at or after `at`, within `limitMin` minutes, that is open (`want` 1) or closed (`want` 0). */
function firstMinute(oc: OracleCalendar, at: number, limitMin: number, want: 0 | 1): Bounded {
  for (let done = 0; done <= limitMin; done += DAY_MIN) {
    const index = openMinutes(oc, at + done * MIN, Math.min(DAY_MIN, limitMin + 1 - done)).indexOf(want);
    if (index >= 0) return at + (done + index) * MIN;
  }
  return BEYOND;
}

/** First open minute at or after `at`, looking at most `limitMin` minutes ahead. */
export function nextOpeningO(oc: OracleCalendar, at: number, limitMin: number): Bounded {
  return firstMinute(oc, at, limitMin, 1);
}

/** First closed minute at or after `at`, looking at most `limitMin` minutes ahead. */
export function nextClosingO(oc: OracleCalendar, at: number, limitMin: number): Bounded {
  return firstMinute(oc, at, limitMin, 0);
}

/** Open time in `[from, to)`, counted minute by minute. */
export function coverageO(oc: OracleCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  const minutes = openMinutes(oc, from, (to - from) / MIN);
  let total = 0;
  for (let i = 0; i < minutes.length; i += 1) total += minutes[i] as number;
  return total * MIN;
}

/** First instant by which `durationMs` of open time has passed since `at` (0 → next opening). */
export function addCoverageO(oc: OracleCalendar, at: number, durationMs: number, limitMin: number): Bounded {
  if (durationMs <= 0) return nextOpeningO(oc, at, limitMin);
  const tape = minuteTape(oc, at);
  for (let i = 1; i <= limitMin; i += 1) if (tape.openBefore(i) * MIN >= durationMs) return at + i * MIN;
  return BEYOND;
}

/** Open minutes in one week of the calendar's mask (an upper bound on coverage per week). */
export function weeklyOpenMinutes(oc: OracleCalendar): number {
  let total = 0;
  for (let i = 0; i < WEEK_MIN; i += 1) total += oc.mask[i] as number;
  return total;
}

/** Open minutes counted from a start instant, computed a day or more at a time, only as far as asked. */
export interface MinuteTape {
  /** How many of the first `n` minutes (from the start) are open. */
  openBefore(n: number): number;
}

/** A {@link MinuteTape} from `at`. */
export function minuteTape(oc: OracleCalendar, at: number): MinuteTape {
  let open = new Uint8Array(0);
  let counted = new Int32Array(1);
  const extendTo = (n: number) => {
    if (n <= open.length) return;
    const size = Math.max(n, 2 * open.length, DAY_MIN);
    const next = new Uint8Array(size);
    next.set(open);
    next.set(openMinutes(oc, at + open.length * MIN, size - open.length), open.length);
    const nextCounted = new Int32Array(size + 1);
    nextCounted.set(counted);
    for (let i = open.length; i < size; i += 1) nextCounted[i + 1] = (nextCounted[i] as number) + (next[i] as number);
    [open, counted] = [next, nextCounted];
  };
  return {
    openBefore(n) {
      extendTo(n);
      return counted[n] as number;
    },
  };
}
