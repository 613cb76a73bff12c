/**
 * `nextShift` and `onShift` against a minute-by-minute oracle: random shift sets (zones with every
 * shape of DST, start times biased toward the hours clocks change, overnight and 24-hour shifts,
 * holidays near the instant) and random instants in 2024–2028, a third of them days from a clock
 * change. The oracle reads offsets from Intl (not luxon) and judges each minute on its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpen } from '../../domain/calendar.js';
import { nextShift, onShift, type Shift, type ShiftConfig } from '../../domain/shifts.js';
import type { Weekday } from '../../domain/types.js';
import { loadConfig } from '../../registry/load.js';
import { ZONES } from './support/arbitraries.js';
import { MIN, zoneTable, type ZoneTable } from './support/oracle.js';
import { propertyRuns } from './support/property-runs.js';

const RUNS = propertyRuns(1_000);
const TIMEOUT = 120_000;
const DAY = 1440 * MIN;
const FROM = Date.UTC(2024, 0, 1) / MIN;
const TO = Date.UTC(2028, 11, 31) / MIN;

const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** The oracle's view of a shift: its zone's offset table, and its rule in minutes and day numbers. */
interface OracleShift {
  shift: Shift;
  table: ZoneTable;
  start: number;
  length: number;
  holidays: Set<number>;
}

function oracleShift(shift: Shift): OracleShift {
  const minute = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const start = minute(shift.start);
  const end = minute(shift.end);
  const holidays = new Set((shift.holidays ?? []).map((date) => Date.parse(`${date}T00:00Z`) / DAY));
  return { shift, table: zoneTable(shift.timezone), start: start * MIN, length: ((end - start + 1440 - 1) % 1440) * MIN + MIN, holidays };
}

function offsetO(table: ZoneTable, t: number): number {
  let index = 0;
  while (index + 1 < table.starts.length && t >= (table.starts[index + 1] as number)) index += 1;
  return table.offsets[index] as number;
}

/** ISO weekday of a day number. */
const weekdayO = (day: number): Weekday => ((((day % 7) + 10) % 7) + 1) as Weekday;

const worksO = (o: OracleShift, day: number): boolean => o.shift.days.includes(weekdayO(day)) && !o.holidays.has(day);

/** The local day whose instance of the shift is on duty at `t`, or null. */
function instanceAt(o: OracleShift, t: number): number | null {
  const local = t + offsetO(o.table, t);
  const today = Math.floor(local / DAY);
  for (const day of [today, today - 1]) {
    const from = day * DAY + o.start;
    if (worksO(o, day) && local >= from && local < from + o.length) return day;
  }
  return null;
}

/** True when `t` is the first instant of the instance on duty at `t` (looking back a day and more). */
function startsAt(o: OracleShift, t: number): boolean {
  const day = instanceAt(o, t);
  if (day === null || instanceAt(o, t - MIN) === day) return false;
  for (let back = t - 2 * MIN; back > t - 27 * 60 * MIN; back -= MIN) if (instanceAt(o, back) === day) return false; // an hour worked twice
  return true;
}

/** The first start after `at`, minute by minute, within the horizon: the shift listed first wins a tie. */
function nextShiftO(shifts: OracleShift[], at: number, horizonDays: number): { shift: string; startsAt: number } | null {
  for (let t = Math.floor(at / MIN) * MIN + MIN; t <= at + horizonDays * DAY; t += MIN) {
    const found = shifts.find((o) => startsAt(o, t));
    if (found) return { shift: found.shift.name, startsAt: t };
  }
  return null;
}

/** Start minutes of the day: any, whole and half hours, and the night hours when clocks change. */
const startMinute = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 47 }).map((half) => half * 30),
  fc.integer({ min: 0, max: 8 }).map((half) => half * 30),
);
const lengthMinutes = fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.constantFrom(1, 30, 60, 90, 480, 540, 1440));

const shiftArb = (index: number, near: number) =>
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      start: startMinute,
      length: lengthMinutes,
      days: fc.subarray([1, 2, 3, 4, 5, 6, 7] as Weekday[], { minLength: 1 }),
      holidays: fc.array(fc.integer({ min: -2, max: 16 }), { maxLength: 4 }),
      weeks: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ zone, start, length, days, holidays, weeks }): Shift => ({
      name: `S${index}`,
      timezone: zone,
      start: hhmm(start),
      end: hhmm((start + length) % 1440),
      days,
      slackGroup: `shift-${index}`,
      rotation: Array.from({ length: weeks }, (_, week) => [`analyst-${index}-${week}`]),
      rotationStart: '2024-01-01',
      holidays: holidays.map((k) => dateOf(Math.floor(near / DAY) + k)),
    }));

interface ShiftCase {
  config: ShiftConfig;
  at: number;
  horizonDays: number;
}

