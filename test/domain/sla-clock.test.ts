import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import {
  clockDueAt,
  clockWarnAt,
  elapsedCoverage,
  isCounting,
  markBreached,
  markWarned,
  pauseClock,
  remainingCoverage,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  warningThresholdMs,
  type SlaClock,
} from '../../domain/sla-clock.js';
import { at, HOUR, MINUTE, show } from './support/time.js';

const cal = DEFAULT_CALENDAR;
const p2FirstResponse = (now: number): SlaClock => startClock({ kind: 'first_response', tier: 2, targetMs: 4 * HOUR, warningFraction: 0.75 }, now);

describe('an SLA clock counts coverage time only', () => {
  it('a P2 request opened Friday 23:00 UTC breaches Monday 03:00, not over the weekend', () => {
    const clock = p2FirstResponse(at('2024-01-05T23:00'));
    expect(show(clockDueAt(clock, cal))).toBe('2024-01-08T03:00');
    expect(show(clockWarnAt(clock, cal))).toBe('2024-01-08T02:00');
  });

  it.each([
    ['Friday 23:30: half an hour elapsed', '2024-01-05T23:30', 30 * MINUTE],
    ['all weekend: still one hour', '2024-01-07T23:59', HOUR],
    ['Monday 01:00: two hours', '2024-01-08T01:00', 2 * HOUR],
  ])('elapsed coverage at %s', (_name, now, elapsed) => {
    const clock = p2FirstResponse(at('2024-01-05T23:00'));
    expect(elapsedCoverage(clock, cal, at(now))).toBe(elapsed);
    expect(remainingCoverage(clock, cal, at(now))).toBe(4 * HOUR - elapsed);
  });
});

describe('pausing and resuming keep the elapsed time', () => {
  const started = p2FirstResponse(at('2024-01-08T09:00'));
  const paused = pauseClock(started, cal, at('2024-01-08T10:00'));
  const resumed = resumeClock(paused, at('2024-01-10T10:00'));

  it('a paused clock has no deadline and does not count', () => {
    expect(paused.state).toBe('paused');
    expect(clockDueAt(paused, cal)).toBeNull();
    expect(clockWarnAt(paused, cal)).toBeNull();
    expect(elapsedCoverage(paused, cal, at('2024-01-09T10:00'))).toBe(HOUR);
  });

  it('a resumed clock is due after the remaining three hours', () => {
    expect(resumed.state).toBe('running');
    expect(show(clockDueAt(resumed, cal))).toBe('2024-01-10T13:00');
    expect(resumed.pauses).toEqual([{ from: at('2024-01-08T10:00'), to: at('2024-01-10T10:00') }]);
  });

  it('pausing a paused clock or resuming a running one changes nothing', () => {
    expect(pauseClock(paused, cal, at('2024-01-09T00:00'))).toBe(paused);
    expect(resumeClock(started, at('2024-01-09T00:00'))).toBe(started);
  });
});

describe('a priority change re-targets from the elapsed time, not from the creation time', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00')); // 3 hours elapsed at 12:00

  it.each([
    ['lowered to 8 hours: due 5 hours after the change', 8 * HOUR, '2024-01-08T17:00'],
    ['raised to 1 hour, already past: due the moment it was reached', 1 * HOUR, '2024-01-08T10:00'],
  ])('%s', (_name, target, due) => {
    const retargeted = retargetClock(clock, target);
    expect(elapsedCoverage(retargeted, cal, at('2024-01-08T12:00'))).toBe(3 * HOUR);
    expect(show(clockDueAt(retargeted, cal))).toBe(due);
  });

  it('re-arms the warning for the new target', () => {
    const warned = markWarned(clock);
    expect(clockWarnAt(warned, cal)).toBeNull();
    expect(show(clockWarnAt(retargetClock(warned, 8 * HOUR), cal))).toBe('2024-01-08T15:00');
  });

  it('keeps elapsed time across a pause and a re-target', () => {
    const paused = pauseClock(clock, cal, at('2024-01-08T12:00'));
    const resumed = resumeClock(retargetClock(paused, 8 * HOUR), at('2024-01-09T09:00'));
    expect(show(clockDueAt(resumed, cal))).toBe('2024-01-09T14:00');
  });
});

