/**
 * Coverage calendars in zones with daylight-saving changes and half-hour offsets. Windows and
 * holidays are local wall-clock times: a window opens when the local clock shows its start, so
 * a spring-forward night shortens a window that spans it and a fall-back night lengthens it.
 */
import { describe, expect, it } from 'vitest';
import {
  addCoverage,
  coverageBetween,
  formatInstant,
  formatInstantWithDate,
  isOpen,
  nextClosing,
  nextOpening,
  type CoverageCalendar,
  type WeeklyWindow,
} from '../../domain/calendar.js';
import { at, HOUR, show } from './support/time.js';

const workWeek: WeeklyWindow[] = [{ start: { day: 1, time: '00:00' }, end: { day: 6, time: '00:00' } }];
const sundayNight: WeeklyWindow[] = [{ start: { day: 7, time: '00:00' }, end: { day: 7, time: '04:00' } }];
const allWeek: WeeklyWindow[] = [{ start: { day: 1, time: '00:00' }, end: { day: 1, time: '00:00' } }];
const cal = (timezone: string, windows: WeeklyWindow[], holidays: string[] = []): CoverageCalendar => ({ timezone, windows, holidays });

const LA = 'America/Los_Angeles';
const LONDON = 'Europe/London';
const SYDNEY = 'Australia/Sydney';
const KOLKATA = 'Asia/Kolkata';

describe('a Friday-night request across a DST weekend is due Monday at the same local time', () => {
  it.each([
    ['Los Angeles, spring forward (PST → PDT)', LA, [], '2024-03-08T22:00', '2024-03-11T02:00', '2024-03-11T09:00'],
    ['Los Angeles, fall back (PDT → PST)', LA, [], '2024-11-01T22:00', '2024-11-04T02:00', '2024-11-04T10:00'],
    [
      'London, spring forward over Easter (Good Friday and Easter Monday are holidays)',
      LONDON,
      ['2024-03-29', '2024-04-01'],
      '2024-03-28T22:00',
      '2024-04-02T02:00',
      '2024-04-02T01:00',
    ],
    ['London, fall back', LONDON, [], '2024-10-25T22:00', '2024-10-28T02:00', '2024-10-28T02:00'],
    ['Sydney, DST ends in April (AEDT → AEST)', SYDNEY, [], '2024-04-05T22:00', '2024-04-08T02:00', '2024-04-07T16:00'],
    ['Sydney, DST starts in October (AEST → AEDT)', SYDNEY, [], '2024-10-04T22:00', '2024-10-07T02:00', '2024-10-06T15:00'],
    ['Kolkata, half-hour offset, no DST', KOLKATA, [], '2024-01-05T22:00', '2024-01-08T02:00', '2024-01-07T20:30'],
  ])('%s', (_name, zone, holidays, localFrom, localDue, utcDue) => {
    const due = addCoverage(cal(zone, workWeek, holidays), at(localFrom, zone), 4 * HOUR);
    expect(show(due, zone)).toBe(localDue);
    expect(show(due)).toBe(utcDue);
  });
});

