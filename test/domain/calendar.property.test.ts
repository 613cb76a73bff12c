/**
 * Every calendar function against the minute-by-minute oracle: random calendars (zones, windows,
 * holidays) and random minute-aligned instants in 2024–2030, 10,000 cases per function.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCoverage, coverageBetween, isOpen, nextClosing, nextOpening } from '../../domain/calendar.js';
import { calendarCase } from './support/arbitraries.js';
import { propertyRuns } from './support/property-runs.js';
import {
  addCoverageO,
  BEYOND,
  coverageO,
  isOpenO,
  MIN,
  nextClosingO,
  nextOpeningO,
  oracleCalendar,
  weeklyOpenMinutes,
  type Bounded,
} from './support/oracle.js';

const RUNS = propertyRuns(10_000);
const LIMIT_MIN = 3 * 7 * 1440; // the oracle looks at most three weeks ahead
const TIMEOUT = 120_000;
const check = <T>(cases: fc.Arbitrary<T>, predicate: (value: T) => void) => fc.assert(fc.property(cases, predicate), { numRuns: RUNS });

/** Implementation answer vs bounded oracle answer: equal, or both beyond the oracle's horizon. */
function agrees(actual: number | null, expected: Bounded, at: number): boolean {
  if (expected === BEYOND) return actual === null || actual > at + LIMIT_MIN * MIN;
  return actual === expected;
}

describe('the coverage calendar agrees with a minute-by-minute oracle', () => {
  it(
    'isOpen tells open from closed at any instant',
    () => {
      check(calendarCase, ({ cal, at }) => {
        expect(isOpen(cal, at)).toBe(isOpenO(oracleCalendar(cal), at));
      });
    },
    TIMEOUT,
  );

  it(
    'nextOpening finds the first open instant',
    () => {
      check(calendarCase, ({ cal, at }) => {
        const actual = nextOpening(cal, at);
        const expected = nextOpeningO(oracleCalendar(cal), at, LIMIT_MIN);
        expect(agrees(actual, expected, at), `${actual} vs ${expected}`).toBe(true);
      });
    },
    TIMEOUT,
  );

  it(
    'nextClosing finds the first closed instant',
    () => {
      check(calendarCase, ({ cal, at }) => {
        const actual = nextClosing(cal, at);
        const expected = nextClosingO(oracleCalendar(cal), at, LIMIT_MIN);
        expect(agrees(actual, expected, at), `${actual} vs ${expected}`).toBe(true);
      });
    },
    TIMEOUT,
  );

  it(
    'coverageBetween counts the open minutes of a span of up to two weeks',
    () => {
      const span = fc.integer({ min: -60, max: 2 * 7 * 1440 });
      check(fc.tuple(calendarCase, span), ([{ cal, at }, minutes]) => {
        const to = at + minutes * MIN;
        expect(coverageBetween(cal, at, to)).toBe(coverageO(oracleCalendar(cal), at, to));
      });
    },
    TIMEOUT,
  );

  it(
    'addCoverage lands on the first instant the duration has been covered',
    () => {
      // Up to five days, and at most two weeks' worth of this calendar's coverage (so a calendar
      // open one minute a week is not asked for days: the answer would lie decades ahead).
      const duration = fc.oneof(fc.integer({ min: 0, max: 5 * 1440 }), fc.constantFrom(0, 1, 30, 60, 240, 480, 1440));
      check(fc.tuple(calendarCase, duration), ([{ cal, at }, wanted]) => {
        const minutes = Math.min(wanted, 2 * weeklyOpenMinutes(oracleCalendar(cal)));
        const actual = addCoverage(cal, at, minutes * MIN);
        const expected = addCoverageO(oracleCalendar(cal), at, minutes * MIN, LIMIT_MIN);
        expect(agrees(Number.isFinite(actual) ? actual : null, expected, at), `${actual} vs ${expected}`).toBe(true);
      });
    },
    TIMEOUT,
  );
});