describe('warnings and breaches', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00'));

  it('a breached clock keeps counting, shows overdue time and needs no more timers', () => {
    const breached = markBreached(clock, at('2024-01-08T13:00'));
    expect(breached.state).toBe('breached');
    expect(breached.breachedAt).toBe(at('2024-01-08T13:00'));
    expect(clockDueAt(breached, cal)).toBeNull();
    expect(clockWarnAt(breached, cal)).toBeNull();
    expect(remainingCoverage(breached, cal, at('2024-01-08T14:30'))).toBe(-90 * MINUTE);
  });

  it('a paused clock can be marked breached (a breach found as the request paused)', () => {
    const paused = pauseClock(clock, cal, at('2024-01-08T13:00'));
    expect(markBreached(paused, at('2024-01-08T13:00'))).toMatchObject({ state: 'breached', breachedAt: at('2024-01-08T13:00'), runningSince: null });
  });

  it('a clock paused exactly at its target and resumed on a Saturday is due the instant it resumes, not Monday', () => {
    const paused = pauseClock(clock, cal, at('2024-01-08T13:00'));
    const resumed = resumeClock(paused, at('2024-01-13T10:00'));
    expect(show(clockDueAt(resumed, cal))).toBe('2024-01-13T10:00');
    expect(show(clockWarnAt(resumed, cal))).toBe('2024-01-13T10:00');
  });

  it('a clock paused short of its target and resumed on a Saturday is due once Monday has covered the rest', () => {
    const resumed = resumeClock(pauseClock(clock, cal, at('2024-01-08T12:00')), at('2024-01-13T10:00'));
    expect(show(clockDueAt(resumed, cal))).toBe('2024-01-15T01:00');
  });

  it('a breached clock can wait on the requester and stays breached', () => {
    const breached = markBreached(clock, at('2024-01-08T13:00'));
    const paused = pauseClock(breached, cal, at('2024-01-08T14:00'));
    expect(paused.state).toBe('breached');
    expect(elapsedCoverage(paused, cal, at('2024-01-09T14:00'))).toBe(5 * HOUR);
    expect(resumeClock(paused, at('2024-01-09T14:00')).state).toBe('breached');
  });
});

describe('stopping a clock', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00'));

  it.each([
    ['an answer before the target is met', '2024-01-08T12:59', 'met', null],
    ['an answer exactly at the target is a breach', '2024-01-08T13:00', 'breached', '2024-01-08T13:00'],
    ['an answer after the target is a breach at the due instant, even if no timer fired', '2024-01-08T15:00', 'breached', '2024-01-08T13:00'],
  ])('%s', (_name, now, state, breachedAt) => {
    const stopped = stopClock(clock, cal, at(now), 'met');
    expect(stopped.state).toBe(state);
    expect(show(stopped.breachedAt)).toBe(breachedAt);
    expect(stopped.runningSince).toBeNull();
  });

  it('a cancelled request stops the clock without an outcome', () => {
    expect(stopClock(clock, cal, at('2024-01-08T10:00'), 'stopped').state).toBe('stopped');
  });

  it('a breached clock stays breached when the request is resolved', () => {
    const breached = markBreached(clock, at('2024-01-08T13:00'));
    expect(stopClock(breached, cal, at('2024-01-08T16:00'), 'met')).toMatchObject({ state: 'breached', elapsedMs: 7 * HOUR, runningSince: null });
  });

  it('stopping a paused clock closes its pause', () => {
    const paused = pauseClock(clock, cal, at('2024-01-08T10:00'));
    const stopped = stopClock(paused, cal, at('2024-01-08T11:00'), 'met');
    expect(stopped.pauses).toEqual([{ from: at('2024-01-08T10:00'), to: at('2024-01-08T11:00') }]);
    expect(stopped.elapsedMs).toBe(HOUR);
  });

  it('a stopped clock is final', () => {
    const met = stopClock(clock, cal, at('2024-01-08T10:00'), 'met');
    expect(stopClock(met, cal, at('2024-01-08T11:00'), 'stopped')).toBe(met);
    expect(resumeClock(met, at('2024-01-08T11:00'))).toBe(met);
    expect(markBreached(met, at('2024-01-08T14:00'))).toBe(met);
  });
});

