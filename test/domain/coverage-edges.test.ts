/**
 * The coverage window at its edges: nothing that pages people goes out while the window is closed
 * (a crisis excepted: its calendar is always open). A clock that runs out exactly at the close is
 * breached at its instant; its escalation, and every held mention, go out when coverage opens.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR, isOpen } from '../../domain/calendar.js';
import { describeState, toStatusView } from '../../domain/status-view.js';
import { nextWakeUp, onTimersDue } from '../../domain/request-timers.js';
import { applyAction } from '../../domain/request-actions.js';
import { openRequest, type Effect, type RequestState } from '../../domain/request.js';
import { ALWAYS_OPEN } from '../../registry/schema.js';
import { act, ctxAt, HOUR, open } from './support/requests.js';

const cal = DEFAULT_CALENDAR;
/** Sat 28 Nov 2026 12:00 UTC: the 24x5 window is closed. */
const SATURDAY_NOON = Date.UTC(2026, 10, 28, 12);
/** Mon 30 Nov 2026 00:00 UTC: the window opens. */
const MONDAY_0 = Date.UTC(2026, 10, 30, 0);
/** Sat 5 Dec 2026 00:00 UTC: the window closes; a P3 opened at the weekend is due for resolution exactly now (5 × 24 coverage hours). */
const NEXT_SATURDAY_0 = Date.UTC(2026, 11, 5, 0);
const NEXT_MONDAY_0 = Date.UTC(2026, 11, 7, 0);

const mentionsOf = (effects: Effect[]) => effects.flatMap((e) => ('mentions' in e && e.mentions ? e.mentions : []));
const due = (state: RequestState, now: number, legacy = false) =>
  onTimersDue(state, { ...ctxAt(now), ...(legacy ? { legacy: { announceOutsideCoverage: true } } : {}) });

/** A P3 question opened Saturday noon, acknowledged Monday 01:00 (its first response met): the resolution clock runs out at the close. */
function acknowledgedP3(): RequestState {
  const opened = open(SATURDAY_NOON, { priority: 'P3' });
  const released = due(opened, MONDAY_0).state;
  return act(released, 'acknowledge', {}, MONDAY_0 + HOUR).state;
}

describe('a request opened outside coverage', () => {
  it('posts its thread without paging anyone and pages the shift when coverage opens', () => {
    const { state, effects } = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', type: 'question', system: null, startTier: 2, mentions: ['it-helpdesk-apac'] },
      ctxAt(SATURDAY_NOON),
    );
    expect(effects).toEqual([{ id: 'r#1', kind: 'post_thread', mentions: [] }]);
    expect(state.held).toEqual({ at: MONDAY_0, slack: ['it-helpdesk-apac'], gitlab: [], escalation: null });
    expect(nextWakeUp(state, cal)).toEqual({ at: MONDAY_0, summary: 'coverage opens: held mentions' });
    expect(toStatusView(state, cal, SATURDAY_NOON).heldUntil).toBe(new Date(MONDAY_0).toISOString());

    const opened = due(state, MONDAY_0);
    expect(opened.state.held).toBeNull();
    expect(opened.effects).toEqual([{ id: 'r#2', kind: 'thread_reply', event: 'coverage_opened', mentions: ['it-helpdesk-apac'] }]);
    expect(opened.state.timeline.at(-1)).toMatchObject({ at: MONDAY_0, action: 'coverage_opened', note: 'paging it-helpdesk-apac' });
  });

  it('a crisis on its always-open calendar pages at once, any hour', () => {
    const { state, effects } = openRequest(
      {
        id: 'c',
        requester: { email: 'a@example.com' },
        summary: 's',
        type: 'crisis',
        system: null,
        startTier: 5,
        mentions: ['corpsec-leadership'],
        swarm: true,
      },
      { ...ctxAt(SATURDAY_NOON), calendar: ALWAYS_OPEN },
    );
    expect(effects.map((e) => e.kind)).toEqual(['post_thread', 'open_tracker_issue', 'open_swarm']);
    expect(mentionsOf(effects)).toEqual(['corpsec-leadership']);
    expect(state.held).toBeUndefined();
  });

  it("an engineer's Saturday comment is posted without paging; the escalation's pages wait for Monday", () => {
    const monday = acknowledgedP3();
    const saturday = applyAction(monday, 'escalate', { actor: 'grace', note: 'needs an engineer' }, ctxAt(SATURDAY_NOON + 7 * 24 * HOUR));
    expect(saturday.state.tier).toBe(3);
    expect(mentionsOf(saturday.effects)).toEqual([]);
    expect(saturday.state.held).toMatchObject({ slack: ['tier3-group', 'sysowners-okta-sso'], gitlab: ['corp/tier3', 'gitlab-com/gl-security/corp/sys/okta'] });
  });
});

