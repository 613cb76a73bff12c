/**
 * Clock-driven events without Temporal: which timer comes first, the warning, the breach (an
 * escalation below Tier 5, reminders at Tier 5) and the reminders, never while the request waits
 * on the requester and never outside the coverage window.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { nextReminder, nextWakeUp, onTimersDue } from '../../domain/request-timers.js';
import type { RequestState } from '../../domain/request.js';
import { markWarned } from '../../domain/sla-clock.js';
import { at, show } from './support/time.js';
import { act, ctxAt, HOUR, MINUTE, MONDAY_9, open } from './support/requests.js';

const cal = DEFAULT_CALENDAR;
const due = (state: RequestState, now: number) => onTimersDue(state, ctxAt(now));
const events = (effects: ReturnType<typeof due>['effects']) =>
  effects.map((e) => [e.kind, 'event' in e ? e.event : undefined, 'note' in e ? e.note : undefined, 'mentions' in e ? e.mentions : undefined]);
/** A P2 crisis at Tier 5 opened Monday 09:00: first response 2h (warning 10:30, due 11:00), resolution 1 day. */
const crisis = () => open(MONDAY_9, { type: 'crisis', startTier: 5 });
/** The crisis breached at 11:00: the next reminder is due at 13:00. */
const breachedAtTier5 = () => due(due(crisis(), MONDAY_9 + 90 * MINUTE).state, MONDAY_9 + 2 * HOUR).state;

describe('nextWakeUp: the earliest thing due', () => {
  it.each<[string, (s: RequestState) => RequestState, number, string]>([
    ['a new request wakes for the first-response warning', (s) => s, MONDAY_9 + 3 * HOUR, 'SLA warning: first response, Tier 2'],
    [
      'after that warning, for the first-response breach',
      (s) => ({ ...s, clocks: [markWarned(s.clocks[0]!), s.clocks[1]!] }),
      MONDAY_9 + 4 * HOUR,
      'SLA breach: first response, Tier 2',
    ],
    ['once answered, for the resolution warning', (s) => act(s, 'acknowledge').state, MONDAY_9 + 36 * HOUR, 'SLA warning: resolution, Tier 2'],
    [
      'a reminder due before any clock wakes first, though listed last',
      (s) => ({ ...s, nextReminderAt: MONDAY_9 + HOUR, remindersSent: 2 }),
      MONDAY_9 + HOUR,
      'breach reminder #3',
    ],
    [
      'a reminder due after the clocks waits its turn',
      (s) => ({ ...s, nextReminderAt: MONDAY_9 + 50 * HOUR }),
      MONDAY_9 + 3 * HOUR,
      'SLA warning: first response, Tier 2',
    ],
  ])('%s', (_name, arrange, expectedAt, summary) => {
    expect(nextWakeUp(arrange(open()), cal)).toEqual({ at: expectedAt, summary });
  });

  it('a resolution clock due before the first-response clock wakes first', () => {
    const state = open();
    const [first, resolution] = state.clocks as [RequestState['clocks'][number], RequestState['clocks'][number]];
    const swapped = {
      ...state,
      clocks: [
        { ...first, targetMs: 40 * HOUR },
        { ...resolution, targetMs: 2 * HOUR },
      ],
    };
    expect(nextWakeUp(swapped, cal)).toEqual({ at: MONDAY_9 + 90 * MINUTE, summary: 'SLA warning: resolution, Tier 2' });
  });

  it.each<[string, () => RequestState]>([
    ['a resolved request', () => act(open(), 'resolve').state],
    ['a cancelled request, even with a reminder set', () => ({ ...act(open(), 'cancel').state, nextReminderAt: MONDAY_9 + 2 * HOUR })],
    ['a request waiting on the requester, even with a reminder set', () => ({ ...act(open(), 'pause').state, nextReminderAt: MONDAY_9 + 2 * HOUR })],
  ])('nothing is due for %s', (_name, arrange) => {
    expect(nextWakeUp(arrange(), cal)).toBeNull();
  });
});

