/**
 * Every decision says, in typed events, what it did to SLA clocks and tiers: the workflow's metrics
 * are a mapping of these, with nothing read back out of states or timeline text.
 */
import { describe, expect, it } from 'vitest';

import { applyAction } from '../../domain/request-actions.js';
import { onTimersDue } from '../../domain/request-timers.js';
import { escalate, openRequest } from '../../domain/request.js';
import { ctxAt, HOUR, MINUTE, MONDAY_9, okta, open } from './support/requests.js';

const FIRST_RESPONSE_DUE = MONDAY_9 + 4 * HOUR; // P2 at Tier 2: 4 coverage hours

describe('the events of a decision', () => {
  it('opening a request says nothing happened to a clock yet', () => {
    const opened = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', type: 'question', system: okta, startTier: 2, mentions: [] },
      ctxAt(MONDAY_9),
    );
    expect(opened.events).toEqual([]);
  });

  it('a warning names its clock and tier', () => {
    expect(onTimersDue(open(), ctxAt(MONDAY_9 + 3 * HOUR)).events).toEqual([{ kind: 'sla_warning', tier: 2, clock: 'first_response' }]);
  });

  it('a breach says when it was due and when its timer was handled, then the escalation it caused', () => {
    const warned = onTimersDue(open(), ctxAt(MONDAY_9 + 3 * HOUR)).state;
    expect(onTimersDue(warned, ctxAt(FIRST_RESPONSE_DUE + 1_250)).events).toEqual([
      { kind: 'sla_breached', tier: 2, clock: 'first_response', dueAt: FIRST_RESPONSE_DUE, handledAt: FIRST_RESPONSE_DUE + 1_250 },
      { kind: 'escalated', from: 2, to: 3, cause: 'sla_breach' },
    ]);
  });

  it('a breach at Tier 5, and each reminder after it, are events of their own', () => {
    const atFive = { ...open(), tier: 5 as const, clocks: open().clocks.map((c) => ({ ...c, tier: 5 as const })) };
    const warned = onTimersDue(atFive, ctxAt(MONDAY_9 + 3 * HOUR)).state;
    const breached = onTimersDue(warned, ctxAt(FIRST_RESPONSE_DUE));
    expect(breached.events.map((e) => e.kind)).toEqual(['sla_breached']);
    const reminded = onTimersDue(breached.state, ctxAt(breached.state.nextReminderAt!));
    expect(reminded.events).toEqual([{ kind: 'reminder', tier: 5 }]);
  });

  it('an answer stops the first-response clock with the coverage time it ran, met before the target', () => {
    expect(applyAction(open(), 'acknowledge', { actor: 'grace' }, ctxAt(MONDAY_9 + 30 * MINUTE)).events).toEqual([
      { kind: 'clock_stopped', tier: 2, clock: 'first_response', elapsedMs: 30 * MINUTE, outcome: 'met' },
    ]);
  });

  it('a late answer records the breach its timer had not handled yet, and a breached first response', () => {
    expect(applyAction(open(), 'comment', { actor: 'grace', note: 'on it' }, ctxAt(FIRST_RESPONSE_DUE + HOUR)).events).toEqual([
      { kind: 'sla_breached', tier: 2, clock: 'first_response', dueAt: FIRST_RESPONSE_DUE, handledAt: null },
      { kind: 'clock_stopped', tier: 2, clock: 'first_response', elapsedMs: 5 * HOUR, outcome: 'breached' },
    ]);
  });

  it('resolving stops both clocks; the requester commenting stops none', () => {
    expect(applyAction(open(), 'resolve', { actor: 'grace' }, ctxAt(MONDAY_9 + 2 * HOUR)).events.map((e) => e.kind === 'clock_stopped' && e.clock)).toEqual([
      'first_response',
      'resolution',
    ]);
    expect(applyAction(open(), 'comment', { actor: 'ada@example.com', note: 'any news?' }, ctxAt(MONDAY_9 + HOUR)).events).toEqual([]);
  });

  it('escalating by hand answers the tier and says it was manual', () => {
    expect(applyAction(open(), 'escalate', { actor: 'grace', note: 'needs an admin' }, ctxAt(MONDAY_9 + 30 * MINUTE)).events).toEqual([
      { kind: 'clock_stopped', tier: 2, clock: 'first_response', elapsedMs: 30 * MINUTE, outcome: 'met' },
      { kind: 'escalated', from: 2, to: 3, cause: 'manual' },
    ]);
  });

  it('cancelling records no clock as answered', () => {
    expect(applyAction(open(), 'cancel', { actor: 'grace', reason: 'duplicate' }, ctxAt(MONDAY_9 + HOUR)).events).toEqual([]);
  });
});

describe('rules a running request keeps from the version that started it', () => {
  const waiting = () => applyAction(open(), 'pause', { actor: 'grace' }, ctxAt(MONDAY_9 + HOUR)).state;

  it('today: escalating a request waiting on the requester starts the new tier paused', () => {
    const escalated = escalate(waiting(), 'grace', 'needs an engineer', ctxAt(MONDAY_9 + 2 * HOUR)).state;
    expect(escalated.status).toBe('waiting_on_requester');
    expect(escalated.clocks.map((c) => [c.tier, c.runningSince])).toEqual([
      [3, null],
      [3, null],
    ]);
  });

  it('a request started before the change keeps the old rule: the new tier’s clocks run', () => {
    const ctx = { ...ctxAt(MONDAY_9 + 2 * HOUR), legacy: { escalationStartsClocks: true } };
    const escalated = escalate(waiting(), 'grace', 'needs an engineer', ctx).state;
    expect(escalated.status).toBe('waiting_on_requester');
    expect(escalated.clocks.map((c) => c.runningSince)).toEqual([MONDAY_9 + 2 * HOUR, MONDAY_9 + 2 * HOUR]);
  });
});