describe('a clock that runs out exactly when the window closes', () => {
  it('is breached at its instant, and escalates with its pages when coverage opens', () => {
    const ack = acknowledgedP3();
    const resolution = ack.clocks.find((c) => c.kind === 'resolution')!;
    expect(resolution.state).toBe('running');
    const warned = due(ack, Date.UTC(2026, 11, 3, 18)).state;

    const breach = due(warned, NEXT_SATURDAY_0);
    expect(isOpen(cal, NEXT_SATURDAY_0)).toBe(false);
    expect(breach.effects).toEqual([]);
    expect(breach.events).toEqual([{ kind: 'sla_breached', tier: 2, clock: 'resolution', dueAt: NEXT_SATURDAY_0, handledAt: NEXT_SATURDAY_0 }]);
    expect(breach.state).toMatchObject({ tier: 2, slaBreached: true });
    expect(breach.state.held).toEqual({
      at: NEXT_MONDAY_0,
      slack: [],
      gitlab: [],
      escalation: { reason: 'resolution SLA breached at Tier 2', tier: 2 },
    });
    expect(breach.state.timeline.slice(-2).map((e) => e.action)).toEqual(['sla_breached', 'escalation_held']);
    expect(describeState(breach.state, cal)).toBe(
      'Tier 2 — SLA breached at the close; outside coverage: escalation from Tier 2 held until coverage opens Mon 00:00 UTC',
    );
    expect(nextWakeUp(breach.state, cal)).toEqual({ at: NEXT_MONDAY_0, summary: 'coverage opens: held escalation' });

    const monday = due(breach.state, NEXT_MONDAY_0);
    expect(monday.state.tier).toBe(3);
    expect(monday.state.held).toBeNull();
    expect(monday.events).toEqual([{ kind: 'escalated', from: 2, to: 3, cause: 'sla_breach' }]);
    expect(monday.effects.map((e) => [e.kind, 'mentions' in e ? e.mentions : undefined])).toEqual([
      ['open_tracker_issue', undefined],
      ['thread_reply', ['tier3-group', 'sysowners-okta-sso']],
      ['sync_tracker', ['corp/tier3', 'gitlab-com/gl-security/corp/sys/okta']],
    ]);
  });

  it('a request that moved up by hand before the opening is not escalated again', () => {
    const warned = due(acknowledgedP3(), Date.UTC(2026, 11, 3, 18)).state;
    const breached = due(warned, NEXT_SATURDAY_0).state;
    const escalated = applyAction(breached, 'escalate', { actor: 'grace', note: 'on it' }, ctxAt(NEXT_SATURDAY_0 + HOUR)).state;
    expect(escalated.held?.escalation).toBeNull();
    const monday = due(escalated, NEXT_MONDAY_0);
    expect(monday.state.tier).toBe(3);
    expect(monday.events.filter((e) => e.kind === 'escalated')).toEqual([]);
    // The hand escalation's pages, held on Saturday, go out now.
    expect(mentionsOf(monday.effects)).toEqual(['tier3-group', 'sysowners-okta-sso', 'corp/tier3', 'gitlab-com/gl-security/corp/sys/okta']);
  });

  it('under the rules of a run started before the patch, escalates at once, as it did', () => {
    const warned = due(acknowledgedP3(), Date.UTC(2026, 11, 3, 18)).state;
    const breach = due(warned, NEXT_SATURDAY_0, true);
    expect(breach.state.tier).toBe(3);
    expect(breach.state.held ?? null).toBeNull();
    expect(mentionsOf(breach.effects)).toContain('tier3-group');
  });
});
