/**
 * Engineer and requester actions one by one: what `refusal` says at each boundary, who may act from
 * Slack, and what `applyAction` records, stops, restarts and announces.
 */
import { describe, expect, it } from 'vitest';

import {
  ACTIONS,
  applyAction,
  isRequester,
  MAX_ACTOR_CHARS,
  MAX_NOTE_CHARS,
  refusal,
  slackPermission,
  type ActionArgs,
  type ActionName,
} from '../../domain/request-actions.js';
import { onTimersDue } from '../../domain/request-timers.js';
import type { RequestState } from '../../domain/request.js';
import { DEFAULT_SLA_POLICY } from '../../domain/sla-policy.js';
import { act, aws, ctxAt, DAY, HOUR, MINUTE, MONDAY_9, okta, open } from './support/requests.js';

const LATER = MONDAY_9 + 2 * HOUR;
const why = (state: RequestState, action: ActionName, args: Partial<ActionArgs> = {}, at = LATER) =>
  refusal(state, action, { actor: 'grace', ...args }, ctxAt(at));
const events = (effects: ReturnType<typeof act>['effects']) =>
  effects.map((e) => [e.kind, 'event' in e ? e.event : undefined, 'note' in e ? e.note : undefined]);
const clockStates = (state: RequestState) => state.clocks.map((c) => [c.kind, c.state]);
const atTier3 = () => act(open(), 'escalate', { note: 'needs an engineer' }, MONDAY_9 + HOUR).state;

describe('the actions', () => {
  it('are named as updates, signals, HTTP paths and Slack buttons name them', () => {
    expect(ACTIONS).toEqual(['acknowledge', 'resolve', 'solved', 'escalate', 'pause', 'resume', 'comment', 'reopen', 'priority', 'reassign', 'cancel']);
  });
});

describe('refusal checks what every action carries', () => {
  it.each<[string, Partial<ActionArgs>, string | null]>([
    ['an actor of 200 characters is accepted', { actor: 'a'.repeat(MAX_ACTOR_CHARS) }, null],
    ['an actor of 201 characters is refused', { actor: 'a'.repeat(MAX_ACTOR_CHARS + 1) }, 'actor must be at most 200 characters'],
    ['a blank actor is refused', { actor: '   ' }, 'actor is required'],
    ['an actor that is not text is refused', { actor: 42 as unknown as string }, 'actor is required'],
    ['a note of exactly 10,000 characters is accepted', { note: 'n'.repeat(MAX_NOTE_CHARS) }, null],
    ['a note of 10,001 characters is refused', { note: 'n'.repeat(MAX_NOTE_CHARS + 1) }, 'note must be text of at most 10,000 characters'],
    ['a note that is not text is refused', { note: 7 as unknown as string }, 'note must be text of at most 10,000 characters'],
    ['a cancel reason of 200 characters is accepted', { reason: 'r'.repeat(MAX_ACTOR_CHARS) }, null],
    ['a cancel reason of 201 characters is refused', { reason: 'r'.repeat(MAX_ACTOR_CHARS + 1) }, 'reason must be text of at most 200 characters'],
    ['a cancel reason that is not text is refused', { reason: ['spam'] as unknown as string }, 'reason must be text of at most 200 characters'],
  ])('%s', (_name, args, expected) => {
    expect(why(open(), 'cancel', args)).toBe(expected);
  });

  it('refuses arguments that are missing altogether', () => {
    expect(refusal(open(), 'cancel', undefined as unknown as ActionArgs, ctxAt(LATER))).toBe('actor is required');
  });

  it('holds MAX_NOTE_CHARS at 10,000, the number its message names', () => {
    expect(MAX_NOTE_CHARS).toBe(10_000);
    expect(MAX_ACTOR_CHARS).toBe(200);
  });
});

