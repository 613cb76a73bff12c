/**
 * The GitLab activities through the real `@gitbeaker/rest` client as `buildClients` makes it (one
 * attempt per call) against the GitLab emulator. A retry is another call of the same activity
 * function at attempt 2+ (`it_.retry`), as Temporal makes it after the first attempt failed; a
 * first attempt writes without searching.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { GITLAB_RATE_LIMITED, GITLAB_UNAVAILABLE, INTEGRATION_CONFIG_ERROR } from '../../contracts/failures.js';
import { effectMarker, requestMarker } from '../../contracts/tracker-marker.js';
import type { RequestState } from '../../domain/request.js';
import { failureOf, GOOGLE, requestState, startIntegrations, TRACKER, type Integrations } from './support/fixtures.js';

let it_: Integrations;
beforeAll(async () => {
  it_ = await startIntegrations();
});
afterAll(() => it_.close());
beforeEach(() => it_.gitlabEmu.reset());

const issues = () => it_.gitlabEmu.issues(TRACKER);
const notes = (iid: number) => it_.gitlabEmu.notes(TRACKER, iid);
const calls = (method: string, pathEnd: RegExp) => it_.gitlabEmu.calls.filter((c) => c.method === method && pathEnd.test(c.path));

/** A person other than tierflow's user, writing through the real client. */
const mallory = () => new Gitlab({ host: it_.gitlabEmu.url, token: it_.gitlabEmu.tokenFor('mallory') });
const projectId = () => it_.gitlabEmu.projects()[0]!.id;

async function openIssue(state: RequestState) {
  return it_.gitlab.createTrackerIssue({
    state,
    reason: 'change request starts at Tier 3',
    slackThread: 'https://tierflow-sandbox.slack.com/archives/C0ITHELP/p1',
  });
}

