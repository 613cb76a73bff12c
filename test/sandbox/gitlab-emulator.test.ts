import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Gitlab, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { createGitlabEmulator, DEFAULT_GITLAB_PROJECT, type GitlabEmulator } from '../../sandbox/gitlab-emulator.js';

const PROJECT = DEFAULT_GITLAB_PROJECT;
const OTHER = 'gitlab-com/gl-security/corp/other';
let gitlab: GitlabEmulator;

function api(token = 'glpat-test', queryTimeout?: number) {
  return new Gitlab({ host: gitlab.url, token, ...(queryTimeout ? { queryTimeout } : {}) });
}

const OKTA_TEMPLATE = '## Okta SSO\n\n/label ~"corpsys::okta-sso" ~"CorpSec::Engineering"\n/assign @okta-owner';

beforeAll(async () => {
  gitlab = await createGitlabEmulator({ projects: [PROJECT, OTHER], issueTemplates: { 'corpsys-okta-sso': OKTA_TEMPLATE } });
});
afterEach(() => gitlab.reset());
afterAll(() => gitlab.close());

describe('gitlab emulator, issues', () => {
  it('Projects.show finds the project by its URL-encoded path and by its numeric id', async () => {
    const byPath = await api().Projects.show(PROJECT);
    expect(byPath).toMatchObject({ id: 1000, path_with_namespace: PROJECT, web_url: `${gitlab.url}/${PROJECT}` });
    expect(await api().Projects.show(1001)).toMatchObject({ path_with_namespace: OTHER });
    expect(gitlab.calls[0]?.path).toBe(`/api/v4/projects/${encodeURIComponent(PROJECT)}`);
  });

  it('Issues.create answers with GitLab issue JSON, and iids count per project', async () => {
    const issue = await api().Issues.create(PROJECT, 'Okta SSO is down', {
      description: 'Users locked out',
      labels: 'corpsys::okta-sso,tier::3',
      assigneeIds: [42],
      confidential: true,
    });
    expect(issue).toMatchObject({
      iid: 1,
      project_id: 1000,
      title: 'Okta SSO is down',
      description: 'Users locked out',
      state: 'opened',
      labels: ['corpsys::okta-sso', 'tier::3'],
      confidential: true,
      assignees: [expect.objectContaining({ id: 42 })],
      web_url: `${gitlab.url}/${PROJECT}/-/issues/1`,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const second = await api().Issues.create(PROJECT, 'second');
    const elsewhere = await api().Issues.create(OTHER, 'elsewhere');
    expect([second.iid, elsewhere.iid]).toEqual([2, 1]);
    expect(second.id).not.toBe(issue.id);
    expect(gitlab.issues(PROJECT).map((i) => i.title)).toEqual(['Okta SSO is down', 'second']);
    expect(gitlab.calls[0]).toMatchObject({ method: 'POST', status: 201, body: { title: 'Okta SSO is down', assignee_ids: [42] } });
  });

  it('Issues.all filters by search in description, labels, state and iids', async () => {
    const client = api();
    await client.Issues.create(PROJECT, 'VPN broken', { description: 'marker tierflow:r-1', labels: 'corpsys::vpn' });
    await client.Issues.create(PROJECT, 'Okta marker tierflow:r-2', { description: 'nothing here', labels: 'corpsys::okta-sso,priority::P1' });
    const third = await client.Issues.create(PROJECT, 'Laptop', { labels: 'corpsys::okta-sso' });
    await client.Issues.edit(PROJECT, third.iid, { stateEvent: 'close' });
    const titles = async (options: Record<string, unknown>) =>
      ((await client.Issues.all({ projectId: PROJECT, ...options })) as Array<{ title: string }>).map((i) => i.title);
    expect(await titles({ search: 'tierflow:r-1', in: 'description' })).toEqual(['VPN broken']);
    expect(await titles({ search: 'tierflow:r-2', in: 'description' })).toEqual([]);
    expect(await titles({ search: 'TIERFLOW:R-2' })).toEqual(['Okta marker tierflow:r-2']);
    expect(await titles({ labels: 'corpsys::okta-sso' })).toEqual(['Laptop', 'Okta marker tierflow:r-2']);
    expect(await titles({ labels: 'corpsys::okta-sso', state: 'opened' })).toEqual(['Okta marker tierflow:r-2']);
    expect(await titles({ state: 'closed' })).toEqual(['Laptop']);
    expect(await titles({ iids: [1, 3] })).toEqual(['Laptop', 'VPN broken']);
    await expect(client.Issues.all({ projectId: PROJECT, state: 'nope' as never })).rejects.toThrow('state does not have a valid value');
  });

  it('Issues.all follows the pagination link header, and reports x-total / x-next-page when expanded', async () => {
    const client = api();
    for (let n = 1; n <= 5; n += 1) await client.Issues.create(PROJECT, `issue ${n}`);
    const all = (await client.Issues.all({ projectId: PROJECT, perPage: 2 })) as Array<{ iid: number }>;
    expect(all.map((i) => i.iid)).toEqual([5, 4, 3, 2, 1]);
    expect(gitlab.calls.filter((c) => c.method === 'GET')).toHaveLength(3);
    const page = await client.Issues.all({ projectId: PROJECT, perPage: 2, page: 2, showExpanded: true });
    expect(page.data.map((i) => i.iid)).toEqual([3, 2]);
    expect(page.paginationInfo).toMatchObject({ total: 5, next: 3, current: 2, previous: 1, perPage: 2, totalPages: 3 });
  });

  it('Issues.edit closes and reopens, adds and removes labels, and a scoped label replaces its scope', async () => {
    const client = api();
    const { iid } = await client.Issues.create(PROJECT, 'Okta', { labels: 'tier::3,corpsys::okta-sso' });
    const closed = await client.Issues.edit(PROJECT, iid, { stateEvent: 'close' });
    expect(closed).toMatchObject({ state: 'closed', closed_at: expect.any(String), closed_by: expect.objectContaining({ username: 'tierflow-bot' }) });
    const reopened = await client.Issues.edit(PROJECT, iid, { stateEvent: 'reopen', addLabels: 'tier::4,breached', removeLabels: 'corpsys::okta-sso' });
    expect(reopened).toMatchObject({ state: 'opened', closed_at: null, labels: ['breached', 'tier::4'] });
    const replaced = await client.Issues.edit(PROJECT, iid, { labels: 'a,b', title: 'Okta (renamed)', description: 'new' });
    expect(replaced).toMatchObject({ labels: ['a', 'b'], title: 'Okta (renamed)', description: 'new' });
    expect(await client.Issues.show(iid, { projectId: PROJECT })).toMatchObject({ title: 'Okta (renamed)', state: 'opened' });
    expect(gitlab.issues(PROJECT)[0]).toMatchObject({ labels: ['a', 'b'] });
  });

  it('IssueNotes.create adds notes that IssueNotes.all lists newest first and the issue counts', async () => {
    const client = api();
    const { iid } = await client.Issues.create(PROJECT, 'Okta');
    const note = await client.IssueNotes.create(PROJECT, iid, 'Escalated to Tier 3 @sysowners-okta-sso');
    expect(note).toMatchObject({ body: 'Escalated to Tier 3 @sysowners-okta-sso', noteable_iid: iid, noteable_type: 'Issue', system: false });
    await client.IssueNotes.create(PROJECT, iid, 'second');
    const notes = (await client.IssueNotes.all(PROJECT, iid)) as Array<{ body: string }>;
    expect(notes.map((n) => n.body)).toEqual(['second', 'Escalated to Tier 3 @sysowners-okta-sso']);
    expect(gitlab.notes(PROJECT, iid).map((n) => n.body)).toEqual(['Escalated to Tier 3 @sysowners-okta-sso', 'second']);
    expect((await client.Issues.show(iid, { projectId: PROJECT })).user_notes_count).toBe(2);
  });
});

describe('gitlab emulator, issue templates', () => {
  it('ProjectTemplates.show serves a configured issue template as { name, content }, in every project', async () => {
    expect(await api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-okta-sso')).toEqual({ name: 'corpsys-okta-sso', content: OKTA_TEMPLATE });
    expect(await api().ProjectTemplates.show(1001, 'issues', 'corpsys-okta-sso')).toMatchObject({ content: OKTA_TEMPLATE });
    expect(gitlab.calls[0]?.path).toBe(`/api/v4/projects/${encodeURIComponent(PROJECT)}/templates/issues/corpsys-okta-sso`);
  });

  it('an unknown template is 404 Template Not Found; an unknown project 404 Project Not Found', async () => {
    await expect(api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-nope')).rejects.toMatchObject({ message: '404 Template Not Found' });
    await expect(api().ProjectTemplates.show('nope/nope', 'issues', 'corpsys-okta-sso')).rejects.toThrow('404 Project Not Found');
    expect(gitlab.calls.map((c) => c.status)).toEqual([404, 404]);
  });

  it('setIssueTemplate adds, replaces and removes templates until reset restores the configured ones', async () => {
    gitlab.setIssueTemplate('corpsys-aws', '/label ~"corpsys::aws"');
    gitlab.setIssueTemplate('corpsys-okta-sso', null);
    expect(await api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-aws')).toMatchObject({ content: '/label ~"corpsys::aws"' });
    await expect(api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-okta-sso')).rejects.toThrow('404 Template Not Found');
    gitlab.reset();
    await expect(api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-aws')).rejects.toThrow('404 Template Not Found');
    expect(await api().ProjectTemplates.show(PROJECT, 'issues', 'corpsys-okta-sso')).toMatchObject({ content: OKTA_TEMPLATE });
  });
});

describe('gitlab emulator, quick actions', () => {
  it('runs the quick actions of a new issue: labels, assignees by username, and removes their lines', async () => {
    const issue = await api().Issues.create(PROJECT, 'Okta', { description: `Text first\n${OKTA_TEMPLATE}`, labels: 'tier::3' });
    expect(issue).toMatchObject({
      labels: ['CorpSec::Engineering', 'corpsys::okta-sso', 'tier::3'],
      assignees: [expect.objectContaining({ username: 'okta-owner' })],
      assignee: expect.objectContaining({ username: 'okta-owner' }),
      description: 'Text first\n## Okta SSO',
    });
    expect(gitlab.issues(PROJECT)[0]?.assignees.map((a) => a.username)).toEqual(['okta-owner']);
  });

  it('runs the quick actions of a description edit after the other fields', async () => {
    const client = api();
    const { iid } = await client.Issues.create(PROJECT, 'Okta', { description: '/assign @a @b' });
    const edited = await client.Issues.edit(PROJECT, iid, { addLabels: 'x', description: 'new text\n/unassign @a\n/unlabel ~x\n/title Renamed\n/close' });
    expect(edited).toMatchObject({
      description: 'new text',
      labels: [],
      title: 'Renamed',
      state: 'closed',
      closed_by: expect.objectContaining({ username: 'tierflow-bot' }),
    });
    expect(edited.assignees?.map((a) => a.username)).toEqual(['b']);
  });

  it('runs the quick actions of a note; a note of quick actions only is not kept (202)', async () => {
    const client = api(gitlab.tokenFor('grace'));
    const { iid } = await api().Issues.create(PROJECT, 'Okta');
    const note = await client.IssueNotes.create(PROJECT, iid, 'Taking this\n/assign me\n/label ~"priority::P1"');
    expect(note).toMatchObject({ body: 'Taking this' });
    await client.IssueNotes.create(PROJECT, iid, '/close');
    expect(gitlab.calls.at(-1)?.status).toBe(202);
    expect(gitlab.notes(PROJECT, iid).map((n) => n.body)).toEqual(['Taking this']);
    expect(gitlab.issues(PROJECT)[0]).toMatchObject({ state: 'closed', labels: ['priority::P1'], assignees: [expect.objectContaining({ username: 'grace' })] });
  });

  it('runs nothing on lines that do not start with /: indented, quoted, or broken with a zero-width space', async () => {
    const inert = [' /close', '> /label ~x', '\u200b/assign @mallory', 'text /close'].join('\n');
    const issue = await api().Issues.create(PROJECT, 'Okta', { description: inert });
    await api().IssueNotes.create(PROJECT, issue.iid, inert);
    expect(gitlab.issues(PROJECT)[0]).toMatchObject({ state: 'opened', labels: [], assignees: [], description: inert });
    expect(gitlab.notes(PROJECT, issue.iid)[0]?.body).toBe(inert);
  });

  it("does not run a command followed by code, as GitLab's extractor does not", async () => {
    const issue = await api().Issues.create(PROJECT, 'Okta', { description: '/close\n```\nlog\n```' });
    expect(issue).toMatchObject({ state: 'opened', description: '/close\n```\nlog\n```' });
  });
});

describe('gitlab emulator, users', () => {
  it("GET /user is the token's user: the bot for any token, a person for a token of tokenFor", async () => {
    expect(await api().Users.showCurrentUser()).toMatchObject({ id: 1, username: 'tierflow-bot' });
    const mallory = await api(gitlab.tokenFor('mallory')).Users.showCurrentUser();
    expect(mallory).toMatchObject({ username: 'mallory' });
    expect(mallory.id).not.toBe(1);
    expect(gitlab.tokenFor('mallory')).toBe(gitlab.tokenFor('mallory'));
    expect((await api(gitlab.tokenFor('grace')).Users.showCurrentUser()).id).not.toBe(mallory.id);
  });

  it("issues, notes and closes are authored by the token's user", async () => {
    const asMallory = api(gitlab.tokenFor('mallory'));
    const planted = await asMallory.Issues.create(PROJECT, 'planted', { description: 'copied text' });
    const ours = await api().Issues.create(PROJECT, 'ours');
    await asMallory.IssueNotes.create(PROJECT, ours.iid, "a person's note");
    await api().IssueNotes.create(PROJECT, ours.iid, "the bot's note");
    await asMallory.Issues.edit(PROJECT, ours.iid, { stateEvent: 'close' });
    expect(planted.author).toMatchObject({ username: 'mallory' });
    expect(gitlab.issues(PROJECT).map((i) => [i.title, i.author.username])).toEqual([
      ['planted', 'mallory'],
      ['ours', 'tierflow-bot'],
    ]);
    expect(gitlab.notes(PROJECT, ours.iid).map((n) => n.author.username)).toEqual(['mallory', 'tierflow-bot']);
    expect(gitlab.issues(PROJECT)[1]?.closed_by?.username).toBe('mallory');
  });

  it('numbers projects from firstProjectId when asked', async () => {
    const other = await createGitlabEmulator({ projects: [PROJECT], firstProjectId: 424_242 });
    try {
      expect(other.projects()[0]?.id).toBe(424_242);
      const issue = await new Gitlab({ host: other.url, token: 'glpat-test' }).Issues.create(PROJECT, 'x');
      expect(issue.project_id).toBe(424_242);
    } finally {
      await other.close();
    }
  });
});

describe('gitlab emulator, errors and failures', () => {
  it.each([['glpat-invalid'], ['']])('token "%s" is refused with 401 Unauthorized', async (token) => {
    await expect(api(token).Issues.create(PROJECT, 'x')).rejects.toMatchObject({ name: 'GitbeakerRequestError', message: '401 Unauthorized' });
    expect(gitlab.calls[0]?.status).toBe(401);
    expect(gitlab.issues(PROJECT)).toHaveLength(0);
  });

  it('an unknown project is 404 Project Not Found and an unknown issue 404 Not found', async () => {
    await expect(api().Issues.create('nope/nope', 'x')).rejects.toThrow('404 Project Not Found');
    await expect(api().Issues.show(99, { projectId: PROJECT })).rejects.toThrow('404 Not found');
    expect(gitlab.calls.map((c) => c.status)).toEqual([404, 404]);
  });

  it('invalid parameters are 400: blank title, unknown state_event, an edit without fields, a note without body', async () => {
    const client = api();
    await expect(client.Issues.create(PROJECT, '')).rejects.toThrow('"title":["can\'t be blank"]');
    const { iid } = await client.Issues.create(PROJECT, 'ok');
    await expect(client.Issues.edit(PROJECT, iid, { stateEvent: 'finish' as never })).rejects.toThrow('state_event does not have a valid value');
    await expect(client.Issues.edit(PROJECT, iid, {})).rejects.toThrow('at least one parameter must be provided');
    await expect(client.IssueNotes.create(PROJECT, iid, '  ')).rejects.toThrow("can't be blank");
    expect(gitlab.calls.map((c) => c.status)).toEqual([400, 201, 400, 400, 400]);
  });

  it('gitbeaker retries a 502 or a 429 by itself (ignoring Retry-After) and the issue is created once', async () => {
    gitlab.failNext('POST /api/v4/projects', { kind: 'server_error', status: 502 });
    gitlab.failNext('POST /api/v4/projects', { kind: 'rate_limit', retryAfterSeconds: 30 });
    const started = Date.now();
    await api().Issues.create(PROJECT, 'retried');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(gitlab.calls.map((c) => c.status)).toEqual([502, 429, 201]);
    expect(gitlab.issues(PROJECT)).toHaveLength(1);
  });

  it('gitbeaker gives up after 10 attempts of 429 with a GitbeakerRetryError', async () => {
    gitlab.failNext('/issues', { kind: 'rate_limit', retryAfterSeconds: 1 }, 10);
    await expect(api().Issues.all({ projectId: PROJECT })).rejects.toBeInstanceOf(GitbeakerRetryError);
    expect(gitlab.calls).toHaveLength(10);
  });

  it('a 500 or 503 is not retried by gitbeaker and surfaces as a request error', async () => {
    gitlab.failNext('/issues', { kind: 'server_error', status: 503 });
    await expect(api().Issues.create(PROJECT, 'x')).rejects.toMatchObject({ name: 'GitbeakerRequestError', message: '503 Service Unavailable' });
    gitlab.failNext('/issues', { kind: 'server_error' });
    await expect(api().Issues.create(PROJECT, 'x')).rejects.toThrow('500 Internal Server Error');
    expect(gitlab.issues(PROJECT)).toHaveLength(0);
  });

  it('an ambiguous create makes a duplicate issue through gitbeaker retrying the 502 — callers must search before creating', async () => {
    gitlab.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    const issue = await api().Issues.create(PROJECT, 'once?');
    expect(issue.iid).toBe(2);
    expect(gitlab.issues(PROJECT).map((i) => i.title)).toEqual(['once?', 'once?']);
    expect(gitlab.calls.map((c) => [c.status, c.failure])).toEqual([
      [502, 'ambiguous'],
      [201, undefined],
    ]);
  });

  it('an ambiguous create answered by a dropped socket fails the call although the issue exists', async () => {
    gitlab.failNext('POST /api/v4/projects', { kind: 'ambiguous', answer: 'drop' });
    await expect(api().Issues.create(PROJECT, 'lost answer')).rejects.toThrow('fetch failed');
    expect(gitlab.issues(PROJECT).map((i) => i.title)).toEqual(['lost answer']);
  });

  it('a dropped connection fails the call and creates nothing', async () => {
    gitlab.failNext('POST', { kind: 'drop' });
    await expect(api().Issues.create(PROJECT, 'dropped')).rejects.toThrow('fetch failed');
    expect(gitlab.issues(PROJECT)).toHaveLength(0);
  });

  it('a slow answer arrives late but correct; past queryTimeout gitbeaker times out although the issue was created', async () => {
    gitlab.failNext('POST', { kind: 'slow', delayMs: 250 }, 2);
    const started = Date.now();
    expect(await api().Issues.create(PROJECT, 'slow')).toMatchObject({ iid: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    await expect(api('glpat-test', 50).Issues.create(PROJECT, 'too slow')).rejects.toBeInstanceOf(GitbeakerTimeoutError);
    expect(gitlab.issues(PROJECT).map((i) => i.title)).toEqual(['slow', 'too slow']);
  });

  it('calls are recorded with the PRIVATE-TOKEN redacted', async () => {
    await api('glpat-secret-456').Issues.create(PROJECT, 'x');
    expect(gitlab.calls[0]?.headers['private-token']).toBe('***');
    expect(JSON.stringify(gitlab.calls)).not.toContain('glpat-secret-456');
  });
});