describe('stopping a clock that is past its target, breached or paused more than once', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00')); // due Monday 13:00

  it.each([
    ['resolving it late records the breach at the instant it was due', 'met'],
    ['cancelling it late records the breach at the instant it was due, as a timer that had fired would have', 'stopped'],
  ] as const)('%s', (_name, outcome) => {
    const stopped = stopClock(clock, cal, at('2024-01-08T15:00'), outcome);
    expect(stopped).toMatchObject({ state: 'breached', elapsedMs: 6 * HOUR, runningSince: null });
    expect(show(stopped.breachedAt)).toBe('2024-01-08T13:00');
  });

  it.each([
    ['resolving', 'met'],
    ['cancelling', 'stopped'],
  ] as const)('%s a breached clock keeps the instant of its first breach', (_name, outcome) => {
    const breached = markBreached(clock, at('2024-01-08T13:05'));
    const stopped = stopClock(breached, cal, at('2024-01-09T16:00'), outcome);
    expect(stopped.state).toBe('breached');
    expect(show(stopped.breachedAt)).toBe('2024-01-08T13:05');
    expect(markBreached(stopped, at('2024-01-09T17:00'))).toBe(stopped);
  });

  it('a paused clock whose target was lowered below its elapsed time breaches when it is answered', () => {
    const paused = retargetClock(pauseClock(clock, cal, at('2024-01-08T11:00')), HOUR);
    const stopped = stopClock(paused, cal, at('2024-01-09T10:00'), 'met');
    expect(stopped.state).toBe('breached');
    expect(show(stopped.breachedAt)).toBe('2024-01-09T10:00');
  });

  it('cancelling a clock before its target stops it without a breach', () => {
    expect(stopClock(clock, cal, at('2024-01-08T12:59'), 'stopped')).toMatchObject({ state: 'stopped', breachedAt: null, elapsedMs: 3 * HOUR + 59 * MINUTE });
  });

  it('stopping a clock paused three times counts only the time it ran and closes only the open pause', () => {
    let c = clock;
    for (const [pause, resume] of [
      ['10:00', '11:00'],
      ['12:00', '14:00'],
    ] as const) {
      c = resumeClock(pauseClock(c, cal, at(`2024-01-08T${pause}`)), at(`2024-01-08T${resume}`));
    }
    c = pauseClock(c, cal, at('2024-01-08T15:00'));
    const stopped = stopClock(c, cal, at('2024-01-08T18:00'), 'met');
    expect(stopped.elapsedMs).toBe(3 * HOUR); // 09–10, 11–12, 14–15
    expect(stopped.state).toBe('met');
    expect(stopped.pauses).toEqual([
      { from: at('2024-01-08T10:00'), to: at('2024-01-08T11:00') },
      { from: at('2024-01-08T12:00'), to: at('2024-01-08T14:00') },
      { from: at('2024-01-08T15:00'), to: at('2024-01-08T18:00') },
    ]);
  });

  it('stopping a running clock after pauses leaves the closed pauses as they were', () => {
    const resumed = resumeClock(pauseClock(clock, cal, at('2024-01-08T10:00')), at('2024-01-08T11:00'));
    const stopped = stopClock(resumed, cal, at('2024-01-08T12:00'), 'met');
    expect(stopped.pauses).toEqual([{ from: at('2024-01-08T10:00'), to: at('2024-01-08T11:00') }]);
    expect(stopped.elapsedMs).toBe(2 * HOUR);
  });
});

