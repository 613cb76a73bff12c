/** Time-zone primitives: zone names, offsets, stretches of constant offset and the local calendar. */
import { describe, expect, it } from 'vitest';

import {
  clearOffsetMemo,
  formatLocalDate,
  isValidTimeZone,
  localDay,
  offsetAt,
  offsetSegments,
  parseLocalDate,
  parseTimeOfDay,
  resolveZone,
  startOfLocalWeek,
  weekdayOfDay,
  type OffsetSegment,
} from '../../domain/time-zone.js';
import { at, DAY, HOUR, MINUTE } from './support/time.js';

const take = (segments: Generator<OffsetSegment>, count: number): OffsetSegment[] => {
  const out: OffsetSegment[] = [];
  for (const segment of segments) {
    out.push(segment);
    if (out.length === count) break;
  }
  return out;
};

describe('zone names', () => {
  it.each([
    ['UTC', true],
    ['utc', true],
    ['Etc/UTC', true],
    ['GMT', true],
    ['etc/gmt', true],
    ['Z', true],
    ['Europe/London', true],
    ['Asia/Kolkata', true],
    ['', false],
    ['Mars/Olympus_Mons', false],
    ['UTC+25', false],
  ])('%j is a valid zone: %s', (name, valid) => {
    expect(isValidTimeZone(name)).toBe(valid);
  });

  it.each(['UTC', 'gmt', 'Z', 'Etc/UTC'])('%s resolves to UTC itself', (name) => {
    const zone = resolveZone(name);
    expect(zone.isUniversal).toBe(true);
    expect(zone.offset(at('2024-07-01T12:00'))).toBe(0);
  });

  it('an IANA name resolves to its zone', () => {
    expect(resolveZone('Asia/Kolkata').name).toBe('Asia/Kolkata');
    expect(offsetAt(resolveZone('Asia/Kolkata'), at('2024-01-01T00:00'))).toBe(5 * HOUR + 30 * MINUTE);
  });

  it.each([
    ['an unknown name', 'Mars/Olympus_Mons', 'unknown time zone "Mars/Olympus_Mons"'],
    ['an empty name', '', 'unknown time zone ""'],
  ])('%s is refused with a RangeError naming it', (_name, name, message) => {
    expect(() => resolveZone(name)).toThrow(RangeError);
    expect(() => resolveZone(name)).toThrow(message);
  });
});

describe('offsetAt', () => {
  it.each([
    ['Los Angeles in winter', 'America/Los_Angeles', '2024-01-15T12:00', -8 * HOUR],
    ['Los Angeles in summer', 'America/Los_Angeles', '2024-07-15T12:00', -7 * HOUR],
    ['Sydney in January (DST)', 'Australia/Sydney', '2024-01-15T12:00', 11 * HOUR],
    ['Kathmandu', 'Asia/Kathmandu', '2024-01-15T12:00', 5 * HOUR + 45 * MINUTE],
  ])('%s', (_name, zone, utc, offset) => {
    expect(offsetAt(resolveZone(zone), at(utc))).toBe(offset);
  });
});

describe('offsetSegments: stretches of constant offset from an instant on', () => {
  const LA = resolveZone('America/Los_Angeles');
  const springForward = at('2024-03-10T10:00'); // 02:00 PST becomes 03:00 PDT

  it('a fixed zone is one offset, a week at a time, from the instant asked', () => {
    const from = at('2024-01-03T05:17');
    expect(take(offsetSegments(resolveZone('UTC'), from), 2)).toEqual([
      { start: from, end: from + 7 * DAY, offsetMs: 0 },
      { start: from + 7 * DAY, end: from + 14 * DAY, offsetMs: 0 },
    ]);
  });

  it('a zone with DST changes offset at the second of the transition, and days run from UTC midnight', () => {
    const from = at('2024-03-09T15:30');
    expect(take(offsetSegments(LA, from), 4)).toEqual([
      { start: from, end: at('2024-03-10T00:00'), offsetMs: -8 * HOUR },
      { start: at('2024-03-10T00:00'), end: springForward, offsetMs: -8 * HOUR },
      { start: springForward, end: at('2024-03-11T00:00'), offsetMs: -7 * HOUR },
      { start: at('2024-03-11T00:00'), end: at('2024-03-12T00:00'), offsetMs: -7 * HOUR },
    ]);
  });

  it('starting after the transition on its day begins with the new offset', () => {
    const from = springForward + HOUR;
    expect(take(offsetSegments(LA, from), 1)).toEqual([{ start: from, end: at('2024-03-11T00:00'), offsetMs: -7 * HOUR }]);
  });

  it('starting exactly at the transition begins with the new offset and no empty stretch', () => {
    expect(take(offsetSegments(LA, springForward), 1)).toEqual([{ start: springForward, end: at('2024-03-11T00:00'), offsetMs: -7 * HOUR }]);
  });

  it('gives the same answers after its memo is emptied', () => {
    const from = at('2024-11-02T20:00');
    const before = take(offsetSegments(LA, from), 3);
    clearOffsetMemo();
    expect(take(offsetSegments(LA, from), 3)).toEqual(before);
    expect(before[1]).toEqual({ start: at('2024-11-03T00:00'), end: at('2024-11-03T09:00'), offsetMs: -7 * HOUR });
  });
});

describe('the local calendar', () => {
  it.each([
    ['1970-01-01, a Thursday', 0, 4],
    ['1970-01-04, a Sunday', 3, 7],
    ['1970-01-05, a Monday', 4, 1],
    ['1969-12-31, a Wednesday', -1, 3],
    ['1969-12-29, a Monday', -3, 1],
    ['2024-01-08, a Monday', 19730, 1],
  ])('%s', (_name, day, weekday) => {
    expect(weekdayOfDay(day)).toBe(weekday);
  });

  it.each([
    ['Wednesday noon', '2024-01-10T12:00', '2024-01-08T00:00'],
    ['Monday 00:00 itself', '2024-01-08T00:00', '2024-01-08T00:00'],
    ['Sunday 23:59', '2024-01-14T23:59', '2024-01-08T00:00'],
    ['a Sunday before 1970', '1969-12-28T10:00', '1969-12-22T00:00'],
  ])('the week of %s starts on Monday %s', (_name, local, monday) => {
    expect(startOfLocalWeek(at(local))).toBe(at(monday));
  });

  it('a local day number counts whole days, also before 1970', () => {
    expect(localDay(at('2024-01-08T23:59'))).toBe(19730);
    expect(localDay(at('1969-12-31T23:59'))).toBe(-1);
  });

  it.each([
    ['2024-01-08', 19730],
    ['2024-02-29', 19782],
    ['1970-01-01', 0],
    ['1969-12-31', -1],
  ])('%s is day %i and back', (text, day) => {
    expect(parseLocalDate(text)).toBe(day);
    expect(formatLocalDate(day)).toBe(text);
  });

  it.each(['0024-01-08', '2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-04-31', '2024-1-08', '2024-01-08T00:00', ' 2024-01-08', 'tomorrow', ''])(
    '%j is not a date',
    (text) => {
      expect(parseLocalDate(text)).toBeUndefined();
    },
  );

  it.each([
    ['00:00', 0],
    ['09:05', 545],
    ['19:30', 1170],
    ['23:59', 1439],
  ])('%s is %i minutes after midnight', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it.each(['24:00', '9:00', '09:60', '09:5', '0900', ' 09:00', '09:00 ', ''])('%j is not a time of day', (text) => {
    expect(parseTimeOfDay(text)).toBeUndefined();
  });
});
