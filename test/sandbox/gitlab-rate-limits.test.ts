/**
 * The GitLab emulator's rate limits, as GitLab.com applies them, on a clock the tests move:
 * the authenticated API throttle (with its `RateLimit-*` headers and `Retry-After`) and the
 * application limits on issue and note creation (a bare 429), through `fetch` and the real
 * `@gitbeaker/rest` client with tierflow's one-attempt requester.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createSingleAttemptRequesterFn } from '../../activities/gitlab-requester.js';
import { createGitlabEmulator, DEFAULT_GITLAB_PROJECT, type GitlabEmulator } from '../../sandbox/gitlab-emulator.js';
import { APPLICATION_LIMIT_BODY } from '../../sandbox/gitlab-rate-limits.js';

const MINUTE = Date.parse('2025-03-03T10:00:00Z');
let now = MINUTE;
let tight: GitlabEmulator;
let gitlabCom: GitlabEmulator;
let unlimited: GitlabEmulator;
const PROJECT = encodeURIComponent(DEFAULT_GITLAB_PROJECT);

beforeAll(async () => {
  tight = await createGitlabEmulator({ rateLimits: { now: () => now, apiPerMinute: 3 } });
  gitlabCom = await createGitlabEmulator({ rateLimits: { now: () => now } });
  unlimited = await createGitlabEmulator();
});
afterAll(() => Promise.all([tight.close(), gitlabCom.close(), unlimited.close()]));
beforeEach(() => {
  now = MINUTE + 15_000;
  for (const emu of [tight, gitlabCom, unlimited]) emu.reset();
});

const get = (emu: GitlabEmulator, path = `/api/v4/projects/${PROJECT}`, token = 'glpat-test') =>
  fetch(`${emu.url}${path}`, { headers: { 'private-token': token } });
const postJson = (emu: GitlabEmulator, path: string, body: unknown, token = 'glpat-test') =>
  fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'private-token': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const rateHeaders = (res: Response) =>
  Object.fromEntries([...res.headers.entries()].filter(([name]) => name.startsWith('ratelimit-') || name === 'retry-after'));

describe('the authenticated API throttle', () => {
  it('tells every answer the quota left, then answers 429 "Retry later" with Retry-After until the minute ends', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await get(tight));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const reset = String((MINUTE + 60_000) / 1000);
    expect(rateHeaders(answers[0]!)).toEqual({
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '3',
      'ratelimit-observed': '1',
      'ratelimit-remaining': '2',
      'ratelimit-reset': reset,
    });
    expect(rateHeaders(answers[3]!)).toEqual({
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '3',
      'ratelimit-observed': '4',
      'ratelimit-remaining': '0',
      'ratelimit-reset': reset,
      'ratelimit-resettime': 'Mon, 03 Mar 2025 10:01:00 GMT',
      'retry-after': '45',
    });
    expect(await answers[3]!.text()).toBe('Retry later\n');

    now = MINUTE + 60_000;
    expect((await get(tight)).status).toBe(200);
  });

  it('counts each user apart, and leaves out calls without a valid token (401 first)', async () => {
    for (let i = 0; i < 3; i += 1) await get(tight);
    expect((await get(tight)).status).toBe(429);
    expect((await get(tight, undefined, tight.tokenFor('grace'))).status).toBe(200);
    expect((await get(tight, undefined, 'glpat-invalid')).status).toBe(401);
  });

  it('stops the real client (one attempt per call, as tierflow builds it) with a 429 whose Retry-After it can read', async () => {
    const api = new Gitlab({ host: tight.url, token: 'glpat-test', requesterFn: createSingleAttemptRequesterFn() });
    for (let i = 0; i < 3; i += 1) await api.Projects.show(DEFAULT_GITLAB_PROJECT);
    const error = (await api.Projects.show(DEFAULT_GITLAB_PROJECT).catch((e: unknown) => e)) as { cause?: { response?: Response } };
    expect(error.cause?.response?.status).toBe(429);
    expect(error.cause?.response?.headers.get('retry-after')).toBe('45');
  });

  it('is GitLab.com’s 2,000 a minute by default, and off unless asked', async () => {
    expect((await get(gitlabCom)).headers.get('ratelimit-limit')).toBe('2000');
    const plain = await get(unlimited);
    expect(plain.status).toBe(200);
    expect(rateHeaders(plain)).toEqual({});
  });
});

describe('the application limits', () => {
  const createIssue = (emu: GitlabEmulator, title: string, token?: string) => postJson(emu, `/api/v4/projects/${PROJECT}/issues`, { title }, token);

  it('creates 200 issues a minute per project and user, then answers 429 without Retry-After and creates nothing', async () => {
    const statuses = [];
    for (let i = 0; i < 201; i += 1) statuses.push((await createIssue(gitlabCom, `issue ${i}`)).status);
    expect(statuses.slice(0, 200).every((s) => s === 201)).toBe(true);
    const refused = await createIssue(gitlabCom, 'one too many');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await refused.json()).toEqual(APPLICATION_LIMIT_BODY);
    expect(gitlabCom.issues(DEFAULT_GITLAB_PROJECT)).toHaveLength(200);

    expect((await createIssue(gitlabCom, 'a person’s', gitlabCom.tokenFor('ada'))).status).toBe(201);
    now = MINUTE + 60_000;
    expect((await createIssue(gitlabCom, 'next minute')).status).toBe(201);
  });

  it('adds 60 notes a minute per user, then answers 429 and adds nothing', async () => {
    const { iid } = (await (await createIssue(gitlabCom, 'with notes')).json()) as { iid: number };
    const addNote = (body: string) => postJson(gitlabCom, `/api/v4/projects/${PROJECT}/issues/${iid}/notes`, { body });
    for (let i = 0; i < 60; i += 1) expect((await addNote(`note ${i}`)).status).toBe(201);
    const refused = await addNote('one too many');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual(APPLICATION_LIMIT_BODY);
    expect(gitlabCom.notes(DEFAULT_GITLAB_PROJECT, iid)).toHaveLength(60);
  });
});
