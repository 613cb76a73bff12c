/**
 * Who each announcement pages, as the handbook's table says: a tier's groups, the system owners
 * when the request reaches Tier 3 (Slack group and GitLab group), the new owners on reassignment,
 * automation at Tier 4 and leadership at Tier 5 (never the owners again). And the requester's
 * "it's broken again" reply inside the reopen window.
 */
import { describe, expect, it } from 'vitest';

import { applyAction, refusal } from '../../domain/request-actions.js';
import { openRequest, swarmOpened, tierPage, type Effect } from '../../domain/request.js';
import { act, aws, ctxAt, DAY, HOUR, MONDAY_9, okta, open } from './support/requests.js';

const pagesOf = (effects: Effect[]) =>
  effects.filter((e) => e.kind === 'thread_reply' || e.kind === 'sync_tracker').map((e) => [e.kind, e.event, 'mentions' in e ? e.mentions : undefined]);

describe('tierPage', () => {
  it.each([
    [2, { slack: ['tier2-group'], gitlab: ['corp/tier2'] }],
    [3, { slack: ['tier3-group', 'sysowners-okta-sso'], gitlab: ['corp/tier3', 'gitlab-com/gl-security/corp/sys/okta'] }],
    [4, { slack: ['tier4-group'], gitlab: ['corp/tier4'] }],
    [5, { slack: ['tier5-group'], gitlab: ['corp/tier5'] }],
  ] as const)('Tier %i pages %o', (tier, page) => {
    expect(tierPage(ctxAt(MONDAY_9), tier, okta)).toEqual(page);
  });

  it('a request without a system pages only the tier at Tier 3', () => {
    expect(tierPage(ctxAt(MONDAY_9), 3, null)).toEqual({ slack: ['tier3-group'], gitlab: ['corp/tier3'] });
  });
});

describe('escalation pages each tier in turn', () => {
  it('Tier 3: a new thread reply and a tracker note page the engineers and the system owners; Tier 4 automation; Tier 5 leadership', () => {
    const t3 = act(open(), 'escalate', { note: 'needs an engineer' });
    expect(pagesOf(t3.effects)).toEqual([
      ['thread_reply', 'escalated', ['tier3-group', 'sysowners-okta-sso']],
      ['sync_tracker', 'escalated', ['corp/tier3', 'gitlab-com/gl-security/corp/sys/okta']],
    ]);
    const t4 = act(t3.state, 'escalate', { note: 'automate it' }, MONDAY_9 + 2 * HOUR);
    expect(pagesOf(t4.effects)).toEqual([
      ['thread_reply', 'escalated', ['tier4-group']],
      ['sync_tracker', 'escalated', ['corp/tier4']],
    ]);
    const t5 = act(t4.state, 'escalate', { note: 'leadership call' }, MONDAY_9 + 3 * HOUR);
    expect(pagesOf(t5.effects)).toEqual([
      ['thread_reply', 'escalated', ['tier5-group']],
      ['sync_tracker', 'escalated', ['corp/tier5']],
    ]);
  });
});

describe('reassignment tells the new owners', () => {
  it('at Tier 3 the new owners are paged in Slack and on the issue', () => {
    const t3 = act(open(), 'escalate', { note: 'needs an engineer' }).state;
    const { state, effects } = act(t3, 'reassign', { system: 'aws', note: 'it is an IAM role' }, MONDAY_9 + 2 * HOUR);
    expect(state.system).toEqual(aws);
    expect(pagesOf(effects)).toEqual([
      ['thread_reply', 'reassigned', ['sysowners-aws']],
      ['sync_tracker', 'reassigned', ['gitlab-com/gl-security/corp/sys/aws']],
    ]);
  });

  it('at Tier 2 without an issue the helpdesk keeps it: nobody is paged', () => {
    const { effects } = act(open(), 'reassign', { system: 'aws' });
    expect(pagesOf(effects)).toEqual([['thread_reply', 'reassigned', []]]);
  });
});

describe('access requests and crises open with what the handbook promises', () => {
  it('an access request opens its tracker issue at once and stays at Tier 2', () => {
    const { state, effects } = openRequest(
      {
        id: 'a',
        requester: { email: 'a@example.com' },
        summary: 'access to the AWS prod account',
        type: 'access',
        system: aws,
        startTier: 2,
        mentions: ['tier2-group'],
        openTrackerIssue: 'access request for AWS: opened from its access-request template',
      },
      ctxAt(MONDAY_9),
    );
    expect(state.tier).toBe(2);
    expect(effects).toEqual([
      { id: 'a#1', kind: 'post_thread', mentions: ['tier2-group'] },
      { id: 'a#2', kind: 'open_tracker_issue', reason: 'access request for AWS: opened from its access-request template' },
    ]);
  });

  it('a crisis opens its swarm channel after its thread and issue; the channel is linked and announced', () => {
    const opened = openRequest(
      {
        id: 'c',
        requester: { email: 'a@example.com' },
        summary: 'breach',
        type: 'crisis',
        priority: 'P1',
        system: okta,
        startTier: 5,
        mentions: [],
        swarm: true,
      },
      ctxAt(MONDAY_9),
    );
    expect(opened.effects.map((e) => e.kind)).toEqual(['post_thread', 'open_tracker_issue', 'open_swarm']);
    const withIssue = { ...opened.state, links: { ...opened.state.links, gitlabIssueIid: 4 } };
    const { state, effects } = swarmOpened(withIssue, { id: 'C0CRISIS1', name: 'crisis-req-c' }, ctxAt(MONDAY_9 + 60_000));
    expect(state.links.swarmChannel).toBe('C0CRISIS1');
    expect(state.timeline.at(-1)).toMatchObject({ action: 'swarm_opened', note: '#crisis-req-c' });
    expect(effects.map((e) => [e.kind, 'event' in e ? e.event : undefined])).toEqual([
      ['thread_reply', 'swarm_opened'],
      ['sync_tracker', 'swarm_opened'],
    ]);
  });
});

describe("the requester's reply reopens a resolved request inside the reopen window", () => {
  const resolved = () => act(open(), 'resolve', { note: 'reset your MFA' }).state;

  it('reopens at its tier with fresh clocks, the tier paged, the reply recorded', () => {
    const ctx = ctxAt(MONDAY_9 + DAY);
    const args = { actor: 'U1', note: 'still broken', source: 'slack' as const };
    expect(refusal(resolved(), 'comment', args, ctx)).toBeNull();
    const { state, effects } = applyAction(resolved(), 'comment', args, ctx);
    expect(state).toMatchObject({ status: 'open', resolution: null, resolvedAt: null, assignee: null });
    expect(state.clocks.every((c) => c.state === 'running')).toBe(true);
    expect(state.timeline.slice(-2).map((e) => e.action)).toEqual(['comment', 'reopen']);
    expect(pagesOf(effects)).toEqual([['thread_reply', 'reopened', ['tier2-group']]]);
  });

  it("refuses someone else's reply, and the requester's after the window", () => {
    expect(refusal(resolved(), 'comment', { actor: 'U2', note: 'me too', source: 'slack' }, ctxAt(MONDAY_9 + DAY))).toBe(
      'cannot comment: request is already resolved',
    );
    expect(refusal(resolved(), 'comment', { actor: 'U1', note: 'again', source: 'slack' }, ctxAt(MONDAY_9 + HOUR + 7 * DAY))).toBe(
      'cannot comment: request is already resolved',
    );
    expect(refusal(resolved(), 'comment', { actor: 'U1', note: ' ', source: 'slack' }, ctxAt(MONDAY_9 + DAY))).toBe('comment needs a note');
  });
});
