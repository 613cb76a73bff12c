/** What people and tools see of a request: the one-line details and the status view at an instant. */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { onTimersDue } from '../../domain/request-timers.js';
import type { RequestState } from '../../domain/request.js';
import { describeState, toStatusView } from '../../domain/status-view.js';
import { act, ctxAt, DAY, FRIDAY_22, HOUR, MINUTE, MONDAY_9, open } from './support/requests.js';

const cal = DEFAULT_CALENDAR;
/** A P2 crisis at Tier 5 whose first response breached Monday 11:00; resolution due Tuesday 09:00. */
const breachedAtTier5 = () => {
  const crisis = open(MONDAY_9, { type: 'crisis', startTier: 5 });
  return onTimersDue(onTimersDue(crisis, ctxAt(MONDAY_9 + 90 * MINUTE)).state, ctxAt(MONDAY_9 + 2 * HOUR)).state;
};
const allBreached = (state: RequestState): RequestState => ({ ...state, clocks: state.clocks.map((c) => ({ ...c, state: 'breached' as const })) });

describe('describeState: the one-line story of a request', () => {
  it.each<[string, () => RequestState, string]>([
    ['a new request waits for its first response', () => open(), 'Tier 2 — waiting for first response, due Mon 13:00 UTC'],
    ['an acknowledged request waits for its resolution', () => act(open(), 'acknowledge').state, 'Tier 2 — acknowledged, resolution, due Wed 09:00 UTC'],
    [
      'a resolution due before the first response is the one shown',
      () => ({
        ...open(),
        clocks: [
          { ...open().clocks[0]!, targetMs: 8 * HOUR },
          { ...open().clocks[1]!, targetMs: 2 * HOUR },
        ],
      }),
      'Tier 2 — open, resolution, due Mon 11:00 UTC',
    ],
    ['a breach at Tier 5 with a clock still running says so', breachedAtTier5, 'Tier 5 — open, resolution, due Tue 09:00 UTC (SLA breached earlier)'],
    [
      'a breach at Tier 5 with no clock running names the next reminder',
      () => allBreached(breachedAtTier5()),
      'Tier 5 — open, SLA breached; next reminder Mon 13:00 UTC',
    ],
    ['a paused request has no deadline', () => act(open(), 'pause').state, 'Tier 2 — waiting on the requester (clocks paused)'],
    ['a resolved request', () => act(open(), 'resolve').state, 'Tier 2 — resolved'],
    ['a cancelled request', () => act(open(), 'cancel').state, 'Tier 2 — cancelled'],
    ['a closed request', () => ({ ...act(open(), 'resolve').state, status: 'closed' }), 'Tier 2 — closed'],
  ])('%s', (_name, arrange, expected) => {
    expect(describeState(arrange(), cal)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['a deadline under six days after the latest entry shows the weekday alone', 6 * DAY - MINUTE, 'Tier 2 — waiting for first response, due Sun 08:59 UTC'],
    ['a deadline six days or more after the latest entry shows the date too', 6 * DAY, 'Tier 2 — waiting for first response, due Sun 2026-11-29 09:00 UTC'],
  ])('%s', (_name, target, expected) => {
    const state = open();
    const longWait = {
      ...state,
      clocks: [
        { ...state.clocks[0]!, targetMs: target },
        { ...state.clocks[1]!, targetMs: 30 * DAY },
      ],
    };
    const allWeek = { ...cal, windows: [{ start: { day: 1 as const, time: '00:00' }, end: { day: 1 as const, time: '00:00' } }] };
    expect(describeState(longWait, allWeek)).toBe(expected);
  });

  it('shows the first-response clock when both clocks are due at the same instant', () => {
    const state = open();
    const same = { ...state, clocks: state.clocks.map((c) => ({ ...c, targetMs: 2 * HOUR })) };
    expect(describeState(same, cal)).toBe('Tier 2 — waiting for first response, due Mon 11:00 UTC');
  });

  it('counts the six days from the latest entry, not an earlier one', () => {
    const state = open(); // due Monday 13:00
    const entries = [state.timeline[0]!, { at: MONDAY_9 - 8 * DAY, actor: 'x', action: 'comment' }, { at: MONDAY_9 - DAY, actor: 'x', action: 'comment' }];
    expect(describeState({ ...state, timeline: entries }, cal)).toBe('Tier 2 — waiting for first response, due Mon 13:00 UTC');
  });

  it('counts the six days from the latest entry, or from the opening when the timeline is empty', () => {
    const state = open(FRIDAY_22); // due Monday 02:00, under three days after opening
    expect(describeState({ ...state, timeline: [] }, cal)).toBe('Tier 2 — waiting for first response, due Mon 02:00 UTC');
    const longAgo = { ...state, createdAt: FRIDAY_22 - 10 * DAY, timeline: [] };
    expect(describeState(longAgo, cal)).toBe('Tier 2 — waiting for first response, due Mon 2026-11-30 02:00 UTC');
  });
});

describe('toStatusView: the status at an instant', () => {
  it('shows every field, instants in ISO and durations for people', () => {
    const state = act(open(), 'acknowledge', { note: 'looking' }, MONDAY_9 + HOUR).state;
    expect(toStatusView(state, cal, MONDAY_9 + 2 * HOUR)).toEqual({
      id: 'req-1',
      tier: 2,
      status: 'acknowledged',
      priority: 'P2',
      system: 'okta-sso',
      type: 'question',
      summary: 'MFA',
      requester: 'ada@example.com',
      assignee: 'grace',
      slaBreached: false,
      details: 'Tier 2 — acknowledged, resolution, due Wed 09:00 UTC',
      clocks: [
        { kind: 'first_response', tier: 2, state: 'met', dueAt: null, remaining: '3h', remainingMs: 3 * HOUR },
        { kind: 'resolution', tier: 2, state: 'running', dueAt: '2026-11-25T09:00:00.000Z', remaining: '1d 22h', remainingMs: 46 * HOUR },
      ],
      links: { slackThread: null, gitlabIssue: null },
      reopenUntil: null,
      heldUntil: null,
      timeline: [
        { at: '2026-11-23T09:00:00.000Z', actor: 'ada@example.com', action: 'opened', note: 'Tier 2, P2' },
        { at: '2026-11-23T10:00:00.000Z', actor: 'grace', action: 'acknowledge', note: 'looking' },
      ],
      timelineCounts: { opened: 1, acknowledge: 1 },
      timelineOmitted: 0,
    });
  });

  it('shows overdue time with a minus, and an entry without a note without one', () => {
    const state = breachedAtTier5();
    const view = toStatusView(
      { ...state, timeline: [...state.timeline, { at: MONDAY_9 + 3 * HOUR, actor: 'grace', action: 'pause' }] },
      cal,
      MONDAY_9 + 2 * HOUR + 20 * MINUTE,
    );
    expect(view.clocks[0]).toEqual({ kind: 'first_response', tier: 5, state: 'breached', dueAt: null, remaining: '-20m', remainingMs: -20 * MINUTE });
    expect(view.clocks[1]).toMatchObject({ remaining: '21h 40m', remainingMs: 21 * HOUR + 40 * MINUTE });
    expect(view.timeline.at(-1)).toEqual({ at: '2026-11-23T12:00:00.000Z', actor: 'grace', action: 'pause' });
    expect(view.slaBreached).toBe(true);
    expect(view.system).toBe('okta-sso');
  });

  it('shows no system when there is none, the links as they are, and a remaining time of exactly zero unsigned', () => {
    const state = open();
    const view = toStatusView(
      { ...state, system: null, links: { ...state.links, slackThread: 'https://slack/t/1', gitlabIssue: 'https://gitlab/i/2' } },
      cal,
      MONDAY_9 + 4 * HOUR,
    );
    expect(view.system).toBeNull();
    expect(view.links).toEqual({ slackThread: 'https://slack/t/1', gitlabIssue: 'https://gitlab/i/2' });
    expect(view.clocks[0]).toMatchObject({ remaining: '0s', remainingMs: 0 });
  });

  it('counts the entries no longer shown, and hands out a copy of the counts', () => {
    const state = { ...open(), timelineTotal: 45, timelineCounts: { opened: 1, comment: 44 } };
    const view = toStatusView(state, cal, MONDAY_9);
    expect(view.timelineOmitted).toBe(44);
    expect(view.timelineCounts).toEqual({ opened: 1, comment: 44 });
    expect(view.timelineCounts).not.toBe(state.timelineCounts);
  });
});
