/**
 * Time-zone primitives over luxon (the IANA database as shipped in Intl): offsets at an instant,
 * the stretches of time during which a zone's UTC offset is constant, and local calendar
 * arithmetic on a "local timeline" (local wall-clock time written as if it were UTC, in ms).
 */
import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { DAY_MS, MINUTE_MS, SECOND_MS, WEEK_MS, type Weekday } from './types.js';

const UTC_NAMES = new Set(['UTC', 'ETC/UTC', 'GMT', 'ETC/GMT', 'Z']);

/** True when `name` is an IANA time zone (e.g. `Europe/London`, `Asia/Kolkata`) or `UTC`. */
export function isValidTimeZone(name: string): boolean {
  return UTC_NAMES.has(name.toUpperCase()) || IANAZone.create(name).isValid;
}

/** The luxon zone for an IANA name; throws a RangeError naming the zone when it is unknown. */
export function resolveZone(name: string): Zone {
  if (UTC_NAMES.has(name.toUpperCase())) return FixedOffsetZone.utcInstance;
  // IANAZone.create is cached by luxon (and invalid for ''); IANAZone.isValidZone would build a new Intl formatter per call.
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${name}"`);
  return zone;
}

/** UTC offset of `zone` at instant `at`, in ms (local = at + offset). */
export function offsetAt(zone: Zone, at: number): number {
  return zone.offset(at) * MINUTE_MS;
}

/** A stretch `[start, end)` of instants during which the zone's offset is constant. */
export interface OffsetSegment {
  start: number;
  end: number;
  offsetMs: number;
}

/**
 * Memo of offsets probed at UTC midnights and of transitions found inside a day, per zone.
 * A luxon offset lookup costs microseconds (an Intl call); the memo makes repeated questions
 * about the same days (a workflow replaying, a status page refreshing) nearly free. It only ever
 * caches what the time-zone database answers, so results are the same with or without it.
 */
const memo = new Map<string, { offsets: Map<number, number>; transitions: Map<number, number> }>();
const MEMO_LIMIT = 100_000;

/** Empties the memo (benchmarks measure cold lookups with it; results never depend on it). */
// Stryker disable next-line BlockStatement: results never depend on the memo, so emptying it or not shows nothing.
export function clearOffsetMemo(): void {
  memo.clear();
}

// Stryker disable all: the memo only saves time and bounds its own size; answers are the same with or without it.
function zoneMemo(zone: Zone) {
  let entry = memo.get(zone.name);
  if (!entry) {
    if (memo.size > 64) memo.clear();
    entry = { offsets: new Map(), transitions: new Map() };
    memo.set(zone.name, entry);
  }
  if (entry.offsets.size > MEMO_LIMIT) {
    entry.offsets.clear();
    entry.transitions.clear();
  }
  return entry;
}
// Stryker restore all

function offsetAtMidnight(zone: Zone, day: number): number {
  const { offsets } = zoneMemo(zone);
  let offset = offsets.get(day);
  // Stryker disable next-line ConditionalExpression: asking the zone again instead of the memo gives the same offset.
  if (offset === undefined) offsets.set(day, (offset = offsetAt(zone, day)));
  return offset;
}

/**
 * First instant of the UTC day starting at `day` whose offset differs from `before`: bisection
 * over whole seconds, the resolution of the time-zone database.
 */
function transitionIn(zone: Zone, day: number, before: number): number {
  const { transitions } = zoneMemo(zone);
  const known = transitions.get(day);
  // Stryker disable next-line ConditionalExpression: bisecting again instead of using the memo finds the same instant.
  if (known !== undefined) return known;
  let lo = day;
  let hi = day + DAY_MS;
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  transitions.set(day, hi);
  return hi;
}

/**
 * Consecutive stretches of constant offset covering `[from, ∞)`, lazily: at most one UTC day
 * each (one week for fixed zones). The zone is probed at each UTC midnight and a change within
 * a day is pinned to the second by bisection, so the cost grows with the days spanned and
 * the number of transitions, never with minutes. Assumes a zone changes offset at most once per
 * day, which holds for every zone of the IANA database since 1970.
 */
export function* offsetSegments(zone: Zone, from: number): Generator<OffsetSegment> {
  if (zone.isUniversal) {
    const offsetMs = offsetAt(zone, from);
    for (let start = from; ; start += WEEK_MS) yield { start, end: start + WEEK_MS, offsetMs };
  }
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; ; day += DAY_MS) {
    const before = offsetAtMidnight(zone, day);
    const after = offsetAtMidnight(zone, day + DAY_MS);
    const change = before === after ? day + DAY_MS : transitionIn(zone, day, before);
    if (change > from) yield { start: Math.max(day, from), end: change, offsetMs: before };
    if (change < day + DAY_MS) yield { start: Math.max(change, from), end: day + DAY_MS, offsetMs: after };
  }
}

/** Day number (days since 1970-01-01) of a local-timeline instant. */
export function localDay(local: number): number {
  return Math.floor(local / DAY_MS);
}

/** ISO weekday of a day number (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): Weekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/** Local-timeline instant of the Monday 00:00 that starts the week containing `local`. */
export function startOfLocalWeek(local: number): number {
  const day = localDay(local);
  return (day - (weekdayOfDay(day) - 1)) * DAY_MS;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` date, or `undefined` when it is not a real calendar date. */
export function parseLocalDate(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  // Date.UTC rolls 2024-02-30 over to 1 March and reads year 24 as 1924: a real date reads back as itself.
  return formatLocalDate(day) === text ? day : undefined;
}

/** `YYYY-MM-DD` of a day number (inverse of {@link parseLocalDate}). */
export function formatLocalDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:mm` time (00:00–23:59), or `undefined` when malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = TIME.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
