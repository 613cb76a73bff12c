/**
 * SLA clocks against the minute-by-minute oracle: a clock started at a random instant on a random
 * calendar goes through random pauses, resumes and re-targets (priority changes); its elapsed
 * time, remaining time, due and warning instants and its outcome when stopped must match what
 * the oracle counts, minute by minute, over the same history. 10,000 histories per function.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoverageCalendar } from '../../domain/calendar.js';
import {
  clockDueAt,
  clockWarnAt,
  elapsedCoverage,
  pauseClock,
  remainingCoverage,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  warningThresholdMs,
  type SlaClock,
} from '../../domain/sla-clock.js';
import { calendarCase } from './support/arbitraries.js';
import { propertyRuns } from './support/property-runs.js';
import { BEYOND, MIN, minuteTape, oracleCalendar, weeklyOpenMinutes, type Bounded } from './support/oracle.js';

const RUNS = propertyRuns(10_000);
const TIMEOUT = 120_000;
const HORIZON_MIN = 2 * 7 * 1440; // how far past the history the oracle looks for a due instant

type Op = { gap: number; op: 'pause' } | { gap: number; op: 'resume' } | { gap: number; op: 'retarget'; target: number };

const targetMin = fc.oneof(fc.integer({ min: 1, max: 3 * 1440 }), fc.constantFrom(15, 30, 60, 240, 480, 1440));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ gap: fc.integer({ min: 0, max: 1440 }), op: fc.constant('pause' as const) }),
  fc.record({ gap: fc.integer({ min: 0, max: 1440 }), op: fc.constant('resume' as const) }),
  fc.record({ gap: fc.integer({ min: 0, max: 1440 }), op: fc.constant('retarget' as const), target: targetMin }),
);
const history = fc.record({
  start: calendarCase,
  target: targetMin,
  warningFraction: fc.oneof(fc.constantFrom(0.5, 0.75, 0.9), fc.double({ min: 0.01, max: 0.99, noNaN: true })),
  ops: fc.array(op, { maxLength: 6 }),
  queryGap: fc.integer({ min: 0, max: 1440 }),
});

interface Replay {
  cal: CoverageCalendar;
  clock: SlaClock;
  now: number;
  /** Oracle: elapsed coverage at `now`, running flag, final target, last instant it started counting. */
  elapsed: number;
  running: boolean;
  target: number;
  pauses: Array<{ from: number; to: number | null }>;
  /** Oracle: first instant at or after the last start at which elapsed coverage reaches `ms`. */
  reaches: (ms: number) => Bounded;
}

type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

/** Plays the history on a real clock and on the oracle. Targets are capped to what the calendar can cover. */
function replay(h: History): Replay {
  const { cal, at } = h.start;
  const oc = oracleCalendar(cal);
  const cap = Math.max(1, 2 * weeklyOpenMinutes(oc));
  const capped = (minutes: number) => Math.min(minutes, cap) * MIN;
  const tape = minuteTape(oc, at);
  const openBetween = (from: number, to: number) => (tape.openBefore((to - at) / MIN) - tape.openBefore((from - at) / MIN)) * MIN;

  let clock = startClock({ kind: 'resolution', tier: 2, targetMs: capped(h.target), warningFraction: h.warningFraction }, at);
  let [t, elapsed, running, target, runningSince, elapsedAtStart] = [at, 0, true, capped(h.target), at, 0];
  const pauses: Replay['pauses'] = [];
  const advance = (minutes: number) => {
    if (running) elapsed += openBetween(t, t + minutes * MIN);
    t += minutes * MIN;
  };
  for (const o of h.ops) {
    advance(o.gap);
    if (o.op === 'pause') {
      clock = pauseClock(clock, cal, t);
      if (running) pauses.push({ from: t, to: null });
      running = false;
    } else if (o.op === 'resume') {
      clock = resumeClock(clock, t);
      if (!running) {
        [runningSince, elapsedAtStart] = [t, elapsed];
        const last = pauses[pauses.length - 1];
        if (last) last.to = t;
      }
      running = true;
    } else {
      clock = retargetClock(clock, capped(o.target));
      target = capped(o.target);
    }
  }
  advance(h.queryGap);
  const reaches = (ms: number): Bounded => {
    const first = (runningSince - at) / MIN;
    const elapsedAt = (i: number) => elapsedAtStart + (tape.openBefore(i) - tape.openBefore(first)) * MIN;
    if (elapsedAt(first) >= ms) return runningSince;
    for (let i = first + 1, last = (t - at) / MIN + HORIZON_MIN; i <= last; i += 1) {
      // minute i - 1 is the one during which the elapsed coverage reaches `ms`
      if (elapsedAt(i) >= ms) return at + (i - 1) * MIN + (ms - elapsedAt(i - 1));
    }
    return BEYOND;
  };
  return { cal, clock, now: t, elapsed, running, target, pauses, reaches };
}

const agrees = (actual: number | null, expected: Bounded, r: Replay) =>
  expected === BEYOND ? actual !== null && actual >= r.now + HORIZON_MIN * MIN : actual === expected;

const check = (assertion: (r: Replay) => void) =>
  fc.assert(
    fc.property(history, (h) => assertion(replay(h))),
    { numRuns: RUNS },
  );

describe('SLA clocks agree with a minute-by-minute oracle over random pauses, resumes and priority changes', () => {
  it(
    'elapsedCoverage and remainingCoverage count only covered, unpaused time, whatever the target changes',
    () => {
      check((r) => {
        expect(elapsedCoverage(r.clock, r.cal, r.now)).toBe(r.elapsed);
        expect(remainingCoverage(r.clock, r.cal, r.now)).toBe(r.target - r.elapsed);
        expect(r.clock.state).toBe(r.running ? 'running' : 'paused');
        expect(r.clock.pauses).toEqual(r.pauses);
        expect(r.clock.targetMs).toBe(r.target);
      });
    },
    TIMEOUT,
  );

  it(
    'clockDueAt is the instant elapsed coverage reaches the current target, and null while paused',
    () => {
      check((r) => {
        const due = clockDueAt(r.clock, r.cal);
        if (!r.running) expect(due).toBeNull();
        else expect(agrees(due, r.reaches(r.target), r), `${due} vs ${r.reaches(r.target)}`).toBe(true);
      });
    },
    TIMEOUT,
  );

  it(
    'clockWarnAt is the instant elapsed coverage reaches the warning fraction of the current target',
    () => {
      check((r) => {
        const warn = clockWarnAt(r.clock, r.cal);
        const threshold = warningThresholdMs(r.clock);
        if (!r.running) expect(warn).toBeNull();
        else expect(agrees(warn, r.reaches(threshold), r), `${warn} vs ${r.reaches(threshold)}`).toBe(true);
      });
    },
    TIMEOUT,
  );

  it(
    'stopClock records met before the target and a breach at the due instant after it',
    () => {
      check((r) => {
        const stopped = stopClock(r.clock, r.cal, r.now, 'met');
        expect(stopped.elapsedMs).toBe(r.elapsed);
        expect(stopped.runningSince).toBeNull();
        if (r.elapsed < r.target) {
          expect(stopped.state).toBe('met');
          expect(stopped.breachedAt).toBeNull();
        } else {
          expect(stopped.state).toBe('breached');
          const due = r.running ? r.reaches(r.target) : r.now;
          expect(stopped.breachedAt).toBe(due === BEYOND ? r.now : Math.min(due, r.now));
        }
      });
    },
    TIMEOUT,
  );
});
