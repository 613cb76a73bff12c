import { describe, expect, it } from 'vitest';
import {
  addCoverage,
  coverageBetween,
  DEFAULT_CALENDAR,
  isOpen,
  nextClosing,
  nextOpening,
  type CoverageCalendar,
  type WeeklyWindow,
} from '../../domain/calendar.js';
import type { Weekday } from '../../domain/types.js';
import { at, DAY, HOUR, MINUTE, show } from './support/time.js';

const cal24x5 = DEFAULT_CALENDAR;
const holidays: CoverageCalendar = { ...DEFAULT_CALENDAR, holidays: ['2024-12-25', '2024-12-26', '2025-01-01'] };
const weekdays = [1, 2, 3, 4, 5] as const;
const daily = (from: string, to: string, nextDay = false): WeeklyWindow[] =>
  weekdays.map((day) => ({ start: { day, time: from }, end: { day: (nextDay ? day + 1 : day) as Weekday, time: to } }));
const followTheSun: CoverageCalendar = {
  timezone: 'UTC',
  holidays: [],
  windows: [...daily('00:00', '08:00'), ...daily('08:00', '16:00'), ...daily('16:00', '00:00', true)],
};
const twoRegions: CoverageCalendar = { timezone: 'UTC', holidays: [], windows: [...daily('07:00', '15:00'), ...daily('15:30', '23:30')] };
const weekendOnCall: CoverageCalendar = { timezone: 'UTC', holidays: [], windows: [{ start: { day: 5, time: '22:00' }, end: { day: 1, time: '06:00' } }] };
const allWeek: CoverageCalendar = { timezone: 'UTC', holidays: [], windows: [{ start: { day: 3, time: '12:00' }, end: { day: 3, time: '12:00' } }] };
const never: CoverageCalendar = { timezone: 'UTC', holidays: [], windows: [] };
const overlapping: CoverageCalendar = {
  timezone: 'UTC',
  holidays: [],
  windows: [
    { start: { day: 1, time: '09:00' }, end: { day: 1, time: '17:00' } },
    { start: { day: 1, time: '12:00' }, end: { day: 1, time: '20:00' } },
  ],
};

describe('isOpen on the default 24x5 UTC calendar', () => {
  it.each([
    ['Monday 00:00, the opening edge, is open', '2024-01-08T00:00', true],
    ['Sunday 23:59, the minute before opening, is closed', '2024-01-07T23:59', false],
    ['Wednesday noon is open', '2024-01-10T12:00', true],
    ['Friday 23:59, the last open minute, is open', '2024-01-12T23:59', true],
    ['Saturday 00:00, the closing edge, is closed', '2024-01-13T00:00', false],
    ['Saturday noon is closed', '2024-01-13T12:00', false],
  ])('%s', (_name, local, open) => {
    expect(isOpen(cal24x5, at(local))).toBe(open);
  });
});