describe('refusal says why an action does not fit the request as it stands', () => {
  const acked = () => act(open(), 'acknowledge').state;
  const paused = () => act(open(), 'pause').state;
  const resolved = () => act(open(), 'resolve').state;

  it.each<[string, () => RequestState, ActionName, Partial<ActionArgs>, string | null]>([
    [
      'acknowledging a request acknowledged by nobody in particular',
      () => ({ ...acked(), assignee: null }),
      'acknowledge',
      {},
      'already acknowledged by someone',
    ],
    ['acknowledging while waiting on the requester', paused, 'acknowledge', {}, 'cannot acknowledge: request is waiting on the requester; resume it first'],
    ['acknowledging an open request', open, 'acknowledge', {}, null],
    ['marking solved at Tier 2', open, 'solved', {}, null],
    ['marking solved at Tier 3', atTier3, 'solved', {}, 'cannot mark solved by self-service: request is at Tier 3; resolve it instead'],
    ['escalating at Tier 4 with a reason', () => ({ ...open(), tier: 4 }), 'escalate', { note: 'crisis' }, null],
    ['escalating at Tier 5', () => ({ ...open(), tier: 5 }), 'escalate', { note: 'crisis' }, 'cannot escalate: request is already at Tier 5'],
    ['escalating with a blank reason', open, 'escalate', { note: '  ' }, 'escalate needs a reason (note)'],
    ['pausing twice', paused, 'pause', {}, 'already waiting on the requester'],
    ['pausing an acknowledged request', acked, 'pause', {}, null],
    ['resuming an acknowledged request', acked, 'resume', {}, 'cannot resume: request is acknowledged, not waiting on the requester'],
    ['resuming a paused request', paused, 'resume', {}, null],
    ['commenting without a note', open, 'comment', {}, 'comment needs a note'],
    ['changing the priority without one', open, 'priority', {}, 'priority must be one of P1, P2, P3, P4'],
    ['changing the priority to the one it has', open, 'priority', { priority: 'P2' }, 'priority is already P2'],
    ['changing the priority to another', open, 'priority', { priority: 'P4' }, null],
    ['reassigning without a system', open, 'reassign', {}, 'unknown system undefined'],
    ['reassigning to the system it has', open, 'reassign', { system: 'okta-sso' }, 'request is already assigned to okta-sso'],
    ['reassigning a request with no system', () => ({ ...open(), system: null }), 'reassign', { system: 'okta-sso' }, null],
    ['resolving an open request', open, 'resolve', {}, null],
    ['acting on a resolved request', resolved, 'comment', { note: 'hi' }, 'cannot comment: request is already resolved'],
    ['acting on a closed request', () => ({ ...resolved(), status: 'closed' }), 'resolve', {}, 'cannot resolve: request is already closed'],
    ['acting on a cancelled request', () => act(open(), 'cancel').state, 'pause', {}, 'cannot pause: request is already cancelled'],
  ])('%s', (_name, arrange, action, args, expected) => {
    expect(why(arrange(), action, args)).toBe(expected);
  });
});

describe('the reopen window', () => {
  const resolvedAt = MONDAY_9 + HOUR;
  const resolved = () => act(open(), 'resolve', {}, resolvedAt).state;
  const closesAt = resolvedAt + DEFAULT_SLA_POLICY.reopenWindowMs; // Mon 30 Nov 10:00 UTC

  it.each<[string, number, string | null]>([
    ['at the instant of resolution', resolvedAt, null],
    ['a millisecond before it closes', closesAt - 1, null],
    ['at the instant it closes (the workflow closes the request then)', closesAt, 'cannot reopen: the reopen window closed at Mon 10:00 UTC'],
    ['after it closed', closesAt + HOUR, 'cannot reopen: the reopen window closed at Mon 10:00 UTC'],
  ])('lets the requester reopen %s, or says when it closed', (_name, now, expected) => {
    expect(why(resolved(), 'reopen', { actor: 'ada@example.com' }, now)).toBe(expected);
  });

  it.each<[string, () => RequestState, string]>([
    ['an open request', open, 'cannot reopen: request is open'],
    ['a cancelled request', () => act(open(), 'cancel').state, 'cannot reopen: request is cancelled'],
    ['a resolved request with no resolution instant', () => ({ ...resolved(), resolvedAt: null }), 'cannot reopen: request is resolved'],
    ['a closed request, even inside the window', () => ({ ...resolved(), status: 'closed' }), 'cannot reopen: request is closed'],
  ])('cannot reopen %s', (_name, arrange, expected) => {
    expect(why(arrange(), 'reopen')).toBe(expected);
  });
});

