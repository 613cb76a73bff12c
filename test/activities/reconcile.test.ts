import { describe, expect, it } from 'vitest';

import { missedAction } from '../../activities/reconcile.js';

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
    expect(missedAction(issue, request)).toBe(action);
  });
});
