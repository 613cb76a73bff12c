import { describe, expect, it } from 'vitest';

import { markedRequestId } from '../../contracts/tracker-marker.js';
import { gitlabTokenMatches } from '../../intake/routes/gitlab.js';
import { GatewayError } from '../../intake/temporal-gateway.js';
import { effectMarker, requestMarker } from '../../contracts/tracker-marker.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { issueHook, noteHook, TRACKER_ID } from './support/payloads.js';
import { GITLAB_SECRET, postGitlab, signedApp } from './support/signed-app.js';

/** A description as tierflow writes it: facts, then the hidden request marker last. */
const ours = (id: string) => `**Request:** Locked out of Okta\n\n### Description\n\nMFA reset\n\n<!-- ${requestMarker(id)} -->`;
/** A gateway where `req-json-a` records issue #7 of the tracker (and `form-8812` issue #8). */
const tracking = (behaviour: Parameters<typeof recordingGateway>[0] = {}) =>
  recordingGateway(behaviour, { trackerIssues: { [`${TRACKER_ID}#7`]: 'req-json-a', [`${TRACKER_ID}#8`]: 'req-json-form-8812' } });

describe('POST /webhooks/gitlab: the token', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'not-the-secret'],
    ['a token that is a prefix of the secret', GITLAB_SECRET.slice(0, 10)],
  ])('rejects %s with 401 and acts on nothing', async (_name, token) => {
    const { gateway, acts } = recordingGateway();
    const res = await postGitlab(signedApp(gateway), issueHook('close', { iid: 1, description: ours('req-json-a') }), { token });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/X-Gitlab-Token/);
    expect(acts).toHaveLength(0);
  });

  it('refuses every hook with 401 naming GITLAB_WEBHOOK_SECRET when it is not set', async () => {
    const { gateway } = recordingGateway();
    const res = await postGitlab(signedApp(gateway, { gitlabSecret: null }), issueHook('close', { iid: 1 }));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/GITLAB_WEBHOOK_SECRET is not set/);
  });

  it('compares tokens without regard to length or content leaking', () => {
    expect(gitlabTokenMatches(GITLAB_SECRET, GITLAB_SECRET)).toBe(true);
    expect(gitlabTokenMatches(`${GITLAB_SECRET}x`, GITLAB_SECRET)).toBe(false);
    expect(gitlabTokenMatches(['a', 'b'], GITLAB_SECRET)).toBe(false);
    expect(gitlabTokenMatches(undefined, GITLAB_SECRET)).toBe(false);
  });
});

