/**
 * Tracker issues from the tracker's own issue templates, and the people a note ccs, through the
 * real `@gitbeaker/rest` client (one attempt per call) against the GitLab emulator, which runs
 * quick actions where GitLab would: what a template assigns and labels is what the emulator's
 * issue carries afterwards.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createGitlabActivities } from '../../activities/gitlab.js';
import { TEMPLATE_TTL_MS } from '../../activities/tracker-templates.js';
import { GITLAB_UNAVAILABLE } from '../../contracts/failures.js';
import type { RequestState, SystemRef } from '../../domain/request.js';
import { failureOf, GOOGLE, OKTA, requestState, startIntegrations, TRACKER, type Integrations } from './support/fixtures.js';

const OKTA_T: SystemRef = { ...OKTA, issueTemplate: 'corpsys-okta-sso', accessRequestTemplate: 'access-request-okta-sso' };
const GOOGLE_T: SystemRef = { ...GOOGLE, issueTemplate: 'corpsys-google-workspace', accessRequestTemplate: 'access-request-google-workspace' };

/** Templates as the tracker keeps them: text for people, quick actions for GitLab. */
const TEMPLATES: Record<string, string> = {
  'corpsys-okta-sso': [
    '## Okta SSO engineering issue',
    '',
    '<!-- What should change, and why? -->',
    '',
    '- [ ] Change reviewed by a second system owner',
    '',
    '/label ~"corpsys::okta-sso" ~"CorpSec::Engineering"',
    '/assign @okta-owner-1 @okta-owner-2',
  ].join('\n'),
  'access-request-okta-sso': [
    '## Okta SSO access request',
    '',
    '- [ ] Manager approval attached',
    '',
    '/label ~"access-request"',
    '/assign @okta-approver',
  ].join('\r\n'),
  'corpsys-google-workspace': ['## Google Workspace engineering issue', '', '/label ~"corpsys::google-workspace"', '/assign @google-owner'].join('\n'),
};

const OKTA_OWNERS = 'gitlab-com/gl-security/corp/sys/okta';
const GOOGLE_OWNERS = 'gitlab-com/gl-security/corp/sys/google';

let it_: Integrations;
let clock = Date.now();
beforeAll(async () => {
  it_ = await startIntegrations({ now: () => clock });
});
afterAll(() => it_.close());

let warnings: string[];
let gitlab: ReturnType<typeof createGitlabActivities>;
beforeEach(() => {
  it_.gitlabEmu.reset();
  for (const [key, content] of Object.entries(TEMPLATES)) it_.gitlabEmu.setIssueTemplate(key, content);
  clock = Date.now();
  warnings = [];
  // A fresh set of activities per test: the template cache is per set.
  gitlab = createGitlabActivities({
    gitlab: it_.clients.gitlab,
    project: TRACKER,
    now: () => clock,
    warn: (message) => warnings.push(message),
    attempt: it_.attempt,
  });
});

const issue = () => it_.gitlabEmu.issues(TRACKER)[0]!;
const notes = (iid: number) => it_.gitlabEmu.notes(TRACKER, iid);
const assignees = () => issue().assignees.map((a) => a.username);
const calls = (method: string, path: RegExp) => it_.gitlabEmu.calls.filter((c) => c.method === method && path.test(c.path));
const lines = (text: string | null) => (text ?? '').split('\n');

const open = (overrides: Partial<RequestState>) =>
  gitlab.createTrackerIssue({
    state: requestState({ tier: 3, system: OKTA_T, ...overrides }),
    reason: 'change request starts at Tier 3',
    slackThread: 'https://tierflow-sandbox.slack.com/archives/C0ITHELP/p1',
  });

