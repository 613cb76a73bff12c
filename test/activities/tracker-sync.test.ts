import { describe, expect, it } from 'vitest';

import { entersNewTier, planTrackerEdit, sameDescription, type IssueSnapshot } from '../../activities/tracker-sync.js';
import type { RequestState } from '../../domain/request.js';
import { GOOGLE, requestState } from './support/fixtures.js';

const state = requestState({ tier: 3, priority: 'P2' });
const matching: IssueSnapshot = { state: 'opened', labels: ['corpsys::okta-sso', 'priority::P2', 'tier::3', 'type::change', 'needs-review'] };

describe('planTrackerEdit', () => {
  it.each<[string, IssueSnapshot, Partial<RequestState>, ReturnType<typeof planTrackerEdit>]>([
    ['nothing when the issue matches', matching, {}, { addLabels: [], removeLabels: [], stateEvent: null }],
    ['swaps tier::3 for tier::4', matching, { tier: 4 }, { addLabels: ['tier::4'], removeLabels: ['tier::3'], stateEvent: null }],
    [
      'swaps the corpsys label on reassignment',
      matching,
      { system: GOOGLE },
      { addLabels: ['corpsys::google-workspace'], removeLabels: ['corpsys::okta-sso'], stateEvent: null },
    ],
    ['leaves corpsys labels alone without a system', matching, { system: null }, { addLabels: [], removeLabels: [], stateEvent: null }],
    [
      'adds missing labels to a bare issue',
      { state: 'opened', labels: [] },
      {},
      { addLabels: ['tier::3', 'priority::P2', 'corpsys::okta-sso'], removeLabels: [], stateEvent: null },
    ],
    ['closes a resolved request', matching, { status: 'resolved' }, { addLabels: [], removeLabels: [], stateEvent: 'close' }],
    ['closes a cancelled request', matching, { status: 'cancelled' }, { addLabels: [], removeLabels: [], stateEvent: 'close' }],
    ['does not close twice', { ...matching, state: 'closed' }, { status: 'closed' }, { addLabels: [], removeLabels: [], stateEvent: null }],
    ['reopens an active request', { ...matching, state: 'closed' }, { status: 'acknowledged' }, { addLabels: [], removeLabels: [], stateEvent: 'reopen' }],
  ])('%s', (_name, issue, change, expected) => {
    expect(planTrackerEdit(issue, { ...state, ...change })).toEqual(expected);
  });
});

describe('entersNewTier', () => {
  it('is true only when the issue lacks the tier label of the request', () => {
    expect(entersNewTier(matching, state)).toBe(false);
    expect(entersNewTier(matching, { ...state, tier: 4 })).toBe(true);
  });
});

describe('sameDescription', () => {
  const wanted =
    '**Request:** x\n\n## Template\n\n### Description\n\ntext\n\n/unassign @old\n/label ~"corpsys::aws"\n/assign @new\n\n<!-- tierflow-request: R -->';
  it.each([
    [
      'as GitLab stored it: quick-action lines and the blank lines after them gone',
      '**Request:** x\n\n## Template\n\n### Description\n\ntext\n\n<!-- tierflow-request: R -->',
      true,
    ],
    ['with \\r\\n line ends', wanted.replace(/\n/g, '\r\n'), true],
    ['the old system still named', wanted.replace('## Template', '## Okta'), false],
    ['the requester text changed', wanted.replace('text', 'other'), false],
    ['nothing stored', null, false],
  ])('%s: %s', (_name, stored, same) => {
    expect(sameDescription(stored, wanted)).toBe(same);
  });
});