describe('who the requester is', () => {
  const state = open(MONDAY_9, { requester: { email: 'Ada@Example.com', slackUserId: 'U1ADA', gitlabUsername: 'ada.l' } });

  it.each([
    ['the email, whatever its case', ' ada@example.COM ', true],
    ['the Slack user id', 'u1ada', true],
    ['the GitLab username', 'ADA.L', true],
    ['someone else', 'grace', false],
    ['part of the email', 'ada', false],
  ])('is recognised by %s', (_name, actor, expected) => {
    expect(isRequester(state, actor)).toBe(expected);
  });

  it('is recognised by email alone when the request has no Slack or GitLab identity', () => {
    const emailOnly = open(MONDAY_9, { requester: { email: 'bo@example.com' } });
    expect(isRequester(emailOnly, 'bo@example.com')).toBe(true);
    expect(isRequester(emailOnly, 'U1')).toBe(false);
  });
});

describe('who may act from Slack', () => {
  const slack = (actor: string, actorGroups?: string[]): ActionArgs => ({ actor, source: 'slack', ...(actorGroups ? { actorGroups } : {}) });
  const permission = (state: RequestState, action: ActionName, args: ActionArgs) => slackPermission(state, action, args, ctxAt(LATER));

  it('checks only clicks from Slack', () => {
    for (const source of ['api', 'gitlab', 'temporal-ui'] as const) expect(permission(open(), 'escalate', { actor: 'U0STRANGER', source })).toBeNull();
  });

  it('names every group that may act, with @, once each, highest tiers and the system owners last', () => {
    const state = { ...atTier3(), system: { ...okta, slackOwners: 'tier4-group' } };
    expect(permission(state, 'resolve', slack('U0STRANGER'))).toBe(
      'only members of @tier3-group, @tier4-group, @tier5-group or the assignee can resolve this request at Tier 3',
    );
  });

  it('names no system owners when the request has no system', () => {
    expect(permission({ ...atTier3(), system: null }, 'pause', slack('U0STRANGER', []))).toBe(
      'only members of @tier3-group, @tier4-group, @tier5-group or the assignee can pause this request at Tier 3',
    );
  });

  it.each([
    ['with an @, spaces and capitals', ' @Tier3-Group '],
    ['as configured', 'tier3-group'],
  ])('recognises a group handle written %s', (_name, group) => {
    expect(permission(atTier3(), 'resolve', slack('U0ENG', [group]))).toBeNull();
  });

  it('recognises a system owner group written with an @ in the registry', () => {
    const state = { ...atTier3(), system: { ...okta, slackOwners: '@SysOwners-Okta-SSO' } };
    expect(permission(state, 'resolve', slack('U0OWN', ['sysowners-okta-sso']))).toBeNull();
  });

  it('lets the requester resume but not acknowledge, and the assignee act but not a stranger with the assignee unset', () => {
    const paused = act(open(), 'pause').state;
    expect(permission(paused, 'resume', slack('U1'))).toBeNull();
    expect(permission(open(), 'acknowledge', slack('U1'))).toMatch(/^only members of/);
    expect(permission({ ...open(), assignee: null }, 'acknowledge', slack('U0STRANGER'))).toMatch(/^only members of/);
    expect(permission({ ...open(), assignee: 'U0GRACE' }, 'acknowledge', slack('U0GRACE'))).toBeNull();
    expect(permission({ ...open(), assignee: 'U0GRACE' }, 'acknowledge', slack('U0STRANGER'))).toMatch(/^only members of/);
  });

  it('lets only the requester reopen or mark solved, whatever their groups', () => {
    const resolved = act(open(), 'resolve').state;
    expect(permission(resolved, 'reopen', slack('U0ENG', ['tier5-group']))).toBe('only the requester can reopen this request');
    expect(permission(open(), 'solved', slack('U0ENG', ['tier5-group']))).toBe('only the requester can mark this request solved');
    expect(permission(open(), 'comment', slack('U0STRANGER'))).toBeNull();
  });
});