describe('createTrackerIssue with issue templates', () => {
  it("opens an engineering issue from the system's issue template: its quick actions label it and assign the system owners", async () => {
    const ref = await open({ type: 'change', priority: 'P2' });
    expect(ref.warning).toBeUndefined();
    expect(calls('GET', /\/templates\/issues\/corpsys-okta-sso$/)).toHaveLength(1);
    expect(assignees()).toEqual(['okta-owner-1', 'okta-owner-2']);
    expect(issue().labels).toEqual(['CorpSec::Engineering', 'corpsys::okta-sso', 'priority::P2', 'tier::3', 'type::change']);
    const description = issue().description ?? '';
    expect(lines(description)).toContain('**System:** Okta SSO · **Owners:** @gitlab-com/gl-security/corp/sys/okta · **Issue template:** corpsys-okta-sso');
    expect(description).toContain('## Okta SSO engineering issue\n\n<!-- What should change, and why? -->\n\n- [ ] Change reviewed by a second system owner');
    // GitLab ran the quick actions and removed their lines.
    expect(lines(description).filter((l) => l.startsWith('/'))).toEqual([]);
  });

  it('opens an access request from the access request template', async () => {
    const ref = await open({ type: 'access' });
    expect(ref.warning).toBeUndefined();
    expect(calls('GET', /\/templates\/issues\/access-request-okta-sso$/)).toHaveLength(1);
    expect(calls('GET', /\/templates\/issues\/corpsys-okta-sso$/)).toHaveLength(0);
    expect(assignees()).toEqual(['okta-approver']);
    expect(issue().labels).toContain('access-request');
    expect(issue().description).toContain('## Okta SSO access request');
  });

  it("a requester's code after the template does not keep its quick actions from running (GitLab skips actions before code)", async () => {
    const description = 'Sign-in fails:\n```\nError E0000004: Authentication failed\n```\nI ran `okta verify`';
    await open({ type: 'change', description });
    expect(assignees()).toEqual(['okta-owner-1', 'okta-owner-2']);
    expect(issue().labels).toContain('CorpSec::Engineering');
    expect(issue().description).toContain('```\nError E0000004: Authentication failed\n```\nI ran `okta verify`');
  });

  it('hostile requester text never runs a quick action, even beside a template whose actions do', async () => {
    const hostile = ['/assign @mallory', '/label ~x ~"corpsys::aws"', '/unassign', '/close', '/title pwned', '/unlabel'].join('\n');
    await open({ type: 'change', summary: '/assign @mallory', description: hostile, requester: { email: 'm@example.com', name: '/close\n/assign @mallory' } });
    expect(issue()).toMatchObject({ state: 'opened', title: expect.stringContaining('] \u200b/assign @\u200bmallory') });
    expect(assignees()).toEqual(['okta-owner-1', 'okta-owner-2']);
    expect(issue().labels).toEqual(['CorpSec::Engineering', 'corpsys::okta-sso', 'priority::P3', 'tier::3', 'type::change']);
    expect(issue().description).toContain('\u200b/assign @\u200bmallory\n\u200b/label');
  });

  it('a template missing from the project (404): the built-in body, and the warning is returned and logged', async () => {
    it_.gitlabEmu.setIssueTemplate('corpsys-okta-sso', null);
    const ref = await open({ type: 'change' });
    const warning = `issue template corpsys-okta-sso not found in ${TRACKER}; opened with tierflow's built-in body`;
    expect(ref.warning).toBe(warning);
    expect(warnings).toEqual([`Tracker issue #${ref.iid} of ${issue().title.slice(1, issue().title.indexOf(']'))}: ${warning}`]);
    expect(assignees()).toEqual([]);
    expect(issue().labels).toEqual(['corpsys::okta-sso', 'priority::P3', 'tier::3', 'type::change']);
    expect(issue().description).not.toContain('**Issue template:**');
  });

  it('a retry that finds the issue an earlier attempt opened reports the same warning', async () => {
    it_.gitlabEmu.setIssueTemplate('corpsys-okta-sso', null);
    const state = requestState({ tier: 3, type: 'change', system: OKTA_T });
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    await failureOf(gitlab.createTrackerIssue({ state, reason: 'r', slackThread: null }));
    const again = await it_.retry(() => gitlab.createTrackerIssue({ state, reason: 'r', slackThread: null }));
    expect(it_.gitlabEmu.issues(TRACKER)).toHaveLength(1);
    expect(again.warning).toMatch(/^issue template corpsys-okta-sso not found/);
  });

  it('a request without a system opens with the built-in body and no warning (triage has no template)', async () => {
    const ref = await open({ type: 'change', system: null });
    expect(ref.warning).toBeUndefined();
    expect(calls('GET', /\/templates\//)).toHaveLength(0);
    expect(issue().description).toContain('**Owners:** Corporate Security triage');
  });

  it('a template that cannot be read for another reason (500) is a retryable failure, and no issue is opened', async () => {
    it_.gitlabEmu.failNext('/templates/issues/', { kind: 'server_error', status: 503 });
    expect(await failureOf(open({ type: 'change' }))).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    expect(it_.gitlabEmu.issues(TRACKER)).toHaveLength(0);
  });

  it('reads a template once per five minutes per set of activities', async () => {
    await open({ type: 'change' });
    await open({ type: 'change' });
    expect(calls('GET', /\/templates\/issues\//)).toHaveLength(1);
    clock += TEMPLATE_TTL_MS;
    await open({ type: 'change' });
    expect(calls('GET', /\/templates\/issues\//)).toHaveLength(2);
  });
});

describe('syncTrackerIssue: reassigning rewrites the description for the new system', () => {
  async function reassigned() {
    const state = requestState({ tier: 3, type: 'change', system: OKTA_T, description: 'Please rotate the SCIM token.\n`/close` is not me' });
    const { iid } = await gitlab.createTrackerIssue({ state, reason: 'change request starts at Tier 3', slackThread: null });
    const moved: RequestState = { ...state, system: GOOGLE_T };
    const args = { iid, effectId: `${state.id}#5`, state: moved, event: 'reassigned' as const, note: 'This is Google Workspace' };
    return { state, iid, args };
  }

  it("names the new system and owners, runs the new template's quick actions, unassigns the old template's owners", async () => {
    const { state, iid, args } = await reassigned();
    await gitlab.syncTrackerIssue(args);
    const description = issue().description ?? '';
    expect(description).not.toContain(OKTA_OWNERS);
    expect(description).not.toContain('Okta SSO');
    expect(lines(description)).toContain(`**System:** Google Workspace · **Owners:** @${GOOGLE_OWNERS} · **Issue template:** corpsys-google-workspace`);
    expect(description).toContain('## Google Workspace engineering issue');
    expect(description).toContain('**Why here:** change request starts at Tier 3');
    expect(description).toContain('Please rotate the SCIM token.\n`/close` is not me');
    expect(description.trimEnd().endsWith(`<!-- tierflow-request: ${state.id} -->`)).toBe(true);
    expect(assignees()).toEqual(['google-owner']);
    expect(issue().labels).toEqual(['CorpSec::Engineering', 'corpsys::google-workspace', 'priority::P3', 'tier::3', 'type::change']);
    // Labels and description in one edit.
    expect(calls('PUT', new RegExp(`/issues/${iid}$`))).toHaveLength(1);
    expect(calls('PUT', /\/issues\/\d+$/)[0]?.body).toMatchObject({ add_labels: 'corpsys::google-workspace', remove_labels: 'corpsys::okta-sso' });
  });

  it('keeps an assignee a person added, and a retry edits nothing', async () => {
    const { iid, args } = await reassigned();
    const grace = await new Gitlab({ host: it_.gitlabEmu.url, token: it_.gitlabEmu.tokenFor('grace') }).IssueNotes.create(TRACKER, iid, '/assign me');
    expect(grace).toBeTruthy();
    expect(assignees()).toEqual(['okta-owner-1', 'okta-owner-2', 'grace']);
    await gitlab.syncTrackerIssue(args);
    await it_.retry(() => gitlab.syncTrackerIssue(args));
    expect(assignees()).toEqual(['grace', 'google-owner']);
    expect(calls('PUT', /\/issues\/\d+$/)).toHaveLength(1);
    expect(notes(iid).filter((n) => n.author.username === 'tierflow-bot')).toHaveLength(1);
  });

  it('the issue is still found by its marker after the rewrite (a retried create adopts it)', async () => {
    const { state, iid, args } = await reassigned();
    await gitlab.syncTrackerIssue(args);
    const again = await it_.retry(() => gitlab.createTrackerIssue({ state: args.state, reason: 'x', slackThread: null }));
    expect(again.iid).toBe(iid);
    expect(issue().description).toContain(`tierflow-request: ${state.id}`);
  });

  it("does not rewrite a person's issue (a request that came from GitLab): only its labels move", async () => {
    const mallory = new Gitlab({ host: it_.gitlabEmu.url, token: it_.gitlabEmu.tokenFor('ada') });
    const theirs = await mallory.Issues.create(TRACKER, 'Okta SCIM token', { description: 'My own words', labels: 'corpsys::okta-sso,tier::3,priority::P3' });
    const state = requestState({ tier: 3, system: GOOGLE_T });
    await gitlab.syncTrackerIssue({ iid: theirs.iid, effectId: `${state.id}#2`, state, event: 'reassigned' });
    expect(issue().description).toBe('My own words');
    expect(issue().labels).toContain('corpsys::google-workspace');
  });

  it("a new system without a usable template: tierflow's body for it, with a warning logged", async () => {
    const { args } = await reassigned();
    it_.gitlabEmu.setIssueTemplate('corpsys-google-workspace', null);
    await gitlab.syncTrackerIssue(args);
    expect(warnings).toEqual([
      expect.stringContaining(
        "issue template corpsys-google-workspace not found in gitlab-com/gl-security/corp/issue-tracker; rewrote the description with tierflow's built-in body",
      ),
    ]);
    expect(issue().description).not.toContain(OKTA_OWNERS);
    expect(issue().description).not.toContain('**Issue template:**');
    expect(assignees()).toEqual([]);
  });
});

describe('syncTrackerIssue: who a note ccs', () => {
  async function opened() {
    const state = requestState({ tier: 3, type: 'change', system: OKTA_T });
    const { iid } = await gitlab.createTrackerIssue({ state, reason: 'r', slackThread: null });
    return { state, iid };
  }

  it('ccs exactly the groups given, each once, and drops what is not a group path', async () => {
    const { state, iid } = await opened();
    const mentions = ['gitlab-com/gl-security/corp/engineers', `@${GOOGLE_OWNERS}`, 'gitlab-com/gl-security/corp/engineers', 'x\n/close', 'all of us'];
    await gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#3`, state: { ...state, tier: 4 }, event: 'escalated', note: 'breach', mentions });
    const body = notes(iid)[0]?.body ?? '';
    expect(body.split('\n').filter((l) => l.startsWith('cc '))).toEqual([`cc @gitlab-com/gl-security/corp/engineers @${GOOGLE_OWNERS}`]);
    expect(body).not.toContain(OKTA_OWNERS);
    expect(issue().state).toBe('opened');
  });

  it('an empty list ccs nobody, even on entering a new tier', async () => {
    const { state, iid } = await opened();
    await gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#3`, state: { ...state, tier: 4 }, event: 'escalated', note: 'breach', mentions: [] });
    expect(notes(iid)[0]?.body).not.toContain('cc ');
  });

  it('without mentions (an effect from an older run), an escalation into a new tier ccs the system owners, as before', async () => {
    const { state, iid } = await opened();
    await gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#3`, state: { ...state, tier: 4 }, event: 'escalated', note: 'breach' });
    await gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#4`, state: { ...state, tier: 4 }, event: 'comment', note: 'hi' });
    expect(notes(iid).map((n) => n.body.split('\n').find((l) => l.startsWith('cc ')))).toEqual([`cc @${OKTA_OWNERS}`, undefined]);
  });

  it("a comment's hostile text runs no quick action on the issue", async () => {
    const { state, iid } = await opened();
    const note = '/close\n/assign @mallory\n/label ~x\n/unassign\n/title pwned';
    await gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#3`, state, event: 'comment', note, mentions: [] });
    expect(issue()).toMatchObject({ state: 'opened', title: expect.not.stringContaining('pwned') });
    expect(assignees()).toEqual(['okta-owner-1', 'okta-owner-2']);
    expect(issue().labels).not.toContain('x');
    expect(notes(iid)[0]?.body).toContain('> \u200b/close');
  });
});
