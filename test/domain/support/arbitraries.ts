/**
 * fast-check arbitraries for calendar and clock properties: random calendars (zones from a list
 * with DST of every shape, random windows biased toward DST hours, random holidays near the
 * instant) and minute-aligned instants in 2024–2030, a third of them close to a DST transition.
 */
import fc from 'fast-check';
import type { CoverageCalendar, WeeklyWindow } from '../../../domain/calendar.js';
import type { Weekday } from '../../../domain/types.js';
import { MIN, zoneTable } from './oracle.js';

/** Zones: none, northern and southern DST, half-hour and 45-minute offsets, a 30-minute DST, Ramadan DST. */
export const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Casablanca',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
] as const;

const FROM = Date.UTC(2024, 0, 1) / MIN;
const TO = Date.UTC(2030, 11, 31) / MIN;
const DAY_MIN = 1440;
const WEEK_MIN = 7 * DAY_MIN;

const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** A window from a start minute of the week and a length in minutes (10,080 = whole week). */
export function windowOf(startMinute: number, lengthMinutes: number): WeeklyWindow {
  const end = (startMinute + lengthMinutes) % WEEK_MIN;
  return {
    start: { day: (Math.floor(startMinute / DAY_MIN) + 1) as Weekday, time: hhmm(startMinute % DAY_MIN) },
    end: { day: (Math.floor(end / DAY_MIN) + 1) as Weekday, time: hhmm(end % DAY_MIN) },
  };
}

const workWeek = (from: string, to: string): WeeklyWindow[] =>
  ([1, 2, 3, 4, 5] as const).map((day) => ({ start: { day, time: from }, end: { day, time: to } }));

/** Calendars people actually configure. */
export const TEMPLATES: Record<string, WeeklyWindow[]> = {
  '24x5': [{ start: { day: 1, time: '00:00' }, end: { day: 6, time: '00:00' } }],
  '24x7': [{ start: { day: 1, time: '00:00' }, end: { day: 1, time: '00:00' } }],
  'office hours': workWeek('09:00', '17:00'),
  'follow the sun': [
    ...workWeek('00:00', '08:00'),
    ...workWeek('08:00', '16:00'),
    ...([1, 2, 3, 4, 5] as const).map((day) => ({ start: { day, time: '16:00' }, end: { day: (day + 1) as Weekday, time: '00:00' } })),
  ],
  'night shift': ([1, 2, 3, 4, 5] as const).map((day) => ({ start: { day, time: '22:00' }, end: { day: ((day % 7) + 1) as Weekday, time: '06:00' } })),
};

const startMinute = fc.oneof(
  fc.integer({ min: 0, max: WEEK_MIN - 1 }),
  // Sunday/Saturday night hours where DST changes happen, on whole and half hours.
  fc.tuple(fc.constantFrom(5, 6), fc.integer({ min: 0, max: 8 })).map(([day, half]) => day * DAY_MIN + half * 30),
  fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 47 })).map(([day, half]) => day * DAY_MIN + half * 30),
);
const lengthMinutes = fc.oneof(fc.integer({ min: 1, max: WEEK_MIN }), fc.constantFrom(1, 30, 60, 90, 120, 480, 1440, 7200, WEEK_MIN - 1, WEEK_MIN));
const windows = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(
      fc.tuple(startMinute, lengthMinutes).map(([s, l]) => windowOf(s, l)),
      { minLength: 1, maxLength: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...Object.values(TEMPLATES)) },
);

/** A random calendar and a minute-aligned instant, with holidays within days of the instant. */
export interface CalendarCase {
  cal: CoverageCalendar;
  at: number;
}

/** Random calendar + instant (see module comment). */
export const calendarCase: fc.Arbitrary<CalendarCase> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    windows,
    nearTransition: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
    seed: fc.integer({ min: 0, max: TO - FROM }),
    holidayDays: fc.array(fc.integer({ min: -2, max: 16 }), { maxLength: 3 }),
  })
  .map(({ zone, windows: ws, nearTransition, seed, holidayDays }) => {
    let minute = FROM + seed;
    const transitions = zoneTable(zone).starts.slice(1);
    if (nearTransition && transitions.length > 0) {
      const transition = (transitions[seed % transitions.length] as number) / MIN;
      minute = transition + (seed % (20 * DAY_MIN)) - 10 * DAY_MIN;
    }
    const at = minute * MIN;
    const holidays = holidayDays.map((d) => new Date(at + d * DAY_MIN * MIN).toISOString().slice(0, 10));
    return { cal: { timezone: zone, windows: ws, holidays }, at };
  });