describe('POST /webhooks/gitlab: Issue Hook', () => {
  it('resolves the request that records the closed issue, with the Idempotency-Key as update id', async () => {
    const { gateway, acts } = tracking();
    const res = await postGitlab(signedApp(gateway), issueHook('close', { iid: 8, description: ours('req-json-form-8812') }), {
      key: '908a6d9e-45fd-46c8-97e6-c4f350f219dd',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, request: 'req-json-form-8812', status: 'resolved' });
    expect(acts).toEqual([
      {
        id: 'req-json-form-8812',
        action: 'resolve',
        args: { actor: 'grace', source: 'gitlab', note: 'issue closed in GitLab' },
        updateId: 'gitlab-908a6d9e-45fd-46c8-97e6-c4f350f219dd',
      },
    ]);
  });

  it('passes a redelivery (same Idempotency-Key) to Temporal with the same update id', async () => {
    const { gateway, acts } = tracking();
    const app = signedApp(gateway);
    for (let i = 0; i < 2; i += 1) await postGitlab(app, issueHook('close', { iid: 7, description: ours('req-json-a') }), { key: 'k-1' });
    expect(acts.map((a) => a.updateId)).toEqual(['gitlab-k-1', 'gitlab-k-1']);
  });

  it('reopens on reopen, and finds the request an issue someone opened in the tracker started', async () => {
    const { gateway, acts } = recordingGateway({}, { requests: { [`req-gitlab-${TRACKER_ID}-12`]: { running: true, trackerIssue: `${TRACKER_ID}#12` } } });
    await postGitlab(signedApp(gateway), issueHook('reopen', { iid: 12, description: 'opened by a person' }), { key: 'k-2' });
    expect(acts).toEqual([
      {
        id: `req-gitlab-${TRACKER_ID}-12`,
        action: 'reopen',
        args: { actor: 'grace', source: 'gitlab', note: 'issue reopened in GitLab' },
        updateId: 'gitlab-k-2',
      },
    ]);
  });

  it('starts a request from an issue opened in the tracker, typed and prioritised by its labels', async () => {
    const { gateway, started } = recordingGateway();
    const hook = issueHook('open', {
      iid: 23,
      title: 'Add a VPN route',
      description: '/close\n/assign @someone\nplease',
      labels: ['corpsys::nordlayer', 'type::access', 'priority::P2', 'API'],
    });
    const res = await postGitlab(signedApp(gateway), hook);
    expect(res.statusCode).toBe(200);
    expect(started).toEqual([
      {
        id: `req-gitlab-${TRACKER_ID}-23`,
        source: 'gitlab',
        requester: { email: 'grace@users.gitlab.invalid', gitlabUsername: 'grace', name: 'Grace Hopper' },
        summary: 'Add a VPN route',
        description: '/close\n/assign @someone\nplease',
        system: 'corpsys::nordlayer',
        type: 'access',
        priority: 'P2',
        gitlabIssue: { iid: 23, url: 'https://gitlab.example.com/gitlab-com/gl-security/corp/issue-tracker/-/issues/23', projectId: TRACKER_ID },
      },
    ]);
  });

  it('defaults the type of a tracker issue without a type:: label to change', async () => {
    const { gateway, started } = recordingGateway();
    await postGitlab(signedApp(gateway), issueHook('open', { iid: 24, labels: [] }));
    expect(started[0]?.type).toBe('change');
    expect(started[0]?.priority).toBeUndefined();
  });

  it.each([
    ['the open of an issue tierflow created', issueHook('open', { iid: 7, description: ours('req-json-a') }), /opened by tierflow/],
    ['an update', issueHook('update', { iid: 5, description: ours('req-json-a') }), /update is not handled/],
    ['a close in another project', issueHook('close', { iid: 5, description: ours('req-json-a') }, { projectId: 77, path: 'someone/else' }), /not the tracker/],
    ['a push hook', { object_kind: 'push', ref: 'refs/heads/main' }, /push hooks are not handled/],
  ])('acknowledges %s with 200 ignored', async (_name, hook, reason) => {
    const { gateway, started, acts } = tracking();
    const res = await postGitlab(signedApp(gateway), hook);
    expect(res.statusCode).toBe(200);
    expect(res.json().ignored).toMatch(reason);
    expect([...started, ...acts]).toHaveLength(0);
  });

  it('acknowledges the close of an untracked issue with 200 ignored, acting on nothing', async () => {
    const { gateway, acts } = tracking();
    const res = await postGitlab(signedApp(gateway), issueHook('close', { iid: 99, description: 'no marker' }), { key: 'k-3' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, ignored: 'untracked issue' });
    expect(acts).toEqual([]);
  });

  it('acknowledges a close whose request vanished between the lookup and the action', async () => {
    const vanished = tracking({
      act: async (id) => {
        throw new GatewayError('not_found', `no request with id ${id}`);
      },
    });
    const res = await postGitlab(signedApp(vanished.gateway), issueHook('close', { iid: 7 }), { key: 'k-3b' });
    expect(res.json()).toEqual({ ok: true, ignored: 'untracked issue' });
  });

  it('acknowledges a resolve refused because tierflow itself closed the issue', async () => {
    const refused = tracking({
      act: async () => {
        throw new GatewayError('conflict', 'cannot resolve: request is already resolved');
      },
    });
    const res = await postGitlab(signedApp(refused.gateway), issueHook('close', { iid: 7, description: ours('req-json-a') }), { key: 'k-4' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, ignored: 'cannot resolve: request is already resolved' });
  });

  it('answers 503 with Retry-After when Temporal is unreachable', async () => {
    const res = await postGitlab(
      signedApp(failingGateway('unavailable', 'Temporal is unreachable; retry later')),
      issueHook('close', { iid: 7, description: ours('req-json-a') }),
    );
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it.each([
    ['malformed JSON', '{"object_kind":', 400, /malformed JSON/],
    ['no object_kind', '{}', 400, /object_kind/],
    [
      'an issue hook without iid',
      JSON.stringify({ ...issueHook('close', { iid: 1 }), object_attributes: { title: 'x', url: 'u', action: 'close' } }),
      400,
      /object_attributes\.iid/,
    ],
    ['an issue hook with a bad username', JSON.stringify({ ...issueHook('close', { iid: 1 }), user: { username: 'a b' } }), 400, /user\.username/],
  ])('answers %s with %i naming the problem', async (_name, body, status, message) => {
    const { gateway } = recordingGateway();
    const res = await signedApp(gateway).inject({
      method: 'POST',
      url: '/webhooks/gitlab',
      payload: body,
      headers: { 'content-type': 'application/json', 'x-gitlab-token': GITLAB_SECRET },
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatch(message);
  });
});

describe('POST /webhooks/gitlab: Note Hook', () => {
  it('turns a note on a tracked issue into a comment by its author', async () => {
    const { gateway, acts } = tracking();
    const res = await postGitlab(signedApp(gateway), noteHook('Route added, please test', { iid: 7, description: ours('req-json-a') }), {
      key: 'note-1',
      event: 'Note Hook',
    });
    expect(res.statusCode).toBe(200);
    expect(acts).toEqual([
      { id: 'req-json-a', action: 'comment', args: { actor: 'grace', note: 'Route added, please test', source: 'gitlab' }, updateId: 'gitlab-note-1' },
    ]);
  });

  it.each([
    [
      'a note tierflow wrote (loop guard)',
      noteHook(`**Resolved**\n\n> done\n\n${effectMarker('req-json-a#4')}`, { iid: 7, description: ours('req-json-a') }),
      /written by tierflow/,
    ],
    ['a system note', noteHook('changed the description', { iid: 7 }, { system: true }), /system note/],
    ['a note on a merge request', noteHook('LGTM', { iid: 7 }, { noteableType: 'MergeRequest' }), /note on MergeRequest/],
    ['a note in another project', noteHook('hi', { iid: 7 }, { projectId: 5, path: 'gitlab-org/gitlab-test' }), /not the tracker/],
  ])('ignores %s', async (_name, hook, reason) => {
    const { gateway, acts } = tracking();
    const res = await postGitlab(signedApp(gateway), hook, { event: 'Note Hook' });
    expect(res.statusCode).toBe(200);
    expect(res.json().ignored).toMatch(reason);
    expect(acts).toHaveLength(0);
  });
});

describe('POST /webhooks/gitlab: a copied marker picks no request', () => {
  // The victim, req-json-victim, records issue #7. Mallory opens #40 with the victim's marker in
  // its description (request ids show in every Slack thread).
  const VICTIM = 'req-json-victim';
  const forged = `Please look at this\n\n<!-- ${requestMarker(VICTIM)} -->`;
  const victimGateway = (requests: Record<string, { running: boolean; trackerIssue: string | null }> = {}) =>
    recordingGateway(
      {},
      { trackerIssues: { [`${TRACKER_ID}#7`]: VICTIM }, requests: { [VICTIM]: { running: true, trackerIssue: `${TRACKER_ID}#7` }, ...requests } },
    );

  it.each([
    ['closing', issueHook('close', { iid: 40, description: forged }), 'Issue Hook'],
    ['reopening', issueHook('reopen', { iid: 40, description: forged }), 'Issue Hook'],
    ['a note on', noteHook('please close, done', { iid: 40, description: forged }), 'Note Hook'],
  ])('%s the forged issue does nothing to the victim: it is an untracked issue', async (_name, hook, event) => {
    const { gateway, acts, started } = victimGateway();
    const res = await postGitlab(signedApp(gateway), hook, { event, key: `forged-${event}` });
    expect(res.json()).toEqual({ ok: true, ignored: 'untracked issue' });
    expect([...acts, ...started]).toEqual([]);
  });

  it('once the forged issue is a request of its own, closing it resolves that request, not the victim', async () => {
    const { gateway, acts } = victimGateway({ [`req-gitlab-${TRACKER_ID}-40`]: { running: true, trackerIssue: `${TRACKER_ID}#40` } });
    await postGitlab(signedApp(gateway), issueHook('close', { iid: 40, description: forged }), { key: 'forged-own' });
    expect(acts.map((a) => a.id)).toEqual([`req-gitlab-${TRACKER_ID}-40`]);
  });

  it('opening the forged issue starts a request about that issue, and acts on nothing else', async () => {
    const { gateway, acts, started } = victimGateway();
    const res = await postGitlab(signedApp(gateway), issueHook('open', { iid: 40, description: forged }));
    expect(res.json()).toEqual({ ok: true, request: `req-gitlab-${TRACKER_ID}-40`, duplicate: false });
    expect(started.map((s) => [s.id, s.gitlabIssue])).toEqual([[`req-gitlab-${TRACKER_ID}-40`, expect.objectContaining({ iid: 40, projectId: TRACKER_ID })]]);
    expect(acts).toEqual([]);
  });

  it("holds back the open of an issue naming a request whose own issue is still being opened (GitLab's hook came first)", async () => {
    const { gateway, acts, started } = recordingGateway({}, { requests: { 'req-json-b': { running: true, trackerIssue: null } } });
    const res = await postGitlab(signedApp(gateway), issueHook('open', { iid: 41, description: ours('req-json-b') }));
    expect(res.json()).toEqual({ ok: true, ignored: 'issue names a request whose tracker issue is not recorded yet' });
    expect([...acts, ...started]).toEqual([]);
  });

  it("closing the victim's real issue still resolves it, even with the marker edited out of the description", async () => {
    const { gateway, acts } = victimGateway();
    await postGitlab(signedApp(gateway), issueHook('close', { iid: 7, description: 'marker removed by someone' }), { key: 'real-close' });
    expect(acts).toEqual([expect.objectContaining({ id: VICTIM, action: 'resolve' })]);
  });

  it('never looks a hook up by the text of its description', async () => {
    const lookups: unknown[][] = [];
    const { gateway } = victimGateway();
    const spying = {
      ...gateway,
      findByTrackerIssue: async (...args: Parameters<typeof gateway.findByTrackerIssue>) => (
        lookups.push(['findByTrackerIssue', ...args]),
        gateway.findByTrackerIssue(...args)
      ),
      trackerIssueOf: async (...args: Parameters<typeof gateway.trackerIssueOf>) => (
        lookups.push(['trackerIssueOf', ...args]),
        gateway.trackerIssueOf(...args)
      ),
    };
    await postGitlab(signedApp(spying), issueHook('close', { iid: 40, description: forged }), { key: 'spy' });
    await postGitlab(signedApp(spying), noteHook('hi', { iid: 40, description: forged }), { key: 'spy-note', event: 'Note Hook' });
    expect(lookups.map(([method, arg]) => [method, arg])).toEqual([
      ['trackerIssueOf', `req-gitlab-${TRACKER_ID}-40`],
      ['findByTrackerIssue', TRACKER_ID],
      ['trackerIssueOf', `req-gitlab-${TRACKER_ID}-40`],
      ['findByTrackerIssue', TRACKER_ID],
    ]);
    expect(lookups.filter((l) => l[1] === TRACKER_ID).map((l) => l[2])).toEqual([40, 40]);
  });
});

describe('request markers in issue descriptions', () => {
  it.each([
    ['our marker', ours('req-json-a'), 'req-json-a'],
    ['no marker', 'plain text', null],
    ['null', null, null],
    ['a marker-like comment with a malformed id', '<!-- tierflow-request: not-an-id -->', null],
    ['two markers (the last one counts)', `${ours('req-json-a')}\n${ours('req-json-b')}`, 'req-json-b'],
    ['a user-quoted marker made inert by tierflow', '&lt;!-- tierflow-request: req-json-x -->', null],
  ])('%s → %s', (_name, description, id) => {
    expect(markedRequestId(description)).toBe(id);
  });
});
