/**
 * The request state machine without Temporal: actions, refusals, clocks, escalation and effects.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { applyAction, refusal, type ActionArgs, type ActionName } from '../../domain/request-actions.js';
import { nextWakeUp, onTimersDue } from '../../domain/request-timers.js';
import { openRequest, TIMELINE_LIMIT, TIMELINE_NOTE_CHARS, upgradeState, type RequestState } from '../../domain/request.js';
import { clockDueAt, remainingCoverage } from '../../domain/sla-clock.js';
import { describeState } from '../../domain/status-view.js';
import { act, ctxAt, FRIDAY_22, HOUR, MONDAY_9, okta, open } from './support/requests.js';

describe('opening a request', () => {
  it('stands at Tier 2 with first-response and resolution clocks, and posts the thread mentioning the shift', () => {
    const decision = openRequest(
      { id: 'req-1', requester: { email: 'a@example.com' }, summary: 's', type: 'question', system: null, startTier: 1, mentions: ['it-helpdesk-emea'] },
      ctxAt(MONDAY_9),
    );
    expect(decision.state).toMatchObject({ tier: 2, status: 'open', priority: 'P3' });
    expect(decision.state.clocks.map((c) => [c.kind, c.targetMs])).toEqual([
      ['first_response', 8 * HOUR],
      ['resolution', 5 * 24 * HOUR],
    ]);
    expect(decision.effects).toEqual([{ id: 'req-1#1', kind: 'post_thread', mentions: ['it-helpdesk-emea'] }]);
  });

  it.each([
    ['change', 3],
    ['crisis', 5],
  ] as const)('opens a %s request at Tier %i with its tracker issue', (type, tier) => {
    const decision = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', type, system: okta, startTier: tier, mentions: [] },
      ctxAt(MONDAY_9),
    );
    expect(decision.state.tier).toBe(tier);
    expect(decision.effects.map((e) => e.kind)).toEqual(['post_thread', 'open_tracker_issue']);
  });
});

describe('timers', () => {
  it('breaches a P2 request opened Friday 22:00 UTC on Monday 02:00 UTC, not over the weekend', () => {
    const state = open(FRIDAY_22);
    const wake = nextWakeUp(state, DEFAULT_CALENDAR)!;
    expect(new Date(wake.at).toISOString()).toBe('2026-11-30T01:00:00.000Z'); // warning at 75% of 4h
    const warned = onTimersDue(state, ctxAt(wake.at));
    expect(warned.effects.map((e) => e.kind === 'thread_reply' && e.event)).toEqual(['sla_warning']);
    const breach = nextWakeUp(warned.state, DEFAULT_CALENDAR)!;
    expect(new Date(breach.at).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(breach.summary).toBe('SLA breach: first response, Tier 2');
    const escalated = onTimersDue(warned.state, ctxAt(breach.at));
    expect(escalated.state).toMatchObject({ tier: 3, slaBreached: true, status: 'open' });
    expect(escalated.effects.map((e) => e.kind)).toEqual(['open_tracker_issue', 'thread_reply', 'sync_tracker']);
    expect(escalated.state.timeline.map((e) => e.action)).toEqual(['opened', 'sla_warning', 'sla_breached', 'escalated']);
  });

  it('walks 2 → 3 → 4 → 5 on breaches, then reminds every interval inside the coverage window only', () => {
    let state = open(MONDAY_9, { priority: 'P1' });
    const tiers: number[] = [];
    for (let i = 0; i < 12 && state.tier < 5; i += 1) {
      const wake = nextWakeUp(state, DEFAULT_CALENDAR)!;
      state = onTimersDue(state, ctxAt(wake.at)).state;
      tiers.push(state.tier);
    }
    expect([...new Set(tiers)]).toEqual([2, 3, 4, 5]);
    const reminders: number[] = [];
    for (let i = 0; i < 40 && reminders.length < 30; i += 1) {
      const wake = nextWakeUp(state, DEFAULT_CALENDAR)!;
      const next = onTimersDue(state, ctxAt(wake.at));
      if (next.effects.some((e) => e.kind === 'thread_reply' && e.event === 'reminder')) reminders.push(wake.at);
      state = next.state;
    }
    expect(reminders.length).toBe(30);
    for (const at of reminders) expect([1, 2, 3, 4, 5]).toContain(new Date(at).getUTCDay()); // never Sat/Sun
    expect(state.remindersSent).toBe(30);
  });

  it('keeps elapsed coverage time when the priority changes mid-flight', () => {
    const state = open(MONDAY_9); // P2: 4h first response
    const changed = act(state, 'priority', { priority: 'P1' }, MONDAY_9 + HOUR); // P1: 30m → already past
    const due = changed.state.clocks.find((c) => c.kind === 'first_response')!;
    expect(due.targetMs).toBe(30 * 60_000);
    expect(nextWakeUp(changed.state, DEFAULT_CALENDAR)!.at).toBeLessThanOrEqual(MONDAY_9 + HOUR);
    const slower = act(state, 'priority', { priority: 'P3' }, MONDAY_9 + HOUR); // P3: 8h, 1h elapsed → due 16:00
    const first = slower.state.clocks.find((c) => c.kind === 'first_response')!;
    expect(clockDueAt(first, DEFAULT_CALENDAR)).toBe(MONDAY_9 + 8 * HOUR); // from creation, 1h already spent
    expect(remainingCoverage(first, DEFAULT_CALENDAR, MONDAY_9 + HOUR)).toBe(7 * HOUR);
  });
});

describe('actions', () => {
  it.each<[string, (s: RequestState) => RequestState, ActionName, Partial<ActionArgs>, RegExp]>([
    ['resolving twice', (s) => act(s, 'resolve').state, 'resolve', {}, /already resolved/],
    ['acknowledging twice', (s) => act(s, 'acknowledge').state, 'acknowledge', {}, /already acknowledged by grace/],
    ['resuming a request that is not paused', (s) => s, 'resume', {}, /not waiting on the requester/],
    ['escalating without a reason', (s) => s, 'escalate', {}, /needs a reason/],
    ['escalating past Tier 5', (s) => ({ ...s, tier: 5 }), 'escalate', { note: 'x' }, /already at Tier 5/],
    ['an empty comment', (s) => s, 'comment', { note: ' ' }, /needs a note/],
    ['an unknown priority', (s) => s, 'priority', { priority: 'P9' as 'P1' }, /one of P1, P2, P3, P4/],
    ['reassigning to an unknown system', (s) => s, 'reassign', { system: 'nope' }, /unknown system nope/],
    ['self-service at Tier 3', (s) => ({ ...s, tier: 3 }), 'solved', {}, /Tier 3/],
    ['reopening an open request', (s) => s, 'reopen', {}, /cannot reopen: request is open/],
    ['commenting on a cancelled request', (s) => act(s, 'cancel', { reason: 'duplicate' }).state, 'comment', { note: 'hi' }, /already cancelled/],
    ['an action without an actor', (s) => s, 'acknowledge', { actor: '' }, /actor is required/],
  ])('refuses %s with a clear message', (_name, arrange, action, args, message) => {
    const state = arrange(open());
    const why = refusal(state, action, { actor: 'grace', ...args }, ctxAt(MONDAY_9 + 2 * HOUR));
    expect(why).toMatch(message);
    expect(() => applyAction(state, action, { actor: 'grace', ...args }, ctxAt(MONDAY_9 + 2 * HOUR))).toThrow(message);
  });

  it('pauses clocks while waiting on the requester and resumes them when the requester replies', () => {
    const paused = act(open(), 'pause', {}, MONDAY_9 + HOUR).state;
    expect(paused.status).toBe('waiting_on_requester');
    expect(nextWakeUp(paused, DEFAULT_CALENDAR)).toBeNull();
    const replied = applyAction(paused, 'comment', { actor: 'ada@example.com', note: 'here is the screenshot', source: 'slack' }, ctxAt(MONDAY_9 + 30 * HOUR));
    expect(replied.state.status).toBe('open');
    const first = replied.state.clocks.find((c) => c.kind === 'first_response')!;
    expect(first.elapsedMs).toBe(HOUR);
    expect(replied.effects.some((e) => e.kind === 'thread_reply')).toBe(false); // not echoed back to Slack
  });

  it('counts a public engineer comment as the first response, but not the requester’s', () => {
    const byRequester = applyAction(open(), 'comment', { actor: 'U1', note: 'any news?' }, ctxAt(MONDAY_9 + HOUR));
    expect(byRequester.state.clocks[0]!.state).toBe('running');
    const byEngineer = act(open(), 'comment', { note: 'on it' });
    expect(byEngineer.state.clocks[0]!.state).toBe('met');
  });

  it('reopens inside the reopen window with fresh clocks, and not after it', () => {
    const resolved = act(open(), 'resolve', { note: 'fixed' }, MONDAY_9 + HOUR).state;
    expect(resolved.clocks.every((c) => c.state === 'met')).toBe(true);
    const reopened = applyAction(resolved, 'reopen', { actor: 'ada@example.com', note: 'broken again' }, ctxAt(MONDAY_9 + 2 * 24 * HOUR));
    expect(reopened.state).toMatchObject({ status: 'open', resolution: null });
    expect(reopened.state.clocks.map((c) => c.state)).toEqual(['running', 'running']);
    expect(refusal(resolved, 'reopen', { actor: 'ada' }, ctxAt(MONDAY_9 + 8 * 24 * HOUR))).toMatch(/reopen window closed at/);
  });

  it('records actor, time and note of every action in the timeline', () => {
    let state = open();
    state = act(state, 'acknowledge', { note: 'looking' }, MONDAY_9 + HOUR).state;
    state = act(state, 'reassign', { system: 'aws' }, MONDAY_9 + 2 * HOUR).state;
    state = act(state, 'escalate', { note: 'needs an engineer' }, MONDAY_9 + 3 * HOUR).state;
    state = act(state, 'cancel', { reason: 'duplicate', note: 'see req-0' }, MONDAY_9 + 4 * HOUR).state;
    expect(state.timeline.slice(1)).toEqual([
      { at: MONDAY_9 + HOUR, actor: 'grace', action: 'acknowledge', note: 'looking' },
      { at: MONDAY_9 + 2 * HOUR, actor: 'grace', action: 'reassign', note: 'okta-sso → aws' },
      { at: MONDAY_9 + 3 * HOUR, actor: 'grace', action: 'escalated', note: 'Tier 2 → Tier 3: needs an engineer' },
      { at: MONDAY_9 + 4 * HOUR, actor: 'grace', action: 'cancel', note: 'duplicate: see req-0' },
    ]);
    expect(state.system?.id).toBe('aws');
    expect(state.status).toBe('cancelled');
  });

  it('resolves as self-served from Tier 2', () => {
    const solved = act(open(), 'solved', { actor: 'ada@example.com' });
    expect(solved.state).toMatchObject({ status: 'resolved', resolution: 'self_served' });
    expect(solved.effects.map((e) => e.kind === 'thread_reply' && e.event)).toEqual(['self_served']);
  });

  it('gives every effect a unique id that survives across decisions', () => {
    const a = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', type: 'change', system: okta, startTier: 3, mentions: [] },
      ctxAt(MONDAY_9),
    );
    const b = act(a.state, 'acknowledge');
    const ids = [...a.effects, ...b.effects].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['r#1', 'r#2', 'r#3', 'r#4']);
  });
});

describe('a bounded state, whatever users send', () => {
  const TEN_KB = 'x'.repeat(10_000);

  it('keeps the opening entry and the latest ones after thousands of 10 KB comments, with exact counts', () => {
    let state = open();
    for (let i = 0; i < 3_000; i += 1) state = act(state, 'comment', { actor: `U${i}`, note: TEN_KB }, MONDAY_9 + i).state;
    expect(state.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(state.timeline[0]!.action).toBe('opened');
    expect(state.timeline.at(-1)).toMatchObject({ actor: 'U2999', action: 'comment' });
    expect(state.timeline.every((e) => (e.note?.length ?? 0) <= TIMELINE_NOTE_CHARS)).toBe(true);
    expect(state.timelineTotal).toBe(3_001);
    expect(state.timelineCounts).toEqual({ opened: 1, comment: 3_000 });
    expect(JSON.stringify(state).length).toBeLessThan(30_000);
    // and it still acts
    expect(act(state, 'acknowledge', {}, MONDAY_9 + 4_000).state.status).toBe('acknowledged');
  });

  it('refuses an actor or a cancel reason too long to keep', () => {
    expect(refusal(open(), 'comment', { actor: 'a'.repeat(201), note: 'hi' }, ctxAt(MONDAY_9))).toMatch(/actor must be at most 200/);
    expect(refusal(open(), 'cancel', { actor: 'grace', reason: 'r'.repeat(201) }, ctxAt(MONDAY_9))).toMatch(/reason must be text of at most 200/);
    expect(refusal(open(), 'comment', { actor: 'grace', note: TEN_KB + 'x' }, ctxAt(MONDAY_9))).toMatch(/at most 10,000/);
  });

  it('bounds a long timeline carried over continue-as-new by an earlier version, counting what it held', () => {
    const fresh = open();
    const { timelineTotal: _t, timelineCounts: _c, ...legacy } = fresh;
    const long = Array.from({ length: 500 }, (_, i) => ({ at: MONDAY_9 + i, actor: 'U1', action: 'comment', note: TEN_KB }));
    const upgraded = upgradeState({ ...legacy, timeline: [fresh.timeline[0]!, ...long] } as RequestState);
    expect(upgraded.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(upgraded.timeline[0]!.action).toBe('opened');
    expect(upgraded.timelineTotal).toBe(501);
    expect(upgraded.timelineCounts).toEqual({ opened: 1, comment: 500 });
    expect(upgradeState(upgraded)).toBe(upgraded);
  });
});

describe('the human-readable details', () => {
  it('says the tier, what it waits for and when it is due', () => {
    expect(describeState(open(FRIDAY_22), DEFAULT_CALENDAR)).toBe('Tier 2 — waiting for first response, due Mon 02:00 UTC');
    expect(describeState(act(open(), 'pause').state, DEFAULT_CALENDAR)).toBe('Tier 2 — waiting on the requester (clocks paused)');
  });
});

describe('who may act from Slack', () => {
  // ctxAt's contacts: tier2-group … tier5-group; okta's owners: sysowners-okta-sso; the requester is U1.
  const slack = (actor: string, actorGroups: string[] = []): ActionArgs => ({ actor, source: 'slack', actorGroups });
  const at2 = () => open();
  const escalated = () => act(open(), 'escalate', { note: 'needs an engineer' }).state;

  it.each([
    [
      'a stranger',
      slack('U0STRANGER'),
      at2,
      'escalate',
      /only members of @tier2-group, @tier3-group, @tier4-group, @tier5-group, @sysowners-okta-sso or the assignee can escalate/,
    ],
    ['a stranger', slack('U0STRANGER'), at2, 'acknowledge', /only members/],
    ['a stranger', slack('U0STRANGER'), at2, 'resolve', /only members/],
    ['a stranger', slack('U0STRANGER'), at2, 'pause', /only members/],
    ['the requester', slack('U1'), at2, 'escalate', /only members/],
    ['a Tier 2 analyst at Tier 3', slack('U0ANA', ['tier2-group']), escalated, 'resolve', /only members of @tier3-group/],
    ['a Tier 2 analyst', slack('U0ANA', ['tier2-group']), at2, 'solved', /only the requester can mark this request solved/],
    ['a stranger', slack('U0STRANGER'), at2, 'solved', /only the requester/],
  ] as const)('refuses %s: %s', (_who, args, state, action, why) => {
    expect(refusal(state(), action as ActionName, args, ctxAt(MONDAY_9 + HOUR))).toMatch(why);
  });

  it.each([
    ['a member of the tier’s group', slack('U0ANA', ['tier2-group']), at2, 'escalate'],
    ['a member of a higher tier’s group', slack('U0ENG', ['Tier3-Group']), at2, 'acknowledge'],
    ['a system owner', slack('U0OWN', ['@sysowners-okta-sso']), escalated, 'resolve'],
    ['the requester', slack('U1'), at2, 'solved'],
    ['anyone, for a comment', { ...slack('U0STRANGER'), note: 'me too' }, at2, 'comment'],
    ['an API caller (the operators’ token)', { actor: 'grace', source: 'api' as const }, at2, 'escalate'],
    ['a Temporal UI signal (an operator)', { actor: 'ops' }, at2, 'resolve'],
  ] as const)('allows %s', (_who, args, state, action) => {
    const withNote = action === 'escalate' ? { ...args, note: 'why' } : args;
    expect(refusal(state(), action as ActionName, withNote, ctxAt(MONDAY_9 + HOUR))).toBeNull();
  });

  it('lets the assignee act whatever their groups', () => {
    const acked = act(open(), 'acknowledge', { actor: 'U0GRACE' }).state;
    expect(refusal(acked, 'resolve', slack('U0GRACE'), ctxAt(MONDAY_9 + 2 * HOUR))).toBeNull();
  });

  it('lets only the requester reopen from Slack, and resume a request waiting on them', () => {
    const resolved = act(open(), 'resolve').state;
    expect(refusal(resolved, 'reopen', slack('U0STRANGER', ['tier2-group']), ctxAt(MONDAY_9 + 2 * HOUR))).toMatch(/only the requester can reopen/);
    expect(refusal(resolved, 'reopen', slack('U1'), ctxAt(MONDAY_9 + 2 * HOUR))).toBeNull();
    const paused = act(open(), 'pause').state;
    expect(refusal(paused, 'resume', slack('U1'), ctxAt(MONDAY_9 + 2 * HOUR))).toBeNull();
    expect(refusal(paused, 'resume', slack('U0STRANGER'), ctxAt(MONDAY_9 + 2 * HOUR))).toMatch(/only members/);
  });

  it('throws from applyAction for a refused click, so nothing changes', () => {
    expect(() => applyAction(open(), 'escalate', { ...slack('U0STRANGER'), note: 'x' }, ctxAt(MONDAY_9 + HOUR))).toThrow(/only members/);
  });
});

describe('opening a request, in detail', () => {
  it('records who opened it, at which tier and priority, and links the Slack message and tracker issue it came from', () => {
    const { state, effects } = openRequest(
      {
        id: 'req-9',
        requester: { email: 'bo@example.com' },
        summary: 'Rotate the key',
        type: 'change',
        system: okta,
        startTier: 3,
        mentions: ['tier3-group'],
        priority: 'P1',
        gitlabIssue: { iid: 12, url: 'https://gitlab.example.com/t/-/issues/12', projectId: 4 },
        slackMessage: { channel: 'C1', ts: '1.2' },
      },
      ctxAt(MONDAY_9),
    );
    expect(state).toMatchObject({
      tier: 3,
      priority: 'P1',
      status: 'open',
      description: '',
      createdAt: MONDAY_9,
      slaBreached: false,
      nextReminderAt: null,
      remindersSent: 0,
      resolvedAt: null,
    });
    expect(state.links).toEqual({
      slackChannel: 'C1',
      slackTs: '1.2',
      statusTs: null,
      slackThread: null,
      gitlabIssueIid: 12,
      gitlabProjectId: 4,
      gitlabIssue: 'https://gitlab.example.com/t/-/issues/12',
    });
    expect(state.timeline).toEqual([{ at: MONDAY_9, actor: 'bo@example.com', action: 'opened', note: 'Tier 3, P1' }]);
    expect(state.timelineCounts).toEqual({ opened: 1 });
    expect(state.timelineTotal).toBe(1);
    expect(effects).toEqual([{ id: 'req-9#1', kind: 'post_thread', mentions: ['tier3-group'] }]); // the issue exists already
  });

  it('opens the tracker issue of a change request that starts at Tier 3, saying why', () => {
    const { effects, state } = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', description: 'details', type: 'change', system: okta, startTier: 3, mentions: [] },
      ctxAt(MONDAY_9),
    );
    expect(effects[1]).toEqual({ id: 'r#2', kind: 'open_tracker_issue', reason: 'change request starts at Tier 3' });
    expect(state.description).toBe('details');
    expect(state.links).toMatchObject({ slackChannel: null, slackTs: null, gitlabIssueIid: null, gitlabProjectId: null, gitlabIssue: null });
  });

  it('starts a Tier 2 request at Tier 2 with no tracker issue', () => {
    const { state, effects } = openRequest(
      { id: 'r', requester: { email: 'a@example.com' }, summary: 's', type: 'access', system: okta, startTier: 2, mentions: [] },
      ctxAt(MONDAY_9),
    );
    expect(state.tier).toBe(2);
    expect(effects.map((e) => e.kind)).toEqual(['post_thread']);
  });
});

describe('escalation', () => {
  it('pages only the system owners at Tier 3 when no group stands behind the tier', () => {
    const noTier3 = { ...ctxAt(MONDAY_9 + HOUR), contacts: ctxAt(0).contacts.filter((c) => c.tier !== 3) };
    const { effects } = applyAction(open(), 'escalate', { actor: 'grace', note: 'needs an engineer' }, noTier3);
    expect(effects.find((e) => e.kind === 'thread_reply')).toMatchObject({ event: 'escalated', mentions: ['sysowners-okta-sso'] });
    expect(effects.find((e) => e.kind === 'sync_tracker')).toMatchObject({ event: 'escalated', mentions: ['gitlab-com/gl-security/corp/sys/okta'] });
  });

  it('mentions nobody at Tier 4 when no group stands behind it', () => {
    const atTier3 = act(open(), 'escalate', { note: 'needs an engineer' }).state;
    const noTier4 = { ...ctxAt(MONDAY_9 + 2 * HOUR), contacts: ctxAt(0).contacts.filter((c) => c.tier !== 4) };
    const { effects } = applyAction(atTier3, 'escalate', { actor: 'grace', note: 'automate it' }, noTier4);
    expect(effects.find((e) => e.kind === 'thread_reply')).toMatchObject({ event: 'escalated', mentions: [] });
    expect(effects.find((e) => e.kind === 'sync_tracker')).toMatchObject({ event: 'escalated', mentions: [] });
  });

  it('from Tier 2 of a request that came from a tracker issue opens no second issue, and updates it', () => {
    const fromGitLab = open(MONDAY_9, { gitlabIssue: { iid: 5, url: 'https://gitlab.example.com/t/-/issues/5' } });
    const { effects } = act(fromGitLab, 'escalate', { note: 'needs an engineer' });
    expect(effects.map((e) => e.kind)).toEqual(['thread_reply', 'sync_tracker']);
  });

  it('a request at Tier 2 with a tracker issue announces everything there too', () => {
    const fromGitLab = open(MONDAY_9, { gitlabIssue: { iid: 5, url: 'https://gitlab.example.com/t/-/issues/5' } });
    expect(act(fromGitLab, 'acknowledge').effects.map((e) => e.kind)).toEqual(['thread_reply', 'sync_tracker']);
    expect(act(open(), 'acknowledge').effects.map((e) => e.kind)).toEqual(['thread_reply']);
  });

  it('unassigns the request, starts the new tier’s clocks and ends any reminder', () => {
    const acked = { ...act(open(), 'acknowledge').state, nextReminderAt: MONDAY_9 + 5 * HOUR };
    const { state } = act(acked, 'escalate', { note: 'needs an engineer' }, MONDAY_9 + 2 * HOUR);
    expect(state).toMatchObject({ tier: 3, status: 'open', assignee: null, nextReminderAt: null });
    expect(state.clocks.map((c) => [c.kind, c.tier, c.state, c.startedAt, c.targetMs])).toEqual([
      ['first_response', 3, 'running', MONDAY_9 + 2 * HOUR, 8 * HOUR],
      ['resolution', 3, 'running', MONDAY_9 + 2 * HOUR, 3 * 24 * HOUR],
    ]);
  });

  it('while waiting on the requester keeps waiting, with the new tier’s clocks paused until they reply', () => {
    const paused = act(act(open(), 'acknowledge').state, 'pause', {}, MONDAY_9 + HOUR).state;
    const { state } = act(paused, 'escalate', { note: 'needs an engineer' }, MONDAY_9 + 2 * HOUR);
    expect(state).toMatchObject({ tier: 3, status: 'waiting_on_requester', statusBeforePause: 'open', assignee: null });
    expect(state.clocks.map((c) => c.state)).toEqual(['paused', 'paused']);
    expect(nextWakeUp(state, DEFAULT_CALENDAR)).toBeNull();
    const replied = applyAction(state, 'comment', { actor: 'ada@example.com', note: 'done' }, ctxAt(MONDAY_9 + 5 * HOUR)).state;
    expect(replied.status).toBe('open');
    expect(clockDueAt(replied.clocks[0]!, DEFAULT_CALENDAR)).toBe(MONDAY_9 + 13 * HOUR); // 8h from the reply
  });
});

describe('the timeline', () => {
  const note = (length: number) => `${'word '.repeat(Math.ceil(length / 5))}`.slice(0, length);

  it.each([
    ['a note of 300 characters is kept whole', 300, 300, false],
    ['a note of 301 characters is cut to 300 with an ellipsis', 301, 300, true],
  ])('%s', (_name, length, kept, cut) => {
    const text = 'x'.repeat(length);
    const entry = act(open(), 'comment', { note: text }).state.timeline.at(-1)!;
    expect(entry.note).toHaveLength(kept);
    expect(entry.note!.endsWith('…')).toBe(cut);
  });

  it('cuts a note at a space without leaving the space before the ellipsis', () => {
    const text = `${'x'.repeat(298)} ${'y'.repeat(50)}`;
    expect(act(open(), 'comment', { note: text }).state.timeline.at(-1)!.note).toBe(`${'x'.repeat(298)}…`);
    expect(act(open(), 'comment', { note: note(400) }).state.timeline.at(-1)!.note).toBe(`${note(299)}…`);
  });

  it('keeps all of exactly TIMELINE_LIMIT entries, then drops the oldest after the opening one', () => {
    let state = open();
    for (let i = 1; i < TIMELINE_LIMIT; i += 1) state = act(state, 'comment', { note: `c${i}` }, MONDAY_9 + i).state;
    expect(state.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(state.timeline[1]!.note).toBe('c1');
    state = act(state, 'comment', { note: `c${TIMELINE_LIMIT}` }, MONDAY_9 + TIMELINE_LIMIT).state;
    expect(state.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(state.timeline.map((e) => e.note)).toEqual(['Tier 2, P2', ...Array.from({ length: TIMELINE_LIMIT - 1 }, (_, i) => `c${i + 2}`)]);
  });

  it('an earlier state with a short timeline is upgraded with its counts and notes cut', () => {
    const fresh = open();
    const { timelineTotal: _t, timelineCounts: _c, ...legacy } = fresh;
    const upgraded = upgradeState({
      ...legacy,
      timeline: [fresh.timeline[0]!, { at: MONDAY_9 + 1, actor: 'U1', action: 'comment', note: 'y'.repeat(500) }],
    } as RequestState);
    expect(upgraded.timeline).toHaveLength(2);
    expect(upgraded.timeline[1]!.note).toHaveLength(TIMELINE_NOTE_CHARS);
    expect(upgraded.timelineTotal).toBe(2);
    expect(upgraded.timelineCounts).toEqual({ opened: 1, comment: 1 });
  });

  it('an earlier state with totals but no counts is upgraded too', () => {
    const { timelineCounts: _c, ...partial } = open();
    expect(upgradeState(partial as RequestState).timelineCounts).toEqual({ opened: 1 });
  });

  it('an earlier state with counts but no total is upgraded too', () => {
    const { timelineTotal: _t, ...partial } = open();
    expect(upgradeState(partial as RequestState).timelineTotal).toBe(1);
  });
});