describe('nextReminder: a reminder interval of coverage time later, inside the window', () => {
  it.each([
    ['Monday 09:00 + 2h is Monday 11:00', '2026-11-23T09:00', '2026-11-23T11:00'],
    ['Friday 23:00 + 2h skips the weekend: Monday 01:00', '2026-11-27T23:00', '2026-11-30T01:00'],
    ['Friday 22:00 + 2h lands on the closing instant, so waits for Monday 00:00', '2026-11-27T22:00', '2026-11-30T00:00'],
    ['Saturday noon + 2h is Monday 02:00', '2026-11-28T12:00', '2026-11-30T02:00'],
  ])('%s', (_name, from, expected) => {
    expect(show(nextReminder(cal, at(from), 2 * HOUR))).toBe(expected);
  });
});

describe('onTimersDue', () => {
  it('warns once, at the warning point, naming the deadline and the coverage left, and mentions the tier', () => {
    const { state, effects } = due(open(), MONDAY_9 + 3 * HOUR);
    const note = 'first response at Tier 2 due Mon 13:00 UTC — 1h of coverage left';
    expect(events(effects)).toEqual([['thread_reply', 'sla_warning', note, ['tier2-group']]]);
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + 3 * HOUR, actor: 'tierflow', action: 'sla_warning', note });
    expect(state.clocks.map((c) => c.warned)).toEqual([true, false]);
    expect(due(state, MONDAY_9 + 3 * HOUR + MINUTE).effects).toEqual([]);
  });

  it('does nothing before anything is due', () => {
    const state = open();
    expect(due(state, MONDAY_9 + 3 * HOUR - 1)).toEqual({ state, effects: [], events: [] });
  });

  it('does nothing for a request that has ended', () => {
    const resolved = act(open(), 'resolve').state;
    const late = { ...resolved, nextReminderAt: MONDAY_9 }; // a reminder left over must not fire
    expect(due(late, MONDAY_9 + 5 * HOUR)).toEqual({ state: late, effects: [], events: [] });
  });

  it('warns with no coverage left and breaches at once when a priority change moved the target into the past', () => {
    const raised = act(open(), 'priority', { priority: 'P1' }, MONDAY_9 + HOUR).state; // 30m target, 1h spent
    const { state, effects } = due(raised, MONDAY_9 + HOUR);
    expect(events(effects)[0]).toEqual(['thread_reply', 'sla_warning', 'first response at Tier 2 due Mon 09:30 UTC — 0s of coverage left', ['tier2-group']]);
    expect(state).toMatchObject({ tier: 3, slaBreached: true });
    expect(state.timeline.map((e) => e.action).slice(-3)).toEqual(['sla_warning', 'sla_breached', 'escalated']);
  });

  it('escalates one tier on a breach, naming every clock that breached', () => {
    const both = open();
    const tight = { ...both, clocks: both.clocks.map((c) => ({ ...c, targetMs: HOUR, warned: true })) };
    const { state, effects } = due(tight, MONDAY_9 + HOUR);
    const reason = 'first response and resolution SLA breached at Tier 2';
    expect(state.timeline.slice(-2)).toEqual([
      { at: MONDAY_9 + HOUR, actor: 'tierflow', action: 'sla_breached', note: reason },
      { at: MONDAY_9 + HOUR, actor: 'tierflow', action: 'escalated', note: `Tier 2 → Tier 3: ${reason}` },
    ]);
    expect(events(effects)).toEqual([
      ['open_tracker_issue', undefined, undefined, undefined],
      ['thread_reply', 'escalated', reason, ['tier3-group', 'sysowners-okta-sso']],
      ['sync_tracker', 'escalated', reason, ['corp/tier3', 'gitlab-com/gl-security/corp/sys/okta']],
    ]);
    expect(state.nextReminderAt).toBeNull();
  });

  it('escalates past Tier 3 without opening a second tracker issue', () => {
    const atTier3 = act(open(), 'escalate', { note: 'needs an engineer' }).state;
    const withIssue = { ...atTier3, links: { ...atTier3.links, gitlabIssueIid: 7, gitlabIssue: 'https://gitlab.example.com/t/-/issues/7' } };
    const warned = { ...withIssue, clocks: withIssue.clocks.map(markWarned) };
    const { state, effects } = due(warned, nextWakeUp(warned, cal)!.at);
    expect(state.tier).toBe(4);
    expect(events(effects)).toEqual([
      ['thread_reply', 'escalated', 'first response SLA breached at Tier 3', ['tier4-group']],
      ['sync_tracker', 'escalated', 'first response SLA breached at Tier 3', ['corp/tier4']],
    ]);
  });

  it('at Tier 5 a breach starts reminders instead of escalating', () => {
    const warned = due(crisis(), MONDAY_9 + 90 * MINUTE).state;
    const { state, effects } = due(warned, MONDAY_9 + 2 * HOUR);
    expect(state).toMatchObject({ tier: 5, slaBreached: true, nextReminderAt: MONDAY_9 + 4 * HOUR, remindersSent: 0 });
    expect(state.clocks.map((c) => [c.state, c.breachedAt])).toEqual([
      ['breached', MONDAY_9 + 2 * HOUR],
      ['running', null],
    ]);
    expect(events(effects)).toEqual([
      ['thread_reply', 'sla_breached', 'first response SLA breached at Tier 5', ['tier5-group']],
      ['sync_tracker', 'sla_breached', 'first response SLA breached at Tier 5', ['corp/tier5']],
    ]);
    expect(nextWakeUp(state, cal)).toEqual({ at: MONDAY_9 + 4 * HOUR, summary: 'breach reminder #1' });
  });

  it('reminds of a breach at Tier 5 with the overdue coverage time, every interval', () => {
    const { state, effects } = due(breachedAtTier5(), MONDAY_9 + 4 * HOUR);
    const note = '2h of coverage time overdue';
    expect(state).toMatchObject({ remindersSent: 1, nextReminderAt: MONDAY_9 + 6 * HOUR });
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + 4 * HOUR, actor: 'tierflow', action: 'reminder', note });
    expect(events(effects)).toEqual([
      ['thread_reply', 'reminder', note, ['tier5-group']],
      ['sync_tracker', 'reminder', note, ['corp/tier5']],
    ]);
    expect(due(state, MONDAY_9 + 6 * HOUR - 1).effects).toEqual([]);
  });

  it('a reminder names the most overdue clock', () => {
    const breached = breachedAtTier5();
    const both = {
      ...breached,
      clocks: breached.clocks.map((c) => ({ ...c, state: 'breached' as const, targetMs: c.kind === 'resolution' ? HOUR : c.targetMs })),
    };
    expect(due(both, MONDAY_9 + 4 * HOUR).state.timeline.at(-1)?.note).toBe('3h of coverage time overdue');
  });

  it('a reminder with no breached clock left still says the SLA was breached', () => {
    const breached = breachedAtTier5();
    const cleared = { ...breached, clocks: breached.clocks.map((c) => ({ ...c, state: 'running' as const, warned: true, targetMs: 100 * HOUR })) };
    expect(due(cleared, MONDAY_9 + 4 * HOUR).state.timeline.at(-1)?.note).toBe('SLA breached');
  });

  it('sends no reminder while the request waits on the requester, and the one due as soon as they reply', () => {
    const paused = act(breachedAtTier5(), 'pause', { actor: 'U0ENG', note: 'need logs' }, MONDAY_9 + 3 * HOUR).state;
    expect(nextWakeUp(paused, cal)).toBeNull();
    expect(due(paused, MONDAY_9 + 4 * HOUR)).toEqual({ state: paused, effects: [], events: [] });
    const replied = act(paused, 'comment', { actor: 'ada@example.com', note: 'logs attached' }, MONDAY_9 + 24 * HOUR).state;
    expect(nextWakeUp(replied, cal)).toEqual({ at: MONDAY_9 + 4 * HOUR, summary: 'breach reminder #1' });
    const { state } = due(replied, MONDAY_9 + 24 * HOUR);
    expect(state.timeline.at(-1)).toMatchObject({ action: 'reminder', note: '1h of coverage time overdue' }); // 3h counted before the pause, 2h target
    expect(state.nextReminderAt).toBe(MONDAY_9 + 26 * HOUR);
  });
});
