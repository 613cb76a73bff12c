import { Gitlab, GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { classifyGitlabError } from '../../activities/errors.js';
import { GITLAB_UNAVAILABLE } from '../../contracts/failures.js';
import { createSingleAttemptRequesterFn } from '../../activities/gitlab-requester.js';
import { createGitlabEmulator, type GitlabEmulator } from '../../sandbox/index.js';
import { TRACKER } from './support/fixtures.js';

let emu: GitlabEmulator;
let api: InstanceType<typeof Gitlab>;
beforeAll(async () => {
  emu = await createGitlabEmulator({ projects: [TRACKER] });
  api = new Gitlab({ host: emu.url, token: 'glpat-test', requesterFn: createSingleAttemptRequesterFn({ timeoutMs: 1_500 }), queryTimeout: null });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('the single-attempt GitLab requester', () => {
  it('answers like gitbeaker: parsed JSON bodies, list pagination followed', async () => {
    for (let n = 1; n <= 3; n += 1) await api.Issues.create(TRACKER, `Issue ${n}`, { labels: 'tier::3' });
    const all = await api.Issues.all({ projectId: TRACKER, perPage: 2 });
    expect(all.map((i) => i.title).sort()).toEqual(['Issue 1', 'Issue 2', 'Issue 3']);
  });

  it('keeps gitbeaker error shapes: GitbeakerRequestError with cause.response.status and the description', async () => {
    const error = await api.Issues.show(404, { projectId: TRACKER }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitbeakerRequestError);
    expect((error as GitbeakerRequestError).cause?.response.status).toBe(404);
    expect((error as GitbeakerRequestError).message).toBe('404 Not found');
  });

  it('sends a 502 or 429 once and hands it to the caller', async () => {
    emu.failNext('GET', { kind: 'server_error', status: 502 });
    await expect(api.Issues.all({ projectId: TRACKER })).rejects.toBeInstanceOf(GitbeakerRequestError);
    emu.failNext('GET', { kind: 'rate_limit', retryAfterSeconds: 3 });
    await expect(api.Issues.all({ projectId: TRACKER })).rejects.toBeInstanceOf(GitbeakerRequestError);
    expect(emu.calls).toHaveLength(2);
  });

  it('gives up on a slow answer after the request timeout with a GitbeakerTimeoutError', async () => {
    // Timeout 1.5 s (room for a busy CI machine's ordinary answers), answer after 6 s.
    emu.failNext('GET', { kind: 'slow', delayMs: 6_000 });
    const started = Date.now();
    const error = await api.Issues.all({ projectId: TRACKER }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(GitbeakerTimeoutError);
    expect(classifyGitlabError(error, 'listing issues')).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
  });
});
