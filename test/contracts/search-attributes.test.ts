/**
 * The `TrackerIssue` search attribute: what tierflow recorded of a request's tracker issue (the
 * project id and iid GitLab gave it), the only way a GitLab hook or the reconciliation finds a request.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { searchAttributesOf, SEARCH_ATTRIBUTE_KEYS, trackerIssueQuery, trackerIssueValue, TrackerIssueKey } from '../../contracts/search-attributes.js';
import { NO_OUTCOME } from '../../domain/sla-outcome.js';
import { requestState } from '../activities/support/fixtures.js';

const trackerIssueOf = (links: Partial<ReturnType<typeof requestState>['links']>) => {
  const state = requestState();
  const pairs = searchAttributesOf({ ...state, links: { ...state.links, ...links } }, DEFAULT_CALENDAR);
  return pairs.find((p) => p.key.name === TrackerIssueKey.name)?.value;
};

describe('TrackerIssue', () => {
  it('is registered with the other search attributes, as a keyword', () => {
    expect(SEARCH_ATTRIBUTE_KEYS).toContain(TrackerIssueKey);
    expect(TrackerIssueKey.type).toBe('KEYWORD');
  });

  it.each([
    ['project and iid known', { gitlabProjectId: 1000, gitlabIssueIid: 7 }, '1000#7'],
    ['no issue yet', { gitlabProjectId: null, gitlabIssueIid: null }, null],
    ['an iid recorded before project ids were kept', { gitlabIssueIid: 7 }, null],
    ['a project id without an iid', { gitlabProjectId: 1000, gitlabIssueIid: null }, null],
  ])('is upserted from the links: %s → %s', (_name, links, value) => {
    expect(trackerIssueOf(links)).toBe(value);
  });

  it.each([
    [1000, 7, '1000#7'],
    [0, 7, null],
    [1000, -1, null],
    [1.5, 7, null],
    ['1000', 7, null],
    ["1' OR 1=1", 7, null],
    [Number.MAX_SAFE_INTEGER + 2, 7, null],
  ])('trackerIssueValue(%j, %j) is %j: only positive integers', (projectId, iid, value) => {
    expect(trackerIssueValue(projectId, iid)).toBe(value);
  });

  it('queries help requests recording the issues, each once, and refuses anything but <digits>#<digits>', () => {
    expect(trackerIssueQuery(['1000#7', '1000#8'])).toBe(
      "TrackerIssue IN ('1000#7', '1000#8') AND WorkflowType = 'helpRequestWorkflow' AND ExecutionStatus != 'ContinuedAsNew'",
    );
    expect(() => trackerIssueQuery(["1000#7') OR ('1"])).toThrow(RangeError);
    expect(() => trackerIssueQuery([])).toThrow(RangeError);
  });
});

describe('the SLA outcome attributes', () => {
  it('fit SQL visibility: at most three custom attributes per type, ten keywords', () => {
    const perType = new Map<string, number>();
    for (const key of SEARCH_ATTRIBUTE_KEYS) perType.set(key.type, (perType.get(key.type) ?? 0) + 1);
    for (const [type, count] of perType) expect(count, type).toBeLessThanOrEqual(type === 'KEYWORD' ? 10 : 3);
  });

  it('are published only by runs under the operations patch, from the state', () => {
    const state = { ...requestState(), status: 'resolved' as const, resolvedAt: Date.UTC(2026, 10, 23, 12), createdAt: Date.UTC(2026, 10, 23, 9) };
    const outcome = {
      ...NO_OUTCOME,
      firstResponseMs: 600_000,
      firstResponseMet: true,
      resolutionMs: 3 * 3_600_000,
      resolutionMet: false,
      escalations: 2,
      reopens: 1,
    };
    expect(searchAttributesOf({ ...state, outcome }, DEFAULT_CALENDAR).map((p) => p.key.name)).not.toContain('OpenedAt');
    const values = Object.fromEntries(searchAttributesOf({ ...state, outcome }, DEFAULT_CALENDAR, { outcome: true }).map((p) => [p.key.name, p.value]));
    expect(values).toMatchObject({
      OpenedAt: new Date(state.createdAt),
      ResolvedAt: new Date(state.resolvedAt),
      FirstResponseSeconds: 600,
      FirstResponseMet: true,
      ResolutionSeconds: 10_800,
      ResolutionMet: false,
      Escalations: 2,
      Reopens: 1,
      RequestStatus: 'resolved',
    });
    // Not resolved (yet, or again after a reopen): no resolution attributes.
    const open = Object.fromEntries(
      searchAttributesOf({ ...state, status: 'open', outcome: NO_OUTCOME }, DEFAULT_CALENDAR, { outcome: true }).map((p) => [p.key.name, p.value]),
    );
    expect(open).toMatchObject({ ResolvedAt: null, ResolutionSeconds: null, ResolutionMet: null, FirstResponseMet: null });
  });
});
