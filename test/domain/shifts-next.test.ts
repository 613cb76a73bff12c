/** The next shift to begin: who a Tier 2 request mentions when nobody is on shift. */
import { describe, expect, it } from 'vitest';
import { nextShift, onShift, type Shift, type ShiftConfig } from '../../domain/shifts.js';
import { loadConfig } from '../../registry/load.js';
import { at, show } from './support/time.js';

/** The shipped follow-the-sun shifts (APAC Singapore 08–16, EMEA London 08–16, AMER New York 11–20). */
const shipped: ShiftConfig = loadConfig().shifts;
const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';

const shift = (more: Partial<Shift>): Shift => ({
  name: 'Night',
  timezone: LONDON,
  start: '22:00',
  end: '06:00',
  days: [1, 2, 3, 4, 5, 6, 7],
  slackGroup: 'it-helpdesk-night',
  rotation: [['lena']],
  rotationStart: '2024-01-01',
  ...more,
});
const only = (...shifts: Shift[]): ShiftConfig => ({ shifts });

/** `[shift, start as UTC YYYY-MM-DDTHH:mm]`, or null. */
const next = (config: ShiftConfig, instant: number, horizonDays?: number) => {
  const found = nextShift(config, instant, horizonDays);
  return found && [found.shift, show(found.startsAt)];
};

describe('the next shift to begin, across clock changes', () => {
  it.each([
    ['EMEA begins Monday 08:00 UTC in the last week of GMT', at('2026-03-23T02:00'), ['EMEA', '2026-03-23T08:00']],
    ['and 07:00 UTC once London is on summer time', at('2026-03-30T02:00'), ['EMEA', '2026-03-30T07:00']],
    ['EMEA begins 07:00 UTC in the last week of British summer time', at('2026-10-19T02:00'), ['EMEA', '2026-10-19T07:00']],
    ['and 08:00 UTC once London is back on GMT', at('2026-10-26T02:00'), ['EMEA', '2026-10-26T08:00']],
    ['AMER begins 16:00 UTC in the last week of EST', at('2026-03-02T10:00'), ['AMER', '2026-03-02T16:00']],
    ['and 15:00 UTC once New York is on daylight time, while London is still on GMT', at('2026-03-09T10:00'), ['AMER', '2026-03-09T15:00']],
    ['AMER begins 15:00 UTC in the last week of EDT', at('2026-10-26T10:00'), ['AMER', '2026-10-26T15:00']],
    ['and 16:00 UTC once New York is back on EST', at('2026-11-02T10:00'), ['AMER', '2026-11-02T16:00']],
    ['over the weekend, APAC begins the week at Monday 00:00 UTC', at('2026-03-28T12:00'), ['APAC', '2026-03-30T00:00']],
  ])('%s', (_name, instant, expected) => {
    expect(next(shipped, instant)).toEqual(expected);
  });

  it.each([
    ['a start inside the spring-forward gap begins when the clocks jump', shift({ start: '01:30', end: '03:00' }), LONDON, ['Night', '2026-03-29T01:00']],
    ['a shift wholly inside the gap is not worked that night', shift({ start: '01:10', end: '01:50' }), LONDON, ['Night', '2026-03-30T00:10']],
    [
      'a New York start at 02:30 on the spring-forward night begins at 03:00 EDT',
      shift({ timezone: NEW_YORK, start: '02:30', end: '05:00' }),
      NEW_YORK,
      ['Night', '2026-03-08T07:00'],
    ],
  ])('%s', (_name, night, zone, expected) => {
    const saturdayEvening = zone === LONDON ? at('2026-03-28T23:30', LONDON) : at('2026-03-07T23:30', NEW_YORK);
    expect(next(only(night), saturdayEvening)).toEqual(expected);
  });

  it('the hour repeated when the clocks go back is not a second start of the same shift', () => {
    const repeated = only(shift({ start: '01:30', end: '02:30' }));
    // 01:30 BST on Sunday 2026-10-25 is 00:30 UTC; an hour later the clocks show 01:30 again, in GMT.
    expect(next(repeated, at('2026-10-24T23:00'))).toEqual(['Night', '2026-10-25T00:30']);
    expect(onShift(repeated, at('2026-10-25T01:45')).map((s) => s.shift)).toEqual(['Night']);
    expect(next(repeated, at('2026-10-25T00:45'))).toEqual(['Night', '2026-10-26T01:30']);
  });

  it('a New York shift at 01:30 on the fall-back night begins at the first 01:30 (EDT)', () => {
    expect(next(only(shift({ timezone: NEW_YORK, start: '01:30', end: '03:00' })), at('2026-10-31T23:00', NEW_YORK))).toEqual(['Night', '2026-11-01T05:30']);
  });
});

