import { describe, expect, it } from 'vitest';

import { actionForIssueEvent, actionForIssueState } from '../../domain/tracker-issue.js';

describe('what a lost GitLab webhook missed', () => {
  it.each([
    ['closed', 'open', 'resolve'],
    ['closed', 'acknowledged', 'resolve'],
    ['closed', 'waiting_on_requester', 'resolve'],
    ['opened', 'resolved', 'reopen'],
    ['opened', 'open', null],
    ['closed', 'resolved', null],
    ['closed', 'cancelled', null],
    ['opened', 'closed', null],
  ])('an issue %s with the request %s needs %s', (issue, request, action) => {
    expect(actionForIssueState(issue, request)).toBe(action);
  });
});

describe('what a GitLab issue hook asks of its request', () => {
  it.each([
    ['close', 'resolve'],
    ['reopen', 'reopen'],
    ['open', null],
    ['update', null],
    [undefined, null],
  ] as const)('%s → %s', (hookAction, action) => {
    expect(actionForIssueEvent(hookAction)).toBe(action);
  });
});
