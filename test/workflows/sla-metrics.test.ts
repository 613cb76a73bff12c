/**
 * SLA metrics of the request state machine's decisions (their typed events), without Temporal: what
 * is counted for warnings, breaches and escalations, and what is recorded as time to first response
 * and to resolution, in coverage time.
 */
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { applyAction, type ActionContext } from '../../domain/request-actions.js';
import { onTimersDue } from '../../domain/request-timers.js';
import { openRequest, type RequestState } from '../../domain/request.js';
import { DEFAULT_SLA_POLICY } from '../../domain/sla-policy.js';
import { recordSlaMetrics, SLA_METRICS, slaObservations, type SlaObservation } from '../../workflows/sla-metrics.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MONDAY_9 = Date.UTC(2026, 10, 23, 9);
const FRIDAY_22 = Date.UTC(2026, 10, 27, 22);
const okta = { id: 'okta-sso', name: 'Okta SSO', gitlabLabel: 'corpsys::okta-sso', gitlabOwners: 'g/okta', slackOwners: 'sysowners-okta-sso' };

const ctxAt = (now: number): ActionContext => ({
  now,
  calendar: DEFAULT_CALENDAR,
  policy: DEFAULT_SLA_POLICY,
  contacts: [2, 3, 4, 5].map((tier) => ({ tier: tier as 2, name: `Tier ${tier}`, slackGroup: `tier${tier}` })),
  systems: [okta],
});

/** A P2 Okta request at Tier 2: first response due 4 coverage hours after opening. */
const open = (at = MONDAY_9): RequestState =>
  openRequest(
    { id: 'req-1', requester: { email: 'ada@example.com' }, summary: 'MFA', type: 'question', priority: 'P2', system: okta, startTier: 2, mentions: [] },
    ctxAt(at),
  ).state;

const named = (list: SlaObservation[], name: string) => list.filter((o) => o.name === name);

describe('SLA metrics of a decision', () => {
  it('counts the warning of each clock that reached its warning fraction, tagged by tier, system and clock', () => {
    const before = open();
    const decision = onTimersDue(before, ctxAt(MONDAY_9 + 3 * HOUR)); // 75 % of 4 h
    expect(named(slaObservations(decision.events, before), SLA_METRICS.warnings)).toEqual([
      { kind: 'counter', name: SLA_METRICS.warnings, tags: { tier: '2', system: 'okta-sso', priority: 'P2', clock: 'first_response' } },
    ]);
  });

  it('counts a breach with how late its timer was handled, and the escalation it caused', () => {
    const before = onTimersDue(open(), ctxAt(MONDAY_9 + 3 * HOUR)).state;
    const handledAt = MONDAY_9 + 4 * HOUR + 1_250;
    const decision = onTimersDue(before, ctxAt(handledAt));
    const after = decision.state;
    const seen = slaObservations(decision.events, before);
    expect(after.tier).toBe(3);
    expect(named(seen, SLA_METRICS.breaches)).toEqual([
      { kind: 'counter', name: SLA_METRICS.breaches, tags: { tier: '2', system: 'okta-sso', priority: 'P2', clock: 'first_response' } },
    ]);
    expect(named(seen, SLA_METRICS.timerLateness)).toEqual([expect.objectContaining({ valueMs: 1_250 })]);
    expect(named(seen, SLA_METRICS.escalations)).toEqual([
      { kind: 'counter', name: SLA_METRICS.escalations, tags: { tier: '2', system: 'okta-sso', priority: 'P2', to: '3', cause: 'sla_breach' } },
    ]);
  });

  it('records the time to first response in coverage time, excluding the weekend', () => {
    const before = open(FRIDAY_22);
    const decision = applyAction(before, 'acknowledge', { actor: 'grace' }, ctxAt(Date.UTC(2026, 10, 30, 1))); // Monday 01:00
    expect(named(slaObservations(decision.events, before), SLA_METRICS.firstResponse)).toEqual([
      { kind: 'histogram', name: SLA_METRICS.firstResponse, valueMs: 3 * HOUR, tags: { tier: '2', system: 'okta-sso', priority: 'P2', outcome: 'met' } },
    ]);
  });

  it('records a late answer as a breached first response, and counts the breach the timer had not yet handled', () => {
    const before = open();
    const decision = applyAction(before, 'acknowledge', { actor: 'grace' }, ctxAt(MONDAY_9 + 5 * HOUR));
    const seen = slaObservations(decision.events, before);
    expect(named(seen, SLA_METRICS.firstResponse)).toEqual([
      expect.objectContaining({ valueMs: 5 * HOUR, tags: expect.objectContaining({ outcome: 'breached' }) }),
    ]);
    expect(named(seen, SLA_METRICS.breaches)).toHaveLength(1);
  });

  it('records the resolution on resolve, and the first response with it when nobody had answered', () => {
    const before = open();
    const decision = applyAction(before, 'resolve', { actor: 'grace' }, ctxAt(MONDAY_9 + 2 * HOUR));
    const seen = slaObservations(decision.events, before);
    expect(named(seen, SLA_METRICS.resolution)).toEqual([expect.objectContaining({ valueMs: 2 * HOUR, tags: expect.objectContaining({ outcome: 'met' }) })]);
    expect(named(seen, SLA_METRICS.firstResponse)).toEqual([expect.objectContaining({ valueMs: 2 * HOUR })]);
  });

  it("treats escalating by hand as the tier's first response, tagged as a manual escalation", () => {
    const before = open();
    const decision = applyAction(before, 'escalate', { actor: 'grace', note: 'needs an Okta admin' }, ctxAt(MONDAY_9 + 30 * MINUTE));
    const seen = slaObservations(decision.events, before);
    expect(named(seen, SLA_METRICS.escalations)).toEqual([expect.objectContaining({ tags: expect.objectContaining({ cause: 'manual', to: '3' }) })]);
    expect(named(seen, SLA_METRICS.firstResponse)).toEqual([expect.objectContaining({ valueMs: 30 * MINUTE })]);
  });

  it('records nothing for a cancellation or a comment by the requester', () => {
    const before = open();
    const cancelled = applyAction(before, 'cancel', { actor: 'grace', reason: 'duplicate' }, ctxAt(MONDAY_9 + HOUR));
    const commented = applyAction(before, 'comment', { actor: 'ada@example.com', note: 'any news?' }, ctxAt(MONDAY_9 + HOUR));
    expect(slaObservations(cancelled.events, before)).toEqual([]);
    expect(slaObservations(commented.events, before)).toEqual([]);
  });
});

describe('recordSlaMetrics', () => {
  it('adds 1 to each counter and records each histogram value through the meter', () => {
    const seen: Array<[string, string, number, MetricTags]> = [];
    const meter = {
      createCounter: (name: string) => ({ add: (v: number, tags: MetricTags = {}) => seen.push(['counter', name, v, tags]) }),
      createHistogram: (name: string) => ({ record: (v: number, tags: MetricTags = {}) => seen.push(['histogram', name, v, tags]) }),
    } as unknown as MetricMeter;
    const before = onTimersDue(open(), ctxAt(MONDAY_9 + 3 * HOUR)).state;
    recordSlaMetrics(onTimersDue(before, ctxAt(MONDAY_9 + 4 * HOUR)).events, before, meter);
    expect(seen.map(([kind, name, value]) => [kind, name, value])).toEqual([
      ['counter', SLA_METRICS.breaches, 1],
      ['histogram', SLA_METRICS.timerLateness, 0],
      ['counter', SLA_METRICS.escalations, 1],
    ]);
  });
});
