/**
 * Follow-the-sun on-call shifts of the Tier 2 support analysts: who is on shift at an instant,
 * so the help thread can mention them (and never a person by direct message).
 */
import { localDay, offsetAt, parseLocalDate, parseTimeOfDay, resolveZone, weekdayOfDay } from './time-zone.js';
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

/** Local date (day number) on which the shift containing `local` started, or null when off shift. */
function shiftDay(shift: Shift, local: number): number | null {
  const start = parseTimeOfDay(shift.start);
  const end = parseTimeOfDay(shift.end);
  if (start === undefined || end === undefined) throw new RangeError(`shift ${shift.name}: times must be HH:mm`);
  const day = localDay(local);
  const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  const works = (d: number) => shift.days.includes(weekdayOfDay(d));
  if (end > start) return works(day) && minute >= start && minute < end ? day : null;
  if (works(day) && minute >= start) return day;
  return works(day - 1) && minute < end ? day - 1 : null;
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
 * The shifts on duty at instant `at` (wall-clock time in each shift's zone), in config order,
 * each with its Slack group and this week's analysts. Empty outside every shift.
 */
export function onShift(config: ShiftConfig, at: number): OnShift[] {
  const result: OnShift[] = [];
  for (const shift of config.shifts) {
    const local = at + offsetAt(resolveZone(shift.timezone), at);
    const day = shiftDay(shift, local);
    if (day !== null) result.push({ shift: shift.name, slackGroup: shift.slackGroup, analysts: analystsOn(shift, day) });
  }
  return result;
}