describe('addCoverage: the deadline after some coverage time', () => {
  it.each([
    ["4 coverage hours from Friday 22:00 UTC end Monday 02:00 (the design's case)", cal24x5, '2024-01-05T22:00', 4 * HOUR, '2024-01-08T02:00'],
    ['a request on Saturday noon starts counting Monday 00:00', cal24x5, '2024-01-06T12:00', 1 * HOUR, '2024-01-08T01:00'],
    ['a request exactly at closing time waits for Monday', cal24x5, '2024-01-06T00:00', 30 * MINUTE, '2024-01-08T00:30'],
    ['a deadline that lands on closing time is that closing time, not Monday', cal24x5, '2024-01-05T20:00', 4 * HOUR, '2024-01-06T00:00'],
    ['a zero duration on a weekend is the next opening', cal24x5, '2024-01-07T10:00', 0, '2024-01-08T00:00'],
    ['a zero duration while open is the instant itself', cal24x5, '2024-01-10T10:00', 0, '2024-01-10T10:00'],
    ['five coverage days from Monday 09:00 end the next Monday 09:00', cal24x5, '2024-01-08T09:00', 5 * DAY, '2024-01-15T09:00'],
    ['one minute from Sunday 23:59 is Monday 00:01', cal24x5, '2024-01-07T23:59', 1 * MINUTE, '2024-01-08T00:01'],
    ['4 hours from the day before Christmas skip both holidays', holidays, '2024-12-24T22:00', 4 * HOUR, '2024-12-27T02:00'],
    ['a request on New Year’s Day starts counting on 2 January', holidays, '2025-01-01T09:00', 1 * HOUR, '2025-01-02T01:00'],
    ['follow-the-sun windows that touch count as one: Friday 22:00 + 4h is Monday 02:00', followTheSun, '2024-01-05T22:00', 4 * HOUR, '2024-01-08T02:00'],
    ['two regions with a half-hour hand-off gap: 14:00 + 2h is 16:30', twoRegions, '2024-01-08T14:00', 2 * HOUR, '2024-01-08T16:30'],
    ['after the last region closes at 23:30, counting resumes at 07:00', twoRegions, '2024-01-08T23:00', 1 * HOUR, '2024-01-09T07:30'],
    ['a weekend on-call window wraps past Sunday: Monday 05:00 + 2h is next Friday 23:00', weekendOnCall, '2024-01-08T05:00', 2 * HOUR, '2024-01-12T23:00'],
  ])('%s', (_name, cal, from, duration, expected) => {
    expect(show(addCoverage(cal, at(from), duration))).toBe(expected);
  });

  it('a calendar that never opens never reaches a deadline', () => {
    expect(addCoverage(never, at('2024-01-08T00:00'), HOUR)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('coverageBetween: coverage time in [from, to)', () => {
  it.each([
    ['Friday 22:00 to Monday 02:00 holds 4 hours', cal24x5, '2024-01-05T22:00', '2024-01-08T02:00', 4 * HOUR],
    ['a weekend holds none', cal24x5, '2024-01-06T00:00', '2024-01-08T00:00', 0],
    ['a full week holds 5 days', cal24x5, '2024-01-08T00:00', '2024-01-15T00:00', 5 * DAY],
    ['an empty span holds none', cal24x5, '2024-01-08T10:00', '2024-01-08T10:00', 0],
    ['a reversed span holds none', cal24x5, '2024-01-09T10:00', '2024-01-08T10:00', 0],
    ['Christmas week holds 3 days (two holidays)', holidays, '2024-12-23T00:00', '2024-12-30T00:00', 3 * DAY],
    ['overlapping windows are not counted twice', overlapping, '2024-01-08T00:00', '2024-01-09T00:00', 11 * HOUR],
    ['contiguous follow-the-sun windows hold 24 hours a weekday', followTheSun, '2024-01-08T00:00', '2024-01-09T00:00', 24 * HOUR],
    ['a calendar that never opens holds none', never, '2024-01-08T00:00', '2024-02-08T00:00', 0],
  ])('%s', (_name, cal, from, to, expected) => {
    expect(coverageBetween(cal, at(from), at(to))).toBe(expected);
  });
});

describe('nextOpening and nextClosing', () => {
  it.each([
    ['a weekend request opens Monday 00:00', cal24x5, '2024-01-06T12:00', '2024-01-08T00:00'],
    ['an open instant is its own opening', cal24x5, '2024-01-10T12:00', '2024-01-10T12:00'],
    ['closing time itself waits for Monday', cal24x5, '2024-01-06T00:00', '2024-01-08T00:00'],
    ['Christmas opens on the 27th', holidays, '2024-12-25T08:00', '2024-12-27T00:00'],
    ['the hand-off gap opens at 15:30', twoRegions, '2024-01-08T15:10', '2024-01-08T15:30'],
    ['a calendar that never opens has no opening', never, '2024-01-08T00:00', null],
  ])('nextOpening: %s', (_name, cal, from, expected) => {
    expect(show(nextOpening(cal, at(from)))).toBe(expected);
  });

  it.each([
    ['a Wednesday closes Saturday 00:00', cal24x5, '2024-01-10T12:00', '2024-01-13T00:00'],
    ['a closed instant is its own closing', cal24x5, '2024-01-13T12:00', '2024-01-13T12:00'],
    ['the day before Christmas closes at midnight', holidays, '2024-12-24T10:00', '2024-12-25T00:00'],
    ['touching follow-the-sun windows close only on Saturday', followTheSun, '2024-01-08T07:00', '2024-01-13T00:00'],
    ['a weekend on-call window closes Monday 06:00', weekendOnCall, '2024-01-07T12:00', '2024-01-08T06:00'],
    ['a whole-week window never closes', allWeek, '2024-01-08T00:00', null],
    ['a whole-week window closes on a holiday', { ...allWeek, holidays: ['2024-02-01'] }, '2024-01-08T00:00', '2024-02-01T00:00'],
  ])('nextClosing: %s', (_name, cal, from, expected) => {
    expect(show(nextClosing(cal, at(from)))).toBe(expected);
  });
});

describe('holidays close the whole local day', () => {
  it.each([
    ['Christmas Day noon is closed', holidays, '2024-12-25T12:00', false],
    ['the minute before Christmas is open', holidays, '2024-12-24T23:59', true],
    ['the 27th, after the holidays, is open', holidays, '2024-12-27T00:00', true],
    ['Boxing Day, the middle holiday, is closed', holidays, '2024-12-26T08:00', false],
    ['New Year’s Day, the last holiday, is closed', holidays, '2025-01-01T08:00', false],
    ['New Year’s Eve, between holidays, is open', holidays, '2024-12-31T08:00', true],
    ['a day after all holidays is open', holidays, '2025-01-02T08:00', true],
  ])('%s', (_name, cal, local, open) => {
    expect(isOpen(cal, at(local))).toBe(open);
  });

  it.each([
    ['the evening before, Pacific time, is open', '2024-07-04T06:59', true],
    ['midnight Pacific (07:00 UTC) starts the holiday', '2024-07-04T07:00', false],
    ['the holiday ends at midnight Pacific the next day', '2024-07-05T06:59', false],
    ['the day after is open again', '2024-07-05T07:00', true],
  ])('a Los Angeles holiday follows the local date: %s', (_name, utc, open) => {
    const la: CoverageCalendar = { ...DEFAULT_CALENDAR, timezone: 'America/Los_Angeles', holidays: ['2024-07-04'] };
    expect(isOpen(la, at(utc))).toBe(open);
  });
});

describe('a malformed calendar is refused with a RangeError that names the problem', () => {
  const weekWindow = (start: unknown, end: unknown): CoverageCalendar => ({
    ...DEFAULT_CALENDAR,
    windows: [{ start: { day: start as Weekday, time: '09:00' }, end: { day: end as Weekday, time: '17:00' } }],
  });

  it.each<[string, CoverageCalendar, RegExp]>([
    ['an unknown zone', { ...DEFAULT_CALENDAR, timezone: 'Mars/Olympus_Mons' }, /unknown time zone "Mars\/Olympus_Mons"/],
    [
      'a time that is not HH:mm',
      { ...DEFAULT_CALENDAR, windows: [{ start: { day: 1, time: '9:00' }, end: { day: 1, time: '17:00' } }] },
      /"9:00" is not HH:mm/,
    ],
    ['a day outside 1..7', { ...DEFAULT_CALENDAR, windows: [{ start: { day: 8 as Weekday, time: '09:00' }, end: { day: 1, time: '17:00' } }] }, /day 8/],
    ['a holiday that is not a date', { ...DEFAULT_CALENDAR, holidays: ['2024-02-30'] }, /holiday "2024-02-30"/],
    ['a start day 0', weekWindow(0, 1), /^window start day 0 is not an ISO weekday 1\.\.7$/],
    ['a start day that is not whole', weekWindow(2.5, 3), /^window start day 2\.5 is not an ISO weekday 1\.\.7$/],
    ['an end day 8', weekWindow(1, 8), /^window end day 8 is not an ISO weekday 1\.\.7$/],
    ['an end day that is not a number', weekWindow(1, '5'), /^window end day 5 is not an ISO weekday 1\.\.7$/],
    [
      'an end time of 24:00',
      { ...DEFAULT_CALENDAR, windows: [{ start: { day: 1, time: '09:00' }, end: { day: 1, time: '24:00' } }] },
      /^window end time "24:00" is not HH:mm$/,
    ],
  ])('%s', (_name, cal, message) => {
    expect(() => isOpen(cal, 0)).toThrow(RangeError);
    expect(() => addCoverage(cal, 0, HOUR)).toThrow(message);
  });
});

describe('every ISO weekday from Monday 1 to Sunday 7 is a valid window day', () => {
  it.each([
    [1, '2024-01-08T12:00'],
    [4, '2024-01-11T12:00'],
    [7, '2024-01-14T12:00'],
  ] as const)('a window on day %i covers noon of that weekday only', (day, noon) => {
    const cal: CoverageCalendar = { timezone: 'UTC', holidays: [], windows: [{ start: { day, time: '09:00' }, end: { day, time: '17:00' } }] };
    expect(isOpen(cal, at(noon))).toBe(true);
    expect(isOpen(cal, at(noon) + DAY)).toBe(false);
    expect(isOpen(cal, at(noon) - DAY)).toBe(false);
  });
});

describe('a holiday that takes a whole window', () => {
  const mondays: CoverageCalendar = {
    timezone: 'UTC',
    holidays: ['2024-01-08'],
    windows: [{ start: { day: 1, time: '00:00' }, end: { day: 2, time: '00:00' } }],
  };

  it('leaves nothing open that week: the next opening is the Monday after', () => {
    expect(show(nextOpening(mondays, at('2024-01-07T12:00')))).toBe('2024-01-15T00:00');
    expect(show(nextOpening(mondays, at('2024-01-08T12:00')))).toBe('2024-01-15T00:00');
  });

  it('counts no coverage and pushes a deadline a week', () => {
    expect(coverageBetween(mondays, at('2024-01-07T00:00'), at('2024-01-14T00:00'))).toBe(0);
    expect(show(addCoverage(mondays, at('2024-01-07T00:00'), HOUR))).toBe('2024-01-15T01:00');
  });
});