describe('a window that spans a DST change is shorter or longer that night', () => {
  it.each([
    ['Los Angeles: Sunday 00:00–04:00 on spring-forward night holds 3 hours', LA, '2024-03-10', 3],
    ['Los Angeles: Sunday 00:00–04:00 on fall-back night holds 5 hours', LA, '2024-11-03', 5],
    ['London: Sunday 00:00–04:00 when clocks go forward holds 3 hours', LONDON, '2024-03-31', 3],
    ['London: Sunday 00:00–04:00 when clocks go back holds 5 hours', LONDON, '2024-10-27', 5],
    ['Sydney: Sunday 00:00–04:00 when DST ends holds 5 hours', SYDNEY, '2024-04-07', 5],
    ['Sydney: Sunday 00:00–04:00 when DST starts holds 3 hours', SYDNEY, '2024-10-06', 3],
    ['Kolkata: Sunday 00:00–04:00 always holds 4 hours', KOLKATA, '2024-03-31', 4],
  ])('%s', (_name, zone, sunday, hours) => {
    const from = at(`${sunday}T00:00`, zone) - 6 * HOUR;
    expect(coverageBetween(cal(zone, sundayNight), from, from + 2 * 24 * HOUR)).toBe(hours * HOUR);
  });

  it.each([
    ['a Los Angeles day with spring forward has 23 hours', LA, '2024-03-10', 23],
    ['a Los Angeles day with fall back has 25 hours', LA, '2024-11-03', 25],
    ['a Sydney day when DST ends has 25 hours', SYDNEY, '2024-04-07', 25],
    ['a Kolkata day has 24 hours', KOLKATA, '2024-03-10', 24],
  ])('on a 24x7 calendar, %s', (_name, zone, day, hours) => {
    const next = new Date(Date.parse(`${day}T00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
    expect(coverageBetween(cal(zone, allWeek), at(`${day}T00:00`, zone), at(`${next}T00:00`, zone))).toBe(hours * HOUR);
  });
});

describe('window edges inside DST gaps and repeated hours', () => {
  const lateSunday: WeeklyWindow[] = [{ start: { day: 7, time: '02:30' }, end: { day: 7, time: '03:30' } }];

  it('a window starting at 02:30 on spring-forward night opens when the clock jumps to 03:00', () => {
    expect(show(nextOpening(cal(LA, lateSunday), at('2024-03-10T00:00', LA)), LA)).toBe('2024-03-10T03:00');
    expect(show(nextClosing(cal(LA, lateSunday), at('2024-03-10T03:00', LA)), LA)).toBe('2024-03-10T03:30');
  });

  it('a window ending at 01:30 on fall-back night is open again during the repeated hour', () => {
    const early: CoverageCalendar = cal(LA, [{ start: { day: 7, time: '01:00' }, end: { day: 7, time: '01:30' } }]);
    const firstOne = at('2024-11-03T08:00'); // 01:00 PDT
    const secondOne = at('2024-11-03T09:00'); // 01:00 PST, the repeated hour
    expect(isOpen(early, firstOne)).toBe(true);
    expect(isOpen(early, firstOne + 45 * 60_000)).toBe(false);
    expect(isOpen(early, secondOne)).toBe(true);
    expect(coverageBetween(early, firstOne, secondOne + HOUR)).toBe(HOUR);
  });

  it.each([
    ['Kolkata opens Monday 00:00 IST, Sunday 18:30 UTC', '2024-01-07T18:30', true],
    ['and is closed the minute before', '2024-01-07T18:29', false],
    ['and closes Saturday 00:00 IST, Friday 18:30 UTC', '2024-01-12T18:30', false],
  ])('a half-hour zone: %s', (_name, utc, open) => {
    expect(isOpen(cal(KOLKATA, workWeek), at(utc))).toBe(open);
  });
});

describe('formatInstant shows the local time and zone abbreviation of the calendar', () => {
  it.each([
    ['UTC', 'UTC', '2024-01-08T02:00', 'Mon 02:00 UTC'],
    ['Los Angeles in winter', LA, '2024-01-08T10:00', 'Mon 02:00 PST'],
    ['Los Angeles in summer', LA, '2024-07-08T09:00', 'Mon 02:00 PDT'],
    ['London in summer', LONDON, '2024-07-08T01:00', 'Mon 02:00 GMT+1'],
    ['Kolkata', KOLKATA, '2024-01-07T20:30', 'Mon 02:00 GMT+5:30'],
  ])('%s', (_name, zone, utc, expected) => {
    expect(formatInstant(cal(zone, workWeek), at(utc))).toBe(expected);
  });
});

describe('formatInstantWithDate adds the local date', () => {
  it.each([
    ['UTC', 'UTC', '2024-01-08T02:00', 'Mon 2024-01-08 02:00 UTC'],
    ['Los Angeles, the evening before in UTC terms', LA, '2024-01-08T02:00', 'Sun 2024-01-07 18:00 PST'],
    ['Kolkata', KOLKATA, '2024-01-07T20:30', 'Mon 2024-01-08 02:00 GMT+5:30'],
  ])('%s', (_name, zone, utc, expected) => {
    expect(formatInstantWithDate(cal(zone, workWeek), at(utc))).toBe(expected);
  });
});