describe('applyAction', () => {
  it('throws the refusal, so a caller cannot skip the check', () => {
    expect(() => act(open(), 'resume')).toThrow('cannot resume: request is open, not waiting on the requester');
  });

  it('acknowledging assigns the request, answers the first response and announces it', () => {
    const { state, effects } = act(open(), 'acknowledge', { note: '  looking  ' });
    expect(state).toMatchObject({ status: 'acknowledged', assignee: 'grace', slaBreached: false });
    expect(clockStates(state)).toEqual([
      ['first_response', 'met'],
      ['resolution', 'running'],
    ]);
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + HOUR, actor: 'grace', action: 'acknowledge', note: 'looking' });
    expect(events(effects)).toEqual([['thread_reply', 'acknowledged', 'looking']]);
  });

  it('an acknowledgement after the first-response target records the breach, even before the timer fired', () => {
    const { state } = act(open(), 'acknowledge', {}, MONDAY_9 + 5 * HOUR);
    expect(state.slaBreached).toBe(true);
    expect(state.clocks[0]).toMatchObject({ state: 'breached', breachedAt: MONDAY_9 + 4 * HOUR });
  });

  it('a blank note is not recorded or announced', () => {
    const { state, effects } = act(open(), 'acknowledge', { note: '   ' });
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + HOUR, actor: 'grace', action: 'acknowledge' });
    expect(effects).toEqual([{ id: 'req-1#2', kind: 'thread_reply', event: 'acknowledged', mentions: [] }]);
  });

  it.each([
    ['acknowledging', 'acknowledge', {}, 'met'],
    ['commenting', 'comment', { note: 'looking into it' }, 'met'],
    ['resolving', 'resolve', {}, 'met'],
    ['pausing', 'pause', {}, 'paused'],
    ['changing the priority', 'priority', { priority: 'P1' }, 'running'],
    ['reassigning', 'reassign', { system: 'aws' }, 'running'],
  ] as const)('the desk %s: the first response clock is then %j', (_what, action, args, expected) => {
    const before = open();
    const firstResponse = act(before, action, args).state.clocks.find((c) => c.kind === 'first_response' && c.tier === 2);
    expect(firstResponse?.state).toBe(expected);
  });

  it('the desk escalating by hand answers the tier’s first response before the new tier’s clocks start', () => {
    const { events } = act(open(), 'escalate', { note: 'needs an engineer' });
    expect(events[0]).toMatchObject({ kind: 'clock_stopped', tier: 2, clock: 'first_response', outcome: 'met' });
  });

  it('the requester commenting does not answer the first response', () => {
    const { state } = act(open(), 'comment', { actor: 'ada@example.com', note: 'any news?' });
    expect(state.clocks.find((c) => c.kind === 'first_response')?.state).toBe('running');
  });

  it('the requester acknowledging does not answer the first response', () => {
    const { state } = act(open(), 'acknowledge', { actor: 'U1' });
    expect(clockStates(state)).toEqual([
      ['first_response', 'running'],
      ['resolution', 'running'],
    ]);
  });

  it.each([
    ['resolving', 'resolve', 'resolved', 'resolved'],
    ['marking solved', 'solved', 'self_served', 'self_served'],
  ] as const)('%s stops every clock, ends reminders and announces it', (_name, action, resolution, event) => {
    const reminding = { ...open(), nextReminderAt: MONDAY_9 + 3 * HOUR };
    const { state, effects } = act(reminding, action, { actor: 'ada@example.com', note: 'works now' }, MONDAY_9 + HOUR);
    expect(state).toMatchObject({ status: 'resolved', resolution, resolvedAt: MONDAY_9 + HOUR, nextReminderAt: null, slaBreached: false });
    expect(clockStates(state)).toEqual([
      ['first_response', 'met'],
      ['resolution', 'met'],
    ]);
    expect(state.timeline.at(-1)).toMatchObject({ action, note: 'works now' });
    expect(events(effects)).toEqual([['thread_reply', event, 'works now']]);
  });

  it('resolving after the resolution target records the breach', () => {
    const { state } = act(open(), 'resolve', {}, MONDAY_9 + 3 * DAY);
    expect(state.slaBreached).toBe(true);
    expect(clockStates(state)).toEqual([
      ['first_response', 'breached'],
      ['resolution', 'breached'],
    ]);
  });

  it('resolving a request whose breach was recorded earlier keeps it recorded', () => {
    const { state } = act({ ...open(), slaBreached: true }, 'resolve');
    expect(state.slaBreached).toBe(true);
  });

  it('escalating by hand without a reason note is refused; with one it moves up a tier', () => {
    const { state, effects } = act(open(), 'escalate', { note: 'needs an engineer' });
    expect(state.tier).toBe(3);
    expect(state.timeline.at(-1)).toMatchObject({ actor: 'grace', action: 'escalated', note: 'Tier 2 → Tier 3: needs an engineer' });
    expect(events(effects)).toEqual([
      ['open_tracker_issue', undefined, undefined],
      ['thread_reply', 'escalated', 'needs an engineer'],
      ['sync_tracker', 'escalated', 'needs an engineer'],
    ]);
  });

  it('escalating by hand after a clock passed its target records the breach the timer had not yet fired', () => {
    const { state } = act(open(), 'escalate', { note: 'too slow' }, MONDAY_9 + 5 * HOUR);
    expect(state).toMatchObject({ tier: 3, slaBreached: true });
    expect(clockStates(state)).toEqual([
      ['first_response', 'running'],
      ['resolution', 'running'],
    ]);
  });

  it('escalating by hand before any target keeps the record clean', () => {
    expect(act(open(), 'escalate', { note: 'needs an engineer' }).state.slaBreached).toBe(false);
  });

  it('pausing remembers the status to return to and stops the clocks counting', () => {
    const acked = act(open(), 'acknowledge').state;
    const { state, effects } = act(acked, 'pause', { note: 'need a screenshot' }, MONDAY_9 + 2 * HOUR);
    expect(state).toMatchObject({ status: 'waiting_on_requester', statusBeforePause: 'acknowledged' });
    expect(clockStates(state)).toEqual([
      ['first_response', 'met'],
      ['resolution', 'paused'],
    ]);
    expect(events(effects)).toEqual([['thread_reply', 'waiting_on_requester', 'need a screenshot']]);
  });

  it('resuming returns to the status before the pause, with the clocks counting again', () => {
    const paused = act(act(open(), 'acknowledge').state, 'pause', {}, MONDAY_9 + 2 * HOUR).state;
    const { state, effects } = act(paused, 'resume', { note: 'got it' }, MONDAY_9 + 5 * HOUR);
    expect(state).toMatchObject({ status: 'acknowledged', statusBeforePause: null });
    expect(clockStates(state)).toEqual([
      ['first_response', 'met'],
      ['resolution', 'running'],
    ]);
    expect(state.clocks[1]!.runningSince).toBe(MONDAY_9 + 5 * HOUR);
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + 5 * HOUR, actor: 'grace', action: 'resumed', note: 'got it' });
    expect(events(effects)).toEqual([['thread_reply', 'resumed', 'got it']]);
  });

  it.each<[string, RequestState['statusBeforePause']]>([
    ['no remembered status', null],
    ['a remembered status that is no longer active', 'resolved'],
  ])('resuming with %s reopens the request', (_name, before) => {
    const paused = { ...act(open(), 'pause').state, statusBeforePause: before };
    const { state } = act(paused, 'resume', {}, MONDAY_9 + 2 * HOUR);
    expect(state.status).toBe('open');
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + 2 * HOUR, actor: 'grace', action: 'resumed' });
  });

  it.each([
    ['from Slack, not echoed back to the thread', 'slack', []],
    ['by e-mail or API, announced in the thread', 'api', [['thread_reply', 'resumed', 'the requester replied: here it is']]],
  ] as const)('a reply from the requester while waiting on them resumes the request, %s', (_name, source, expected) => {
    const paused = act(open(), 'pause').state;
    const { state, effects } = act(paused, 'comment', { actor: 'ada@example.com', note: 'here it is', source }, MONDAY_9 + 3 * HOUR);
    expect(state.status).toBe('open');
    expect(state.timeline.slice(-2)).toEqual([
      { at: MONDAY_9 + 3 * HOUR, actor: 'ada@example.com', action: 'comment', note: 'here it is' },
      { at: MONDAY_9 + 3 * HOUR, actor: 'ada@example.com', action: 'resumed', note: 'the requester replied' },
    ]);
    expect(events(effects)).toEqual(expected);
  });

  it('the requester resuming from the Slack button is announced in the thread', () => {
    const paused = act(open(), 'pause').state;
    const { effects } = act(paused, 'resume', { actor: 'U1', source: 'slack' }, MONDAY_9 + 3 * HOUR);
    expect(events(effects)).toEqual([['thread_reply', 'resumed', undefined]]);
  });

  it('a Slack reply from the requester at Tier 3 resumes the request on the tracker only', () => {
    const paused = act(atTier3(), 'pause', {}, MONDAY_9 + 2 * HOUR).state;
    const { effects } = act(paused, 'comment', { actor: 'U1', note: 'logs attached', source: 'slack' }, MONDAY_9 + 3 * HOUR);
    expect(events(effects)).toEqual([['sync_tracker', 'resumed', 'the requester replied: logs attached']]);
  });

  it('a comment from someone else while waiting on the requester keeps waiting', () => {
    const paused = act(open(), 'pause').state;
    const { state } = act(paused, 'comment', { note: 'any news?' }, MONDAY_9 + 3 * HOUR);
    expect(state.status).toBe('waiting_on_requester');
  });

  it.each([
    ['from Slack goes to the tracker only', 'slack', [['sync_tracker', 'comment', 'on it']]],
    ['from GitLab goes to the thread only', 'gitlab', [['thread_reply', 'comment', 'on it']]],
    [
      'from the API goes to both',
      'api',
      [
        ['thread_reply', 'comment', 'on it'],
        ['sync_tracker', 'comment', 'on it'],
      ],
    ],
  ] as const)('an engineer comment at Tier 3 %s', (_name, source, expected) => {
    const { state, effects } = act(atTier3(), 'comment', { note: 'on it', source, actorGroups: ['tier3-group'] }, MONDAY_9 + 2 * HOUR);
    expect(events(effects)).toEqual(expected);
    expect(state.clocks[0]!.state).toBe('met');
  });

  it('an engineer comment after the first-response target records the breach', () => {
    expect(act(open(), 'comment', { note: 'sorry, late' }, MONDAY_9 + 5 * HOUR).state.slaBreached).toBe(true);
  });

  it('reopening starts fresh clocks for the tier at the reopen instant, unassigned', () => {
    const resolved = act(act(open(), 'acknowledge').state, 'resolve', {}, MONDAY_9 + 2 * HOUR).state;
    const { state, effects } = act(resolved, 'reopen', { actor: 'ada@example.com', note: 'broken again' }, MONDAY_9 + DAY);
    expect(state).toMatchObject({ status: 'open', resolution: null, resolvedAt: null, assignee: null });
    expect(state.clocks.map((c) => [c.kind, c.state, c.startedAt, c.targetMs])).toEqual([
      ['first_response', 'running', MONDAY_9 + DAY, 4 * HOUR],
      ['resolution', 'running', MONDAY_9 + DAY, 2 * DAY],
    ]);
    expect(events(effects)).toEqual([['thread_reply', 'reopened', 'broken again']]);
  });

  it('a priority change re-targets each clock from the policy and says what changed', () => {
    const { state, effects } = act(open(), 'priority', { priority: 'P1', note: 'outage' });
    expect(state.priority).toBe('P1');
    expect(state.clocks.map((c) => [c.kind, c.targetMs, c.elapsedMs])).toEqual([
      ['first_response', 30 * MINUTE, 0],
      ['resolution', 4 * HOUR, 0],
    ]);
    expect(state.timeline.at(-1)).toMatchObject({ action: 'priority', note: 'P2 → P1' });
    expect(events(effects)).toEqual([['thread_reply', 'priority_changed', 'P2 → P1: outage']]);
    expect(events(act(open(), 'priority', { priority: 'P3' }).effects)).toEqual([['thread_reply', 'priority_changed', 'P2 → P3']]);
  });

  it('a priority change after the first response leaves the met clock as it was measured', () => {
    const acked = act(open(), 'acknowledge').state;
    const { state } = act(acked, 'priority', { priority: 'P1' }, MONDAY_9 + 2 * HOUR);
    expect(state.clocks.map((c) => [c.kind, c.state, c.targetMs])).toEqual([
      ['first_response', 'met', 4 * HOUR],
      ['resolution', 'running', 4 * HOUR],
    ]);
  });

  it('a priority change with the same targets does not warn twice', () => {
    const targets = DEFAULT_SLA_POLICY.targets['2'];
    const sameTargets = { ...DEFAULT_SLA_POLICY, targets: { ...DEFAULT_SLA_POLICY.targets, '2': { ...targets, P3: targets.P2 } } };
    const ctx = (now: number) => ({ ...ctxAt(now), policy: sameTargets });
    const warned = onTimersDue(open(), ctx(MONDAY_9 + 3 * HOUR)).state;
    expect(warned.clocks[0]!.warned).toBe(true);
    const changed = applyAction(warned, 'priority', { actor: 'grace', priority: 'P3' }, ctx(MONDAY_9 + 3 * HOUR + MINUTE)).state;
    expect(changed.clocks[0]).toBe(warned.clocks[0]);
    expect(onTimersDue(changed, ctx(MONDAY_9 + 3 * HOUR + 2 * MINUTE)).effects).toEqual([]);
  });

  it('reassigning names the new system and what it replaced', () => {
    const { state, effects } = act(open(), 'reassign', { system: 'aws', note: 'billing' });
    expect(state.system).toEqual(aws);
    expect(state.timeline.at(-1)).toMatchObject({ action: 'reassign', note: 'okta-sso → aws' });
    expect(events(effects)).toEqual([['thread_reply', 'reassigned', 'AWS: billing']]);
    const fromNone = act({ ...open(), system: null }, 'reassign', { system: 'okta-sso' });
    expect(fromNone.state.timeline.at(-1)).toMatchObject({ note: 'unknown → okta-sso' });
    expect(events(fromNone.effects)).toEqual([['thread_reply', 'reassigned', 'Okta SSO']]);
  });

  it.each([
    ['a reason and a note', { reason: 'duplicate', note: 'see req-0' }, 'duplicate: see req-0'],
    ['a reason alone', { reason: 'spam' }, 'spam'],
    ['a note alone', { note: 'asked twice' }, 'asked twice'],
    ['neither', {}, undefined],
  ])('cancelling with %s stops the clocks and says why', (_name, args, note) => {
    const reminding = { ...open(), nextReminderAt: MONDAY_9 + 3 * HOUR };
    const { state, effects } = act(reminding, 'cancel', args);
    expect(state).toMatchObject({ status: 'cancelled', resolution: 'cancelled', nextReminderAt: null, slaBreached: false });
    expect(clockStates(state)).toEqual([
      ['first_response', 'stopped'],
      ['resolution', 'stopped'],
    ]);
    expect(state.timeline.at(-1)).toEqual({ at: MONDAY_9 + HOUR, actor: 'grace', action: 'cancel', ...(note ? { note } : {}) });
    expect(effects).toEqual([{ id: 'req-1#2', kind: 'thread_reply', event: 'cancelled', mentions: [], ...(note ? { note } : {}) }]);
  });

  it('cancelling after a clock passed its target records the breach the timer had not yet fired', () => {
    const { state } = act(open(), 'cancel', { reason: 'duplicate' }, MONDAY_9 + 5 * HOUR);
    expect(state.slaBreached).toBe(true);
    expect(clockStates(state)).toEqual([
      ['first_response', 'breached'],
      ['resolution', 'stopped'],
    ]);
  });
});
