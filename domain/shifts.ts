/**
 * Follow-the-sun on-call shifts of the Tier 2 support analysts: who is on shift at an instant,
 * and which shift begins next, so the help thread can mention them (and never a person by
 * direct message).
 *
 * A shift instance is "the shift that starts on local day d": it is on duty at every instant whose
 * wall-clock time in the shift's zone falls in `[d start, d end)` (the end on the next day for an
 * overnight shift). So a start inside a spring-forward gap begins when the clocks jump (02:30 on
 * a night that skips 02:00–03:00 begins at 03:00), and an hour repeated when the clocks go back
 * is worked twice if the shift covers it.
 */
import type { Zone } from 'luxon';
import { localDay, offsetAt, offsetSegments, parseLocalDate, parseTimeOfDay, resolveZone, weekdayOfDay } from './time-zone.js';
import { DAY_MS, MINUTE_MS, type Weekday } from './types.js';

/**
 * A shift: local hours on given weekdays in one zone, staffed by a weekly rotation of analysts.
 * A shift whose end is not after its start runs past midnight (22:00–06:00) and belongs to the
 * day it starts on; an end equal to the start means 24 hours.
 */
export interface Shift {
  /** e.g. `APAC`. */
  name: string;
  timezone: string;
  /** `HH:mm` local. */
  start: string;
  /** `HH:mm` local. */
  end: string;
  /** Weekdays the shift starts on. */
  days: Weekday[];
  /** Slack user group of the shift, without `@`. */
  slackGroup: string;
  /** Analysts on shift, one list per week, rotating: week 0 is the week of `rotationStart`. */
  rotation: string[][];
  /** `YYYY-MM-DD`: first day of rotation week 0. */
  rotationStart: string;
  /**
   * `YYYY-MM-DD` local dates in the shift's own zone on which the shift does not start (public
   * holidays of its region). An overnight shift that started the evening before still runs into
   * the holiday.
   */
  holidays?: string[];
}

/** All shifts. */
export interface ShiftConfig {
  shifts: Shift[];
}

/** Who is on one shift right now. */
export interface OnShift {
  shift: string;
  slackGroup: string;
  analysts: string[];
}

/** The next shift to begin, and when. */
export interface NextShift extends OnShift {
  /** The instant (UTC epoch ms) the shift begins. */
  startsAt: number;
}

/** A shift reduced to numbers; RangeErrors name the shift. */
interface CompiledShift {
  shift: Shift;
  zone: Zone;
  /** Minutes after local midnight. */
  start: number;
  /** Local-timeline length of an instance in ms (24 h when the end equals the start). */
  length: number;
  /** True when an instance starts on local day `day`. */
  works: (day: number) => boolean;
}

function compile(shift: Shift): CompiledShift {
  const start = parseTimeOfDay(shift.start);
  const end = parseTimeOfDay(shift.end);
  if (start === undefined || end === undefined) throw new RangeError(`shift ${shift.name}: times must be HH:mm`);
  const holidays = new Set(
    (shift.holidays ?? []).map((text) => {
      const day = parseLocalDate(text);
      if (day === undefined) throw new RangeError(`shift ${shift.name}: holiday "${text}" must be YYYY-MM-DD`);
      return day;
    }),
  );
  const length = (end > start ? end - start : end - start + 24 * 60) * MINUTE_MS;
  const works = (day: number) => shift.days.includes(weekdayOfDay(day)) && !holidays.has(day);
  return { shift, zone: resolveZone(shift.timezone), start, length, works };
}

/** Local date (day number) on which the shift instance containing `local` started, or null when off shift. */
function shiftDay(compiled: CompiledShift, local: number): number | null {
  const day = localDay(local);
  for (const candidate of [day, day - 1]) {
    const from = candidate * DAY_MS + compiled.start * MINUTE_MS;
    if (compiled.works(candidate) && local >= from && local < from + compiled.length) return candidate;
  }
  return null;
}

/** The analysts of the rotation week that contains `day`. */
function analystsOn(shift: Shift, day: number): string[] {
  const first = parseLocalDate(shift.rotationStart);
  if (first === undefined) throw new RangeError(`shift ${shift.name}: rotationStart must be YYYY-MM-DD`);
  if (shift.rotation.length === 0) return [];
  const week = Math.floor((day - first) / 7);
  const index = ((week % shift.rotation.length) + shift.rotation.length) % shift.rotation.length;
  return [...(shift.rotation[index] ?? [])];
}

/**
 * The first instant whose wall-clock time in `zone` falls in the local range `[from, to)`, or
 * null when no instant does (a range wholly inside a spring-forward gap). Walks the zone's
 * stretches of constant offset that can reach the range (no zone is more than a day off UTC).
 */
function firstInstant(zone: Zone, from: number, to: number): number | null {
  for (const segment of offsetSegments(zone, from - DAY_MS)) {
    if (segment.start >= to + DAY_MS) return null;
    const start = Math.max(segment.start, from - segment.offsetMs);
    if (start < Math.min(segment.end, to - segment.offsetMs)) return start;
  }
  return null; // not reached: the segments never end
}

/**
 * The shifts on duty at instant `at` (wall-clock time in each shift's zone), in config order,
 * each with its Slack group and this week's analysts. Empty outside every shift. A shift does
 * not start on one of its holidays.
 */
export function onShift(config: ShiftConfig, at: number): OnShift[] {
  const result: OnShift[] = [];
  for (const shift of config.shifts) {
    const compiled = compile(shift);
    const day = shiftDay(compiled, at + offsetAt(compiled.zone, at));
    if (day !== null) result.push({ shift: shift.name, slackGroup: shift.slackGroup, analysts: analystsOn(shift, day) });
  }
  return result;
}

/**
 * The next shift to begin: the earliest shift start strictly after `at` and at most `horizonDays`
 * days (of 24 h) later, with its Slack group and the analysts of that start's rotation week; null
 * when no shift begins within the horizon. Holidays are skipped, starts follow each zone's clock
 * changes (see the module comment), and a tie goes to the shift listed first. At `startsAt` the
 * shift is on duty ({@link onShift} lists it with the same analysts).
 * @example nextShift(config, Date.UTC(2026, 11, 24, 20)) // Christmas off everywhere: Mon 2026-12-28 00:00 UTC, APAC
 */
export function nextShift(config: ShiftConfig, at: number, horizonDays = 14): NextShift | null {
  if (!Number.isFinite(horizonDays)) throw new RangeError(`horizonDays must be a finite number of days, not ${horizonDays}`);
  const until = at + horizonDays * DAY_MS;
  let best: NextShift | null = null;
  for (const shift of config.shifts) {
    const compiled = compile(shift);
    const today = localDay(at + offsetAt(compiled.zone, at));
    // From yesterday (a clock going back across midnight replays its evening). A day's instance starts after the
    // previous day's (clocks move far less than a day), so the first start found is the shift's next.
    for (let day = today - 1; day <= today + Math.ceil(horizonDays) + 1; day += 1) {
      if (!compiled.works(day)) continue;
      const from = day * DAY_MS + compiled.start * MINUTE_MS;
      const startsAt = firstInstant(compiled.zone, from, from + compiled.length);
      if (startsAt === null || startsAt <= at) continue;
      if (startsAt <= until && (best === null || startsAt < best.startsAt)) {
        best = { shift: shift.name, slackGroup: shift.slackGroup, analysts: analystsOn(shift, day), startsAt };
      }
      break;
    }
  }
  return best;
}
