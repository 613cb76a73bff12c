import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import {
  clockDueAt,
  clockWarnAt,
  countsAsResponse,
  elapsedCoverage,
  markBreached,
  markWarned,
  pauseClock,
  remainingCoverage,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  type ResponseCandidate,
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

describe('what counts as a first response', () => {
  it.each<[string, boolean, ResponseCandidate]>([
    ['an engineer acknowledging', true, { action: 'acknowledge', actor: 'engineer' }],
    ['an engineer commenting in the thread', true, { action: 'comment', actor: 'engineer' }],
    ['an engineer commenting publicly', true, { action: 'comment', actor: 'engineer', visibility: 'public' }],
    ['an engineer escalating', true, { action: 'escalate', actor: 'engineer' }],
    ['an engineer resolving', true, { action: 'resolve', actor: 'engineer' }],
    ['an engineer’s internal note', false, { action: 'comment', actor: 'engineer', visibility: 'internal' }],
    ['the requester commenting', false, { action: 'comment', actor: 'requester' }],
    ['the requester resolving it themselves', false, { action: 'resolve', actor: 'requester' }],
    ['a bot replying', false, { action: 'comment', actor: 'bot' }],
    ['the system escalating on breach', false, { action: 'escalate', actor: 'system' }],
    ['an engineer pausing', false, { action: 'pause', actor: 'engineer' }],
    ['an engineer changing the priority', false, { action: 'priority', actor: 'engineer' }],
  ])('%s: %s', (_name, counts, event) => {
    expect(countsAsResponse(event)).toBe(counts);
  });
});