/** Random shift sets and instants (see module comment); some instants off the minute. */
const shiftCase: fc.Arbitrary<ShiftCase> = fc
  .record({
    seed: fc.integer({ min: 0, max: TO - FROM }),
    nearTransition: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
    zone: fc.constantFrom(...ZONES),
    jitter: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MIN - 1 })),
    horizonDays: fc.oneof(fc.constant(14), fc.integer({ min: 1, max: 7 })),
    count: fc.integer({ min: 1, max: 3 }),
    pin: fc.option(fc.integer({ min: -90, max: 90 })),
  })
  .chain(({ seed, nearTransition, zone, jitter, horizonDays, count, pin }) => {
    let minute = FROM + seed;
    let first = (shift: Shift): Shift => ({ ...shift, timezone: zone });
    const { starts, offsets } = zoneTable(zone);
    if (nearTransition && starts.length > 1) {
      const index = 1 + (seed % (starts.length - 1));
      const transition = (starts[index] as number) / MIN;
      minute = transition + (seed % (6 * 1440)) - 3 * 1440;
      // Pin the first shift's start near the wall-clock time at which the clocks change, on that day.
      if (pin !== null) {
        const local = transition + (offsets[index - 1] as number) / MIN + pin;
        const day = Math.floor(local / 1440);
        const start = local - day * 1440;
        first = (shift) => {
          const length = oracleShift(shift).length / MIN;
          return { ...shift, timezone: zone, start: hhmm(start), end: hhmm((start + length) % 1440), days: [...new Set([...shift.days, weekdayO(day)])] };
        };
      }
    }
    const at = minute * MIN + jitter;
    const shifts = Array.from({ length: count }, (_, i) => shiftArb(i, at).map((s) => (i === 0 ? first(s) : s)));
    return fc.tuple(...shifts).map((list): ShiftCase => ({ config: { shifts: list }, at, horizonDays }));
  });

const check = (predicate: (c: ShiftCase) => void) => fc.assert(fc.property(shiftCase, predicate), { numRuns: RUNS });

describe('nextShift agrees with a minute-by-minute oracle', () => {
  it(
    'begins strictly after `at`, within the horizon, and at startsAt the shift is on duty with the analysts named',
    () => {
      check(({ config, at, horizonDays }) => {
        const next = nextShift(config, at, horizonDays);
        if (next === null) return;
        expect(next.startsAt).toBeGreaterThan(at);
        expect(next.startsAt).toBeLessThanOrEqual(at + horizonDays * DAY);
        expect(onShift(config, next.startsAt)).toContainEqual({ shift: next.shift, slackGroup: next.slackGroup, analysts: next.analysts });
      });
    },
    TIMEOUT,
  );

  it(
    'startsAt is where that shift begins: a millisecond before, it was off or on an earlier day’s shift, and the day is no holiday',
    () => {
      check(({ config, at, horizonDays }) => {
        const next = nextShift(config, at, horizonDays);
        if (next === null) return;
        const o = oracleShift(config.shifts.find((s) => s.name === next.shift) as Shift);
        const day = instanceAt(o, next.startsAt);
        expect(day).not.toBeNull();
        expect(instanceAt(o, next.startsAt - 1)).not.toBe(day);
        expect(o.holidays.has(day as number)).toBe(false);
        expect(o.shift.days).toContain(weekdayO(day as number));
      });
    },
    TIMEOUT,
  );

  it(
    'no shift begins in between: startsAt is the oracle’s first start after `at`, or null when none is within the horizon',
    () => {
      check(({ config, at, horizonDays }) => {
        const next = nextShift(config, at, horizonDays);
        const expected = nextShiftO(config.shifts.map(oracleShift), at, horizonDays);
        expect(next && { shift: next.shift, startsAt: next.startsAt }).toEqual(expected);
      });
    },
    TIMEOUT,
  );

  it(
    'onShift names the same shifts as the oracle at any instant',
    () => {
      check(({ config, at }) => {
        const expected = config.shifts.map(oracleShift).filter((o) => instanceAt(o, at) !== null);
        expect(onShift(config, at).map((s) => s.shift)).toEqual(expected.map((o) => o.shift.name));
      });
    },
    TIMEOUT,
  );
});

describe('the shipped shifts', () => {
  const config = loadConfig();
  const shifts = config.shifts.shifts.map(oracleShift);
  /** True when `t` falls on a holiday of some shift, in that shift's zone. */
  const onAHoliday = (t: number) => shifts.some((o) => o.holidays.has(Math.floor((t + offsetO(o.table, t)) / DAY)));
  const instant = fc.integer({ min: FROM * MIN, max: TO * MIN });

  it(
    'staff every instant of calendar.yaml’s coverage window outside holidays, or begin a shift within 24 hours',
    () => {
      fc.assert(
        fc.property(instant, (t) => {
          fc.pre(isOpen(config.calendar, t) && !onAHoliday(t));
          const next = nextShift(config.shifts, t);
          expect(onShift(config.shifts, t).length > 0 || (next !== null && next.startsAt - t <= DAY), new Date(t).toISOString()).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it('leave Christmas Day 2026 unstaffed until Monday, and begin a shift within 24 hours of any other coverage minute that December', () => {
    const uncovered: string[] = [];
    for (let t = Date.UTC(2026, 11, 1); t < Date.UTC(2027, 0, 1); t += 30 * MIN) {
      const day = new Date(t).getUTCDay();
      if (day === 0 || day === 6 || onShift(config.shifts, t).length > 0) continue;
      const next = nextShift(config.shifts, t);
      if (next === null || next.startsAt - t > DAY) uncovered.push(new Date(t).toISOString().slice(0, 13));
    }
    expect(uncovered[0]).toBe('2026-12-25T01');
    expect(uncovered.at(-1)).toBe('2026-12-25T23');
    expect(uncovered.every((hour) => hour.startsWith('2026-12-25'))).toBe(true);
  });
});
