/**
 * The SLA outcome a request keeps as its decisions happen (what the SLA report counts): first
 * response and resolution in coverage time, met or not, escalations and reopens. Driven through the
 * real state machine, the way `LiveRequest.apply` feeds it.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import type { Decision, RequestState } from '../../domain/request.js';
import { nextWakeUp, onTimersDue } from '../../domain/request-timers.js';
import { NO_OUTCOME, nextOutcome, type SlaOutcome } from '../../domain/sla-outcome.js';
import { act, ctxAt, DAY, FRIDAY_22, HOUR, MINUTE, MONDAY_9, open } from './support/requests.js';

/** A request and its outcome, as the workflow holds them. */
interface Live {
  state: RequestState;
  outcome: SlaOutcome;
}

function apply(live: Live, decision: Decision, at: number): Live {
  return { state: decision.state, outcome: nextOutcome(live.outcome, decision.events, live.state, decision.state, DEFAULT_CALENDAR, at) };
}

const start = (at = MONDAY_9, overrides = {}): Live => ({ state: open(at, overrides), outcome: NO_OUTCOME });
const doing = (live: Live, action: Parameters<typeof act>[1], at: number, args = {}) => apply(live, act(live.state, action, args, at), at);

/** Fires every timer due up to `until`. */
function runTimers(live: Live, until: number): Live {
  for (let i = 0; i < 50; i += 1) {
    const wake = nextWakeUp(live.state, DEFAULT_CALENDAR);
    if (!wake || wake.at > until) return live;
    live = apply(live, onTimersDue(live.state, ctxAt(wake.at)), wake.at);
  }
  return live;
}

describe('the SLA outcome of a request', () => {
  it('counts the first response and the resolution in coverage time, both met', () => {
    let live = start();
    live = doing(live, 'acknowledge', MONDAY_9 + 30 * MINUTE);
    live = doing(live, 'resolve', MONDAY_9 + 3 * HOUR);
    expect(live.outcome).toMatchObject({
      firstResponseMs: 30 * MINUTE,
      firstResponseMet: true,
      resolutionMs: 3 * HOUR,
      resolutionMet: true,
      escalations: 0,
      reopens: 0,
    });
  });

  it('measures coverage time only: a P2 opened Friday 22:00 and answered Monday 01:00 took 3 coverage hours', () => {
    let live = start(FRIDAY_22);
    const monday1 = Date.UTC(2026, 10, 30, 1);
    live = doing(live, 'comment', monday1, { note: 'looking' });
    expect(live.outcome.firstResponseMs).toBe(3 * HOUR);
    expect(live.outcome.firstResponseMet).toBe(true);
  });

  it('marks the first response missed when its clock breached first, even though the next tier answered in time', () => {
    let live = runTimers(start(MONDAY_9, { priority: 'P1' }), MONDAY_9 + 2 * HOUR);
    expect(live.state.tier).toBeGreaterThan(2);
    expect(live.outcome.escalations).toBeGreaterThanOrEqual(1);
    expect(live.outcome.firstResponseBreached).toBe(true);
    // Missed from the breach on, before anyone answered: the report counts it now.
    expect(live.outcome).toMatchObject({ firstResponseMet: false, firstResponseMs: null });
    live = doing(live, 'acknowledge', live.state.timeline.at(-1)!.at + MINUTE);
    expect(live.outcome.firstResponseMet).toBe(false);
    live = doing(live, 'resolve', live.state.timeline.at(-1)!.at + MINUTE);
    expect(live.outcome.resolutionMet).toBe(true);
  });

  it('counts a hand escalation as the first response, and counts the escalation', () => {
    let live = start();
    live = doing(live, 'escalate', MONDAY_9 + 10 * MINUTE, { note: 'needs the owners' });
    expect(live.outcome).toMatchObject({ firstResponseMs: 10 * MINUTE, firstResponseMet: true, escalations: 1 });
  });

  it('a reopen clears the resolution until the next one, and counts', () => {
    let live = start();
    live = doing(live, 'resolve', MONDAY_9 + HOUR);
    expect(live.outcome.resolutionMet).toBe(true);
    live = doing(live, 'reopen', MONDAY_9 + 2 * HOUR, { actor: 'ada@example.com' });
    expect(live.outcome).toMatchObject({ resolutionMs: null, resolutionMet: null, reopens: 1 });
    live = doing(live, 'resolve', MONDAY_9 + 4 * HOUR);
    expect(live.outcome).toMatchObject({ resolutionMs: 4 * HOUR, resolutionMet: true, reopens: 1 });
  });

  it('a request resolved without an answer first takes the resolution as its first response', () => {
    let live = start();
    live = doing(live, 'solved', MONDAY_9 + 5 * MINUTE, { actor: 'ada@example.com' });
    expect(live.outcome).toMatchObject({ firstResponseMs: 5 * MINUTE, firstResponseMet: true, resolutionMs: 5 * MINUTE, resolutionMet: true });
  });

  it('a resolution breach is missed at once and stays missed through a reopen', () => {
    let live = start(MONDAY_9, { priority: 'P4' });
    live = doing(live, 'acknowledge', MONDAY_9 + MINUTE);
    live = runTimers(live, MONDAY_9 + 60 * DAY);
    expect(live.outcome).toMatchObject({ resolutionMet: false, resolutionMs: null, resolutionBreached: true });
    const at = live.state.timeline.at(-1)!.at + MINUTE;
    live = doing(live, 'resolve', at);
    expect(live.outcome.resolutionMet).toBe(false);
    live = doing(live, 'reopen', at + MINUTE, { actor: 'ada@example.com' });
    expect(live.outcome).toMatchObject({ resolutionMet: false, resolutionMs: null });
  });

  it('a cancelled request has neither a resolution nor a met flag', () => {
    let live = start();
    live = doing(live, 'cancel', MONDAY_9 + 5 * MINUTE, { actor: 'ada@example.com' });
    expect(live.outcome.resolutionMs).toBeNull();
    expect(live.outcome.resolutionMet).toBeNull();
  });
});