describe('holidays', () => {
  it('nobody is on shift on Christmas Day 2026, and the next shift to begin is APAC on Monday', () => {
    expect(onShift(shipped, at('2026-12-25T10:00'))).toEqual([]);
    expect(next(shipped, at('2026-12-24T20:00'))).toEqual(['APAC', '2026-12-28T00:00']);
    expect(next(shipped, at('2026-12-25T10:00'))).toEqual(['APAC', '2026-12-28T00:00']);
  });

  it('a shift that started before the holiday runs into it: AMER’s Christmas Eve shift ends 01:00 UTC on Christmas Day', () => {
    expect(onShift(shipped, at('2026-12-25T00:30')).map((s) => s.shift)).toEqual(['AMER']);
    expect(onShift(shipped, at('2026-12-25T01:00'))).toEqual([]);
  });

  it('a regional holiday skips only that region: on the Boxing Day substitute EMEA is off and AMER begins next', () => {
    expect(next(shipped, at('2026-12-28T02:00'))).toEqual(['AMER', '2026-12-28T16:00']);
  });

  it('New Year’s Day 2027 is a Friday: from Thursday evening the next shift is APAC on Monday', () => {
    expect(next(shipped, at('2026-12-31T20:00'))).toEqual(['APAC', '2027-01-04T00:00']);
  });

  it('a holiday is a date in the shift’s own zone, not in UTC', () => {
    const singapore = only(shift({ name: 'Early', timezone: 'Asia/Singapore', start: '06:00', end: '14:00', holidays: ['2026-12-25'] }));
    // 06:00 on the 25th in Singapore (22:00 UTC on the 24th) is skipped; 06:00 on the 26th is 22:00 UTC on the 25th.
    expect(next(singapore, at('2026-12-24T12:00'))).toEqual(['Early', '2026-12-25T22:00']);
  });

  it('the analysts named are those of the rotation week in which the shift starts', () => {
    const found = nextShift(shipped, at('2026-12-24T20:00'));
    expect(found?.analysts).toEqual(onShift(shipped, at('2026-12-28T00:00'))[0]?.analysts);
    expect(found).toMatchObject({ shift: 'APAC', slackGroup: 'it-helpdesk-apac' });
  });
});

describe('the horizon and ties', () => {
  it('null when no shift begins within the horizon; a start exactly at the horizon counts', () => {
    expect(next(shipped, at('2026-12-24T20:00'), 3)).toBeNull();
    expect(next(shipped, at('2026-12-27T00:00'), 1)).toEqual(['APAC', '2026-12-28T00:00']);
    expect(next(shipped, at('2026-12-27T00:00') - 1, 1)).toBeNull();
  });

  it('strictly after the instant: at a start, the next one is the following start', () => {
    expect(next(shipped, at('2026-03-30T07:00'))).toEqual(['AMER', '2026-03-30T15:00']);
  });

  it('two shifts beginning together: the one listed first', () => {
    const a = shift({ name: 'A', slackGroup: 'a' });
    const b = shift({ name: 'B', slackGroup: 'b' });
    expect(next(only(b, a), at('2026-06-01T12:00'))).toEqual(['B', '2026-06-01T21:00']);
  });

  it('no shifts, or no working day, begin nothing', () => {
    expect(nextShift(only(), at('2026-06-01T12:00'))).toBeNull();
    expect(nextShift(only(shift({ days: [1], holidays: ['2026-06-08'] })), at('2026-06-01T23:00'), 13)).toBeNull();
  });

  it('looks two weeks ahead by default', () => {
    const fortnightly = only(shift({ days: [1], holidays: ['2026-06-08'] }));
    expect(next(fortnightly, at('2026-06-01T23:00'))).toEqual(['Night', '2026-06-15T21:00']);
    const threeWeeks = only(shift({ days: [1], holidays: ['2026-06-08', '2026-06-15'] }));
    expect(next(threeWeeks, at('2026-06-01T23:00'))).toBeNull();
    expect(next(threeWeeks, at('2026-06-01T23:00'), 21)).toEqual(['Night', '2026-06-22T21:00']);
  });

  it.each([
    ['an infinite horizon', Number.POSITIVE_INFINITY],
    ['a horizon that is not a number', Number.NaN],
  ])('refuses %s with a RangeError', (_name, horizonDays) => {
    expect(() => nextShift(shipped, at('2026-06-01T12:00'), horizonDays)).toThrow(RangeError);
  });

  it('refuses a holiday that is not a date with a RangeError naming the shift, in onShift and nextShift', () => {
    const broken = only(shift({ holidays: ['25/12/2026'] }));
    expect(() => onShift(broken, at('2026-06-01T12:00'))).toThrow('shift Night: holiday "25/12/2026" must be YYYY-MM-DD');
    expect(() => nextShift(broken, at('2026-06-01T12:00'))).toThrow(RangeError);
  });
});