describe('createTrackerIssue', () => {
  it('creates exactly one issue when the create happened but its answer was lost (502), after a retry', async () => {
    const state = requestState({ tier: 3, type: 'change' });
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    expect(await failureOf(openIssue(state))).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    // The client made one attempt: gitbeaker's default requester would have re-sent the 502'd create.
    expect(calls('POST', /\/issues$/)).toHaveLength(1);

    const ref = await it_.retry(() => openIssue(state));
    expect(issues()).toHaveLength(1);
    expect(ref).toMatchObject({ iid: issues()[0]?.iid, webUrl: issues()[0]?.web_url, projectId: projectId() });
    expect(calls('POST', /\/issues$/)).toHaveLength(1);
  });

  it('creates exactly one issue when the connection dropped after the create', async () => {
    const state = requestState({ tier: 3 });
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous', answer: 'drop' });
    expect(await failureOf(openIssue(state))).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    await it_.retry(() => openIssue(state));
    expect(issues()).toHaveLength(1);
  });

  it("does not take another request's issue whose id starts the same (GitLab search matches prefixes)", async () => {
    const twelve = requestState({ id: 'REQ-PREFIX-12', tier: 3 });
    const one = requestState({ id: 'REQ-PREFIX-1', tier: 3 });
    const first = await openIssue(twelve);
    // A retry: it searches, and GitLab's search finds REQ-PREFIX-12's issue for REQ-PREFIX-1.
    const second = await it_.retry(() => openIssue(one));
    expect(second.iid).not.toBe(first.iid);
    expect(issues()).toHaveLength(2);
  });

  it("returns GitLab's project id of the issue with its iid: what the request records", async () => {
    const ref = await openIssue(requestState({ tier: 3 }));
    expect(ref).toMatchObject({ iid: 1, webUrl: issues()[0]?.web_url, projectId: projectId() });
  });

  it('a system recorded without template names (an older plan) gets the built-in body and a warning saying so', async () => {
    const ref = await openIssue(requestState({ tier: 3 }));
    expect(ref).toEqual({
      iid: 1,
      webUrl: issues()[0]?.web_url,
      projectId: projectId(),
      warning: "Okta SSO has no access request template configured; opened with tierflow's built-in body",
    });
    expect(calls('GET', /\/templates\//)).toHaveLength(0);
  });

  it("does not adopt an issue a person opened with a copy of the request's marker: it opens its own", async () => {
    const state = requestState({ tier: 3 });
    const planted = await mallory().Issues.create(TRACKER, `[${state.id}] Locked out of Okta`, {
      description: `Looks legit\n\n<!-- ${requestMarker(state.id)} -->`,
    });
    const ref = await it_.retry(() => openIssue(state));
    expect(ref.iid).not.toBe(planted.iid);
    expect(issues().map((i) => [i.iid, i.author.username])).toEqual([
      [planted.iid, 'mallory'],
      [ref.iid, 'tierflow-bot'],
    ]);
  });

  it("a retry finds tierflow's own issue, not a newer copy a person made of it", async () => {
    const state = requestState({ tier: 3 });
    const first = await openIssue(state);
    await mallory().Issues.create(TRACKER, 'copy', { description: issues()[0]!.description! });
    const again = await it_.retry(() => openIssue(state));
    expect(again.iid).toBe(first.iid);
    expect(issues()).toHaveLength(2);
  });

  it("asks GitLab who tierflow's user is once per set of activities, and only when a retry searches", async () => {
    const { gitlab } = it_.withTokens({});
    await gitlab.createTrackerIssue({ state: requestState({ tier: 3 }), reason: 'x', slackThread: null });
    expect(calls('GET', /\/user$/)).toHaveLength(0);
    for (let n = 0; n < 2; n += 1) await it_.retry(() => gitlab.createTrackerIssue({ state: requestState({ tier: 3 }), reason: 'x', slackThread: null }));
    expect(calls('GET', /\/user$/)).toHaveLength(1);
    expect(issues()).toHaveLength(3);
  });

  it('a first attempt creates the issue without searching; mayHaveRun searches on attempt 1 too and finds the earlier issue', async () => {
    const state = requestState({ tier: 3 });
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    await failureOf(openIssue(state));
    expect(calls('GET', /\/issues$/)).toHaveLength(0);
    expect(calls('POST', /\/issues$/)).toHaveLength(1);

    const ref = await it_.gitlab.createTrackerIssue({ state, reason: 'r', slackThread: null, mayHaveRun: true });
    expect(calls('GET', /\/issues$/)).toHaveLength(1);
    expect(ref.iid).toBe(issues()[0]?.iid);
    expect(issues()).toHaveLength(1);
  });

  it('a retry double-checks a search miss among the issues created in the last day before creating', async () => {
    const at = Date.now();
    await it_.retry(() => openIssue(requestState({ tier: 3 })));
    const lists = calls('GET', /\/issues$/).map((c) => c.query);
    expect(lists).toHaveLength(2);
    expect(lists[0]).toMatchObject({ in: 'description' });
    expect(lists[1]).toMatchObject({ order_by: 'created_at', sort: 'desc' });
    const createdAfter = Date.parse(String(lists[1]?.created_after));
    expect(at - createdAfter).toBeGreaterThanOrEqual(24 * 3_600_000 - 1000);
    expect(at - createdAfter).toBeLessThan(24 * 3_600_000 + 60_000);
  });

  it('labels the issue with system, tier, priority and type, and mentions the owners', async () => {
    const state = requestState({ tier: 3, type: 'change', priority: 'P2' });
    await openIssue(state);
    const [issue] = issues();
    expect(issue?.labels).toEqual(['corpsys::okta-sso', 'priority::P2', 'tier::3', 'type::change']);
    expect(issue?.title).toBe(`[${state.id}] Locked out of Okta`);
    expect(issue?.description).toContain('**Owners:** @gitlab-com/gl-security/corp/sys/okta');
  });

  it('keeps quick actions and mentions in the description inert: the issue stays open, no line starts with /', async () => {
    const description = ['Please help', '/close', '/assign @someone', '  /label ~"corpsys::okta-sso"', '> /lock', 'cc @all &#64;admins'].join('\n');
    const state = requestState({ tier: 3, description, summary: '/close @boss' });
    await openIssue(state);
    const [issue] = issues();
    expect(issue?.state).toBe('opened');
    expect(issue?.assignees).toEqual([]);
    const lines = (issue?.description ?? '').split('\n');
    expect(lines.filter((l) => /^[\s>]*\//.test(l))).toEqual([]);
    expect(issue?.description).not.toMatch(/(^|[^\w])@(someone|all|boss)/);
    expect(issue?.description).not.toContain('&#64;');
    expect(issue?.title).not.toMatch(/@boss/);
  });

  it('turns a 429 into GitlabRateLimited with Retry-After as the next retry delay', async () => {
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'rate_limit', retryAfterSeconds: 30 });
    const failure = await failureOf(openIssue(requestState({ tier: 3 })));
    expect(failure).toMatchObject({ type: GITLAB_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 30_000 });
    expect(it_.gitlabEmu.calls).toHaveLength(1);
  });

  it('turns a 502 into one retryable failure, not ten silent retries', async () => {
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'server_error', status: 502 });
    expect(await failureOf(openIssue(requestState({ tier: 3 })))).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    expect(it_.gitlabEmu.calls).toHaveLength(1);
  });

  it('an invalid token is a non-retryable IntegrationConfigError naming GITLAB_TOKEN', async () => {
    const failure = await failureOf(
      it_.withTokens({ gitlab: 'glpat-invalid' }).gitlab.createTrackerIssue({ state: requestState(), reason: 'x', slackThread: null }),
    );
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toMatch(/HTTP 401 .*check GITLAB_TOKEN/);
  });
});

