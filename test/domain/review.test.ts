/** The post-incident review of a request resolved at Tier 5: decided once, after the resolution's announcements, under today's rules only. */
import { describe, expect, it } from 'vitest';

import { applyAction } from '../../domain/request-actions.js';
import type { Effect, RequestState } from '../../domain/request.js';
import { reviewDue, reviewEffect, reviewOpened, withReview } from '../../domain/review.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { toStatusView } from '../../domain/status-view.js';
import { act, ctxAt, DAY, HOUR, MINUTE, MONDAY_9, okta, open } from './support/requests.js';

const crisis = (): RequestState => open(MONDAY_9, { type: 'crisis', priority: 'P1', startTier: 5, swarm: true });
const kinds = (effects: Effect[]) => effects.map((e) => (e.kind === 'thread_reply' || e.kind === 'sync_tracker' ? `${e.kind}:${e.event}` : e.kind));
const reviews = (effects: Effect[]) => effects.filter((e) => e.kind === 'open_review_issue');

describe('the post-incident review', () => {
  it('opens when a crisis is resolved: after the resolution is announced, for the Tier 5 group, cc the system owners', () => {
    const resolved = act(crisis(), 'resolve', { note: 'rotated the admin credentials' });
    expect(kinds(resolved.effects)).toEqual(['thread_reply:resolved', 'sync_tracker:resolved', 'open_review_issue']);
    expect(reviews(resolved.effects)[0]).toEqual({
      id: expect.stringMatching(/^req-1#\d+$/),
      kind: 'open_review_issue',
      group: 'corp/tier5',
      cc: ['corp/tier5', okta.gitlabOwners],
    });
    expect(resolved.state.reviewDecided).toBe(true);
    // The effect ids keep counting in the state, so they survive replay and continue-as-new.
    expect(new Set(resolved.effects.map((e) => e.id)).size).toBe(resolved.effects.length);
  });

  it('opens for a request that reached Tier 5 by escalation', () => {
    let state = open();
    for (const reason of ['needs engineering', 'needs automation', 'leadership call']) state = act(state, 'escalate', { note: reason }).state;
    expect(state.tier).toBe(5);
    expect(reviews(act(state, 'resolve').effects)).toHaveLength(1);
  });

  it('does not open below Tier 5', () => {
    const atTier3 = act(open(), 'escalate', { note: 'needs engineering' }).state;
    expect(atTier3.tier).toBe(3);
    const resolved = act(atTier3, 'resolve', {}, MONDAY_9 + 2 * HOUR);
    expect(reviews(resolved.effects)).toEqual([]);
    expect(resolved.state.reviewDecided).toBeUndefined();
    expect(reviews(act(open(), 'solved', { actor: 'ada@example.com' }).effects)).toEqual([]);
  });

  it('opens once: a crisis reopened and resolved again is still one incident with one review', () => {
    const first = act(crisis(), 'resolve', {}, MONDAY_9 + 10 * MINUTE);
    const reopened = act(first.state, 'reopen', { actor: 'ada@example.com', note: 'it is back' }, MONDAY_9 + HOUR);
    expect(reopened.state.status).toBe('open');
    const again = act(reopened.state, 'resolve', {}, MONDAY_9 + 2 * HOUR);
    expect(again.state.status).toBe('resolved');
    expect(reviews(again.effects)).toEqual([]);
    // Even when the first review's issue has not opened yet (GitLab down): the decision is what counts.
    expect(first.state.links.reviewIssue).toBeUndefined();
  });

  it('does not open for a run started before the operations patch', () => {
    const ctx = { ...ctxAt(MONDAY_9 + HOUR), legacy: { beforeOperations: true } };
    const resolved = applyAction(crisis(), 'resolve', { actor: 'grace' }, ctx);
    expect(kinds(resolved.effects)).toEqual(['thread_reply:resolved', 'sync_tracker:resolved']);
    expect(resolved.state.reviewDecided).toBeUndefined();
  });

  it('does not open for a cancelled crisis (a duplicate, a false alarm)', () => {
    const cancelled = act(crisis(), 'cancel', { reason: 'duplicate' });
    expect(reviews(cancelled.effects)).toEqual([]);
  });

  it('is due for a Tier 5 request marked solved by the requester too, never for one still open', () => {
    const state = crisis();
    expect(reviewDue({ ...state, status: 'resolved', resolution: 'self_served' }, {})).toBe(true);
    expect(reviewDue(state, {})).toBe(false);
    expect(withReview(state, ctxAt(MONDAY_9))).toEqual({ state, bodies: [] });
  });

  it('assigns nobody and ccs the owners alone when Tier 5 has no GitLab group', () => {
    const contacts = ctxAt(MONDAY_9).contacts.map((c) => (c.tier === 5 ? { tier: c.tier, name: c.name, slackGroup: c.slackGroup } : c));
    expect(reviewEffect(crisis(), { contacts })).toEqual({ kind: 'open_review_issue', group: null, cc: [okta.gitlabOwners] });
    expect(reviewEffect({ ...crisis(), system: null }, { contacts })).toEqual({ kind: 'open_review_issue', group: null, cc: [] });
  });

  it('once open, is linked, recorded and announced in the thread and on the tracker issue', () => {
    const resolved = act(crisis(), 'resolve').state;
    const url = 'https://gitlab.example.com/corp/issue-tracker/-/issues/8';
    const opened = reviewOpened(resolved, { url }, ctxAt(MONDAY_9 + 2 * HOUR));
    expect(opened.state.links.reviewIssue).toBe(url);
    expect(opened.state.timeline.at(-1)).toEqual({ at: MONDAY_9 + 2 * HOUR, actor: 'tierflow', action: 'review_opened', note: url });
    expect(opened.effects).toEqual([
      expect.objectContaining({ kind: 'thread_reply', event: 'review_opened', note: `Post-incident review: ${url}`, mentions: [] }),
      expect.objectContaining({ kind: 'sync_tracker', event: 'review_opened', note: `Post-incident review: ${url}`, mentions: [] }),
    ]);
    expect(opened.state.status).toBe('resolved');
    expect(toStatusView(opened.state, DEFAULT_CALENDAR, MONDAY_9 + 2 * HOUR, DAY).links.reviewIssue).toBe(url);
  });
});