describe('final clocks stay final', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00'));
  const cancelled = stopClock(clock, cal, at('2024-01-08T10:00'), 'stopped');
  const met = stopClock(clock, cal, at('2024-01-08T10:00'), 'met');

  it.each([
    ['a cancelled clock', cancelled],
    ['a met clock', met],
  ])('%s does not resume, pause, breach, count or take a new target', (_name, final) => {
    expect(resumeClock(final, at('2024-01-08T11:00'))).toBe(final);
    expect(pauseClock(final, cal, at('2024-01-08T11:00'))).toBe(final);
    expect(markBreached(final, at('2024-01-08T14:00'))).toBe(final);
    expect(stopClock(final, cal, at('2024-01-08T12:00'), 'met')).toBe(final);
    expect(retargetClock(final, 30 * MINUTE)).toBe(final);
    expect(elapsedCoverage(final, cal, at('2024-01-09T10:00'))).toBe(HOUR);
    expect(clockDueAt(final, cal)).toBeNull();
    expect(clockWarnAt(final, cal)).toBeNull();
  });
});

describe('re-targeting', () => {
  const clock = p2FirstResponse(at('2024-01-08T09:00'));

  it('to the same target changes nothing, so a given warning is not given again', () => {
    const warned = markWarned(clock);
    expect(retargetClock(warned, 4 * HOUR)).toBe(warned);
    expect(clockWarnAt(retargetClock(warned, 4 * HOUR), cal)).toBeNull();
  });

  it('a breached clock keeps its breach and its warning when the target changes', () => {
    const breached = markBreached(markWarned(clock), at('2024-01-08T13:00'));
    expect(retargetClock(breached, 8 * HOUR)).toMatchObject({ state: 'breached', warned: true, targetMs: 8 * HOUR, breachedAt: at('2024-01-08T13:00') });
  });

  it('a paused clock keeps its pause and its elapsed time when the target changes', () => {
    const paused = pauseClock(clock, cal, at('2024-01-08T10:00'));
    expect(retargetClock(paused, 8 * HOUR)).toEqual({ ...paused, targetMs: 8 * HOUR });
  });
});

describe('warnings', () => {
  it.each([
    [0.75, 3 * HOUR],
    [0.5, 2 * HOUR],
    [1 / 3, 80 * MINUTE],
  ])('a warning fraction of %d of four hours warns after %d ms of coverage', (fraction, threshold) => {
    const clock = startClock({ kind: 'resolution', tier: 3, targetMs: 4 * HOUR, warningFraction: fraction }, at('2024-01-08T09:00'));
    expect(warningThresholdMs(clock)).toBe(threshold);
    expect(clockWarnAt(clock, cal)).toBe(at('2024-01-08T09:00') + threshold);
  });

  it('a warning is given once: marking it twice keeps the same clock', () => {
    const warned = markWarned(p2FirstResponse(at('2024-01-08T09:00')));
    expect(warned.warned).toBe(true);
    expect(markWarned(warned)).toBe(warned);
  });

  it('a clock resumed after its warning point warns at once, and one resumed after its target is due at once', () => {
    const paused = pauseClock(p2FirstResponse(at('2024-01-08T09:00')), cal, at('2024-01-08T12:30'));
    const resumed = resumeClock(paused, at('2024-01-09T09:00'));
    expect(show(clockWarnAt(resumed, cal))).toBe('2024-01-09T09:00');
    expect(show(clockDueAt(resumed, cal))).toBe('2024-01-09T09:30');
    const lowered = resumeClock(retargetClock(paused, 2 * HOUR), at('2024-01-09T09:00'));
    expect(show(clockDueAt(lowered, cal))).toBe('2024-01-09T09:00');
  });

  it('a new clock counts from its start with nothing elapsed, no pause, no warning and no breach', () => {
    const clock = p2FirstResponse(at('2024-01-08T09:00'));
    expect(clock).toEqual({
      kind: 'first_response',
      tier: 2,
      targetMs: 4 * HOUR,
      warningFraction: 0.75,
      startedAt: at('2024-01-08T09:00'),
      elapsedMs: 0,
      runningSince: at('2024-01-08T09:00'),
      pauses: [],
      state: 'running',
      warned: false,
      breachedAt: null,
    });
    expect(isCounting(clock)).toBe(true);
    expect(isCounting(pauseClock(clock, cal, at('2024-01-08T10:00')))).toBe(false);
  });
});