describe('syncTrackerIssue', () => {
  async function issueFor(overrides: Partial<RequestState>) {
    const state = requestState({ tier: 3, ...overrides });
    const { iid } = await openIssue(state);
    return { state, iid };
  }

  it('adds one note when the note was added but its answer was lost, after a retry', async () => {
    const { state, iid } = await issueFor({});
    const args = { iid, effectId: `${state.id}#7`, state, event: 'comment' as const, note: 'Tried again, still locked.' };
    it_.gitlabEmu.failNext(`POST /api/v4/projects/${TRACKER}/issues/${iid}/notes`, { kind: 'ambiguous' });
    expect(await failureOf(it_.gitlab.syncTrackerIssue(args))).toMatchObject({ type: GITLAB_UNAVAILABLE });
    await it_.retry(() => it_.gitlab.syncTrackerIssue(args));
    await it_.retry(() => it_.gitlab.syncTrackerIssue(args), 3);
    expect(notes(iid)).toHaveLength(1);
    expect(notes(iid)[0]?.body).toBe(`**Comment**\n\n> Tried again, still locked.\n\n<!-- tierflow-effect: ${state.id}#7 -->`);
  });

  it('a first attempt adds its note without listing the notes; mayHaveRun lists them on attempt 1 and adds nothing twice', async () => {
    const { state, iid } = await issueFor({});
    const args = { iid, effectId: `${state.id}#7`, state, event: 'comment' as const, note: 'Still locked.' };
    it_.gitlabEmu.failNext(`POST /api/v4/projects/${TRACKER}/issues/${iid}/notes`, { kind: 'ambiguous', answer: 'drop' });
    await failureOf(it_.gitlab.syncTrackerIssue(args));
    expect(calls('GET', /\/notes$/)).toHaveLength(0);

    await it_.gitlab.syncTrackerIssue({ ...args, mayHaveRun: true });
    expect(calls('GET', /\/notes$/)).toHaveLength(1);
    expect(notes(iid)).toHaveLength(1);
  });

  it("a person's note ending with a copy of the effect's marker does not keep tierflow's note off the issue", async () => {
    const { state, iid } = await issueFor({});
    const effectId = `${state.id}#3`;
    await mallory().IssueNotes.create(TRACKER, iid, `nothing to see\n\n${effectMarker(effectId)}`);
    // A retry, so it looks among the notes first: the person's note must not count as tierflow's.
    await it_.retry(() => it_.gitlab.syncTrackerIssue({ iid, effectId, state: { ...state, tier: 4 }, event: 'escalated', note: 'Tier 3 resolution breached' }));
    const written = notes(iid).filter((n) => n.author.username === 'tierflow-bot');
    expect(written).toHaveLength(1);
    expect(written[0]?.body).toContain('cc @gitlab-com/gl-security/corp/sys/okta');
    // And tierflow's own note still makes a retry a no-op.
    await it_.retry(
      () => it_.gitlab.syncTrackerIssue({ iid, effectId, state: { ...state, tier: 4 }, event: 'escalated', note: 'Tier 3 resolution breached' }),
      3,
    );
    expect(notes(iid)).toHaveLength(2);
  });

  it('escalating from Tier 3 to 4 swaps tier::3 for tier::4, keeps other labels and mentions the owners', async () => {
    const { state, iid } = await issueFor({});
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#3`, state: { ...state, tier: 4 }, event: 'escalated', note: 'Tier 3 resolution breached' });
    expect(issues()[0]?.labels).toEqual(['corpsys::okta-sso', 'priority::P3', 'tier::4', 'type::access']);
    expect(issues()[0]?.state).toBe('opened');
    expect(notes(iid)[0]?.body).toContain('cc @gitlab-com/gl-security/corp/sys/okta');
  });

  it('an escalation into the tier the issue was opened at does not mention the owners twice', async () => {
    const { state, iid } = await issueFor({});
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#2`, state, event: 'escalated', note: 'Tier 2 breached' });
    expect(notes(iid)[0]?.body).not.toContain('@gitlab-com');
  });

  it('resolving closes the issue; reopening reopens it', async () => {
    const { state, iid } = await issueFor({});
    const resolved: RequestState = { ...state, status: 'resolved', resolution: 'resolved' };
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#4`, state: resolved, event: 'resolved', note: 'Reset the factor.' });
    expect(issues()[0]?.state).toBe('closed');
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#5`, state: { ...state, status: 'open' }, event: 'reopened' });
    expect(issues()[0]?.state).toBe('opened');
    expect(notes(iid).map((n) => n.body.split('\n')[0])).toEqual(['**Resolved**', '**Reopened at Tier 3 (escalation and systems engineering)**']);
  });

  it('reassigning swaps the corpsys label and changing the priority swaps priority::', async () => {
    const { state, iid } = await issueFor({});
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#6`, state: { ...state, system: GOOGLE, priority: 'P1' }, event: 'reassigned' });
    expect(issues()[0]?.labels).toEqual(['corpsys::google-workspace', 'priority::P1', 'tier::3', 'type::access']);
  });

  it('edits nothing when the issue already matches (a retry after the edit went through)', async () => {
    const { state, iid } = await issueFor({});
    await it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#8`, state, event: 'acknowledged' });
    await it_.retry(() => it_.gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#8`, state, event: 'acknowledged' }));
    expect(calls('PUT', /\/issues\/\d+$/)).toHaveLength(0);
    expect(notes(iid)).toHaveLength(1);
  });

  it('a deleted issue is a non-retryable IntegrationConfigError', async () => {
    const state = requestState({ tier: 3 });
    const failure = await failureOf(it_.gitlab.syncTrackerIssue({ iid: 999, effectId: `${state.id}#1`, state, event: 'comment', note: 'x' }));
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toContain('#999');
  });
});
