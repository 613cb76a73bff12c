/**
 * "Who is on call?" answered from the shifts registry: the shifts on duty now and until when, the
 * next shift to begin and from when, and the regions whose shift does not start today because of
 * a holiday. Pure: the same summary serves `/it-help oncall` in Slack and the CLI, each writing it
 * in its own words. Built on {@link onShift} and {@link nextShift}, so it always agrees with whom a
 * Tier 2 request mentions.
 */
import type { Zone } from 'luxon';

import { nextShift, onShift, type NextShift, type OnShift, type Shift, type ShiftConfig } from './shifts.js';
import { formatLocalDate, localDay, offsetAt, offsetSegments, parseLocalDate, parseTimeOfDay, resolveZone, weekdayOfDay } from './time-zone.js';
import { DAY_MS, MINUTE_MS } from './types.js';

/** How far ahead the next shift is looked for, in days (a shift rota with a longer gap has none). */
export const ON_CALL_HORIZON_DAYS = 14;

/** A shift on duty now, with the instant (UTC epoch ms) it goes off duty. */
export interface OnCallNow extends OnShift {
  until: number;
}

/** A shift that does not start today (its own zone's date) because the date is one of its holidays. */
export interface HolidayOff {
  shift: string;
  slackGroup: string;
  /** `YYYY-MM-DD`, the shift's local date. */
  date: string;
}

/** Who is on call at an instant. */
export interface OnCallSummary {
  /** The instant asked about (UTC epoch ms). */
  at: number;
  /** Shifts on duty, in config order; empty outside every shift. */
  now: OnCallNow[];
  /** The next shift to begin after `at`, within {@link ON_CALL_HORIZON_DAYS}; null when none does. */
  next: NextShift | null;
  /** Shifts that would start today but for a holiday, in config order. */
  holidaysToday: HolidayOff[];
}

/**
 * Who is on call at `at`: the shifts on duty and until when (a shift followed without a break by
 * its next day's instance, such as a 24-hour rota, runs until the last of them ends, seen at most
 * `horizonDays` ahead), the next
 * shift to begin, and the shifts off today for a holiday. Throws the registry's RangeErrors for a
 * malformed shift (the loader has refused those already).
 * @example
 * onCallSummary(config, Date.UTC(2024, 2, 4, 10)) // Monday 10:00 UTC
 * // { at, now: [{ shift: 'EMEA', slackGroup: 'it-helpdesk-emea', analysts: [...], until: Date.UTC(2024, 2, 4, 16) }],
 * //   next: { shift: 'AMER', slackGroup: 'it-helpdesk-amer', analysts: [...], startsAt: Date.UTC(2024, 2, 4, 16) }, holidaysToday: [] }
 * @example
 * onCallSummary(config, Date.UTC(2026, 11, 25, 10)).holidaysToday.map((h) => h.shift) // Christmas Day: ['APAC', 'EMEA', 'AMER']
 */
export function onCallSummary(config: ShiftConfig, at: number, horizonDays = ON_CALL_HORIZON_DAYS): OnCallSummary {
  const byName = new Map(config.shifts.map((shift) => [shift.name, shift]));
  const now = onShift(config, at).map((on) => {
    const shift = byName.get(on.shift);
    return { ...on, until: shift ? offDutyAt(shift, at, horizonDays) : at };
  });
  return { at, now, next: nextShift(config, at, horizonDays), holidaysToday: config.shifts.flatMap((shift) => holidayOff(shift, at)) };
}

/** The shift's local hours as numbers (minutes after midnight, instance length in ms) and its working days. */
function hoursOf(shift: Shift) {
  const start = parseTimeOfDay(shift.start) ?? Number.NaN;
  const end = parseTimeOfDay(shift.end) ?? Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError(`shift ${shift.name}: times must be HH:mm`);
  const holidays = new Set((shift.holidays ?? []).map((text) => parseLocalDate(text)));
  const length = (end > start ? end - start : end - start + 24 * 60) * MINUTE_MS;
  const works = (day: number) => shift.days.includes(weekdayOfDay(day)) && !holidays.has(day);
  return { start: start * MINUTE_MS, length, works, holidays };
}

/**
 * When the instance of `shift` on duty at `at` ends: the first instant after `at` whose wall-clock
 * time reaches its end (an end inside a spring-forward gap is reached when the clocks jump). When
 * the next day's instance is on duty at that instant (it starts as this one ends), the shift runs
 * on until that one ends, looked at no further than `horizonDays` ahead.
 */
function offDutyAt(shift: Shift, at: number, horizonDays: number): number {
  const zone = resolveZone(shift.timezone);
  const { start, length, works } = hoursOf(shift);
  const local = at + offsetAt(zone, at);
  const today = localDay(local);
  // The instance that started today, or the overnight one that started yesterday (as `onShift` decides).
  let day = [today, today - 1].find((d) => works(d) && local >= d * DAY_MS + start && local < d * DAY_MS + start + length) ?? today;
  for (;;) {
    const until = firstReaching(zone, at, day * DAY_MS + start + length);
    const next = (day + 1) * DAY_MS + start;
    const then = until + offsetAt(zone, until);
    if (day >= today + horizonDays || !works(day + 1) || then < next || then >= next + length) return until;
    day += 1;
  }
}

/** The first instant from `from` on whose wall-clock time in `zone` is at least `local`. */
function firstReaching(zone: Zone, from: number, local: number): number {
  for (const segment of offsetSegments(zone, from)) {
    const reached = Math.max(segment.start, local - segment.offsetMs);
    if (reached < segment.end) return reached;
  }
  return local; // not reached: the segments never end
}

/** The shift's holiday today (its own zone's date), when today is one of its working weekdays. */
function holidayOff(shift: Shift, at: number): HolidayOff[] {
  const zone = resolveZone(shift.timezone);
  const today = localDay(at + offsetAt(zone, at));
  const { holidays } = hoursOf(shift);
  if (!holidays.has(today) || !shift.days.includes(weekdayOfDay(today))) return [];
  return [{ shift: shift.name, slackGroup: shift.slackGroup, date: formatLocalDate(today) }];
}
