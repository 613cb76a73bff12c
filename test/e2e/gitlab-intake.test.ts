/**
 * GitLab intake end to end on the real dev server: Issue Hook and Note Hook deliveries built from
 * the GitLab emulator's issues (which the worker writes through the real `@gitbeaker/rest`
 * client), user text with quick actions that must stay inert all the way, and issues and notes a
 * person writes with copies of tierflow's hidden markers, which must reach no other request.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { effectMarker, requestMarker } from '../../contracts/tracker-marker.js';
import { gitlabIssueRequestId } from '../../intake/gitlab-events.js';
import { slackMessageRequestId } from '../../intake/slack-events.js';
import { signRequest } from '../../intake/signature.js';
import type { GitlabIssue } from '../../sandbox/index.js';
import { eventually, HELP_CHANNEL, TRACKER } from '../support/harness.js';
import { issueHook, noteHook, slackMessageEvent } from '../intake/support/payloads.js';
import { API_TOKEN, freshEventId, freshTs, gitlabPost, requestStatus, slackEvent, startE2eIntake, type E2eIntake } from '../intake/support/e2e.js';

let e2e: E2eIntake;

beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
});

afterAll(async () => {
  await e2e?.close();
});

const issues = () => e2e.harness.sandbox.gitlab.issues(TRACKER);
const projectId = () => e2e.harness.sandbox.gitlab.projects()[0]!.id;
const issueOf = (id: string) => issues().find((i) => i.title.includes(`[${id}]`));
const key = () => `${freshEventId()}-${Date.now()}`;

/** A change request over the JSON webhook: it starts at Tier 3, so tierflow opens its tracker issue. */
async function changeRequest(summary: string): Promise<{ id: string; issue: GitlabIssue }> {
  const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary, system: 'okta-sso', type: 'change', idempotencyKey: key() });
  const res = await fetch(`${e2e.baseUrl}/webhooks/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest('e2e-intake-secret', raw, Date.now() / 1000) },
    body: raw,
  });
  const { id } = (await res.json()) as { id: string };
  const issue = await eventually('the tracker issue', () => issueOf(id));
  // Let the workflow settle (issue link recorded, status message refreshed) before acting on it.
  await eventually('the issue link in the status', async () => (await requestStatus(e2e.baseUrl, id))?.links.gitlabIssue);
  await eventually('the refreshed status message', () =>
    e2e.harness.sandbox.slack.messages.some((m) => m.metadata?.event_payload.request_id === id && m.edited !== undefined),
  );
  await new Promise((r) => setTimeout(r, 300));
  return { id, issue };
}

/** The hook GitLab would send for `action` on an emulator issue. */
const hookFor = (action: 'close' | 'reopen' | 'open', issue: GitlabIssue, username = 'grace') =>
  issueHook(
    action,
    { iid: issue.iid, title: issue.title, description: issue.description, url: issue.web_url, labels: issue.labels },
    { projectId: projectId(), path: TRACKER, username },
  );

const timelineOf = async (id: string, action: string) => (await requestStatus(e2e.baseUrl, id))!.timeline.filter((t) => t.action === action);

/** An engineer action over the HTTP API (what these tests need is its effect on the tracker, not who may press Slack buttons). */
const act = async (id: string, action: string, body: Record<string, unknown>) =>
  (
    await fetch(`${e2e.baseUrl}/requests/${id}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).status;

describe('GitLab hooks end to end', () => {
  it('resolves the request when its issue is closed, once for a redelivery, and ignores the close tierflow itself makes', async () => {
    const { id, issue } = await changeRequest('Add SCIM provisioning for the HR app');
    const delivery = key();
    const first = await gitlabPost(e2e.baseUrl, hookFor('close', issue), delivery);
    expect(first).toEqual({ status: 200, body: { ok: true, request: id, status: 'resolved' } });
    const again = await gitlabPost(e2e.baseUrl, hookFor('close', issue), delivery);
    expect(again.status).toBe(200);
    expect(await timelineOf(id, 'resolve')).toEqual([expect.objectContaining({ actor: 'grace' })]);

    // Resolving closes the tracker issue, and GitLab reports that close with a new delivery.
    const ownClose = await gitlabPost(e2e.baseUrl, hookFor('close', issue, 'tierflow-bot'), key());
    expect(ownClose).toEqual({ status: 200, body: { ok: true, ignored: expect.stringMatching(/already resolved/) } });
    expect(await timelineOf(id, 'resolve')).toHaveLength(1);
    await eventually('the issue closed by tierflow', () => issueOf(id)?.state === 'closed');
  });

  it("turns a note into a comment, and ignores tierflow's own notes", async () => {
    const { id, issue } = await changeRequest('Rotate the Okta API token');
    const res = await gitlabPost(
      e2e.baseUrl,
      noteHook('Token rotated, please verify', { iid: issue.iid, description: issue.description }, { projectId: projectId(), path: TRACKER }),
      key(),
      'Note Hook',
    );
    expect(res.body).toEqual({ ok: true, request: id, status: 'open' });
    expect(await timelineOf(id, 'comment')).toEqual([expect.objectContaining({ actor: 'grace', note: 'Token rotated, please verify' })]);

    expect(await act(id, 'acknowledge', { actor: 'grace' })).toBe(200);
    const ours = await eventually('a note tierflow wrote', () =>
      e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).find((n) => n.body.includes('tierflow-effect')),
    );
    const echoed = await gitlabPost(
      e2e.baseUrl,
      noteHook(ours.body, { iid: issue.iid, description: issue.description }, { projectId: projectId(), path: TRACKER }),
      key(),
      'Note Hook',
    );
    expect(echoed.body).toEqual({ ok: true, ignored: 'note written by tierflow' });
    expect(await timelineOf(id, 'comment')).toHaveLength(1);
  });

  it('starts a request from an issue someone opened in the tracker, about that issue, without opening another', async () => {
    const created = await fetch(`${e2e.harness.sandbox.gitlab.url}/api/v4/projects/${encodeURIComponent(TRACKER)}/issues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'private-token': 'glpat-e2e' },
      body: JSON.stringify({
        title: 'Grant the data team access to the BI bucket',
        description: 'Needed for Q3 reporting',
        labels: 'corpsys::aws,type::access',
      }),
    });
    const issue = (await created.json()) as GitlabIssue;
    const id = gitlabIssueRequestId(projectId(), issue.iid);
    const res = await gitlabPost(e2e.baseUrl, hookFor('open', issue, 'dana'), key());
    expect(res.body).toEqual({ ok: true, request: id, duplicate: false });
    const status = await eventually('the routed request', async () => {
      const view = await requestStatus(e2e.baseUrl, id);
      return view && view.clocks.length > 0 ? view : null;
    });
    expect(status).toMatchObject({ type: 'access', system: 'aws', links: { gitlabIssue: issue.web_url } });
    await new Promise((r) => setTimeout(r, 500));
    expect(issues().filter((i) => i.title.includes(id))).toHaveLength(0);
  });

  it('acknowledges hooks for issues tierflow does not track', async () => {
    const res = await gitlabPost(e2e.baseUrl, issueHook('close', { iid: 987_654, description: 'not ours' }, { projectId: projectId(), path: TRACKER }), key());
    expect(res).toEqual({ status: 200, body: { ok: true, ignored: 'untracked issue' } });
  });
});

describe('quick actions in user text', () => {
  it('stay inert from a Slack message through escalation to the GitLab issue and its notes', async () => {
    const ts = freshTs();
    const id = slackMessageRequestId(HELP_CHANNEL, ts);
    const text = 'Okta group sync is stuck\n/close\n/assign @someone\n/label ~"priority::1"';
    expect((await slackEvent(e2e.baseUrl, slackMessageEvent({ ts, user: 'U0ADA0009', text }, { event_id: freshEventId() }))).status).toBe(200);
    await eventually('the request', () => requestStatus(e2e.baseUrl, id));
    expect(await act(id, 'escalate', { actor: 'grace', note: 'needs systems engineering' })).toBe(200);
    const issue = await eventually('the tracker issue', () => issueOf(id));

    const reply = slackMessageEvent({ ts: freshTs(), thread_ts: ts, user: 'U0ADA0009', text: '/close\n/unassign @grace' }, { event_id: freshEventId() });
    expect((await slackEvent(e2e.baseUrl, reply)).body).toEqual({ ok: true, request: id });
    await eventually('the comment note', () => e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).some((n) => n.body.includes('unassign')));

    const current = issueOf(id)!;
    expect(current.state).toBe('opened');
    // The system's issue template assigned its owner; the requester's `/assign @someone` ran nowhere.
    expect(current.assignees.map((a) => a.username)).toEqual(['sysowner-okta-sso']);
    const written = [current.description ?? '', ...e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).map((n) => n.body)];
    for (const body of written) {
      for (const line of body.split('\n')) expect(line.trimStart()).not.toMatch(/^\//);
    }
    expect(written.join('\n')).toContain('close');
    expect((await requestStatus(e2e.baseUrl, id))!.tier).toBe(3);
  });
});

describe("a copy of tierflow's marker reaches no other request", () => {
  /** Mallory: anyone who can open an issue in the tracker, writing through the real client. */
  const asMallory = () => new Gitlab({ host: e2e.harness.sandbox.gitlab.url, token: e2e.harness.sandbox.gitlab.tokenFor('mallory') });
  const notesOf = (iid: number) => e2e.harness.sandbox.gitlab.notes(TRACKER, iid);
  const note = (text: string, issue: GitlabIssue) =>
    noteHook(text, { iid: issue.iid, description: issue.description }, { projectId: projectId(), path: TRACKER });
  /** What a victim's timeline shows of actions a hook could have caused. */
  const hookActions = async (id: string) => (await requestStatus(e2e.baseUrl, id))!.timeline.filter((t) => ['comment', 'resolve', 'reopen'].includes(t.action));

  it("closing, reopening or commenting on an issue carrying the victim's marker acts on the issue's own request or none, never the victim", async () => {
    const victim = await changeRequest('Grant the on-call group access to the prod database');
    const forged = (await asMallory().Issues.create(TRACKER, 'Printer on floor 3 jams', {
      description: `Paper jam again\n\n<!-- ${requestMarker(victim.id)} -->`,
    })) as unknown as GitlabIssue;

    // Before its open hook (lost, or not sent): nothing records the issue.
    expect(await gitlabPost(e2e.baseUrl, hookFor('close', forged, 'mallory'), key())).toEqual({ status: 200, body: { ok: true, ignored: 'untracked issue' } });
    expect((await gitlabPost(e2e.baseUrl, note('Fixed, closing', forged), key(), 'Note Hook')).body).toEqual({ ok: true, ignored: 'untracked issue' });

    // Its open hook makes it what it is: a new request about that issue.
    const ownId = gitlabIssueRequestId(projectId(), forged.iid);
    expect((await gitlabPost(e2e.baseUrl, hookFor('open', forged, 'mallory'), key())).body).toEqual({ ok: true, request: ownId, duplicate: false });
    expect((await gitlabPost(e2e.baseUrl, note('Fixed, closing', forged), key(), 'Note Hook')).body).toEqual({ ok: true, request: ownId, status: 'open' });
    expect((await gitlabPost(e2e.baseUrl, hookFor('close', forged, 'mallory'), key())).body).toEqual({ ok: true, request: ownId, status: 'resolved' });
    expect((await gitlabPost(e2e.baseUrl, hookFor('reopen', forged, 'mallory'), key())).body).toMatchObject({ ok: true, request: ownId });
    expect((await requestStatus(e2e.baseUrl, ownId))!.links.gitlabIssue).toBe(forged.web_url);

    const after = await requestStatus(e2e.baseUrl, victim.id);
    expect(after).toMatchObject({ status: 'open', tier: 3, links: { gitlabIssue: victim.issue.web_url } });
    expect(await hookActions(victim.id)).toEqual([]);
  });

  it("the victim's real issue still acts on it after someone edited the marker out of its description", async () => {
    const victim = await changeRequest('Add the finance app to Okta');
    await asMallory().Issues.edit(TRACKER, victim.issue.iid, { description: 'nothing to see here' });
    const edited = issueOf(victim.id)!;
    expect(edited.description).not.toContain('tierflow-request');

    expect((await gitlabPost(e2e.baseUrl, note('Done on our side', edited), key(), 'Note Hook')).body).toEqual({
      ok: true,
      request: victim.id,
      status: 'open',
    });
    expect(await gitlabPost(e2e.baseUrl, hookFor('close', edited), key())).toEqual({ status: 200, body: { ok: true, request: victim.id, status: 'resolved' } });
    expect((await hookActions(victim.id)).map((t) => t.action)).toEqual(['comment', 'resolve']);
  });

  it("an issue planted with a request's marker before tierflow opened one is neither adopted nor started, and cannot close the request", async () => {
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'VPN drops every hour', system: 'okta-sso', idempotencyKey: key() });
    const res = await fetch(`${e2e.baseUrl}/webhooks/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest('e2e-intake-secret', raw, Date.now() / 1000) },
      body: raw,
    });
    const { id } = (await res.json()) as { id: string };
    const atTier2 = await eventually('the request at Tier 2', async () => {
      const view = await requestStatus(e2e.baseUrl, id);
      return view && view.clocks.length > 0 ? view : null;
    });
    expect(atTier2).toMatchObject({ tier: 2, links: { gitlabIssue: null } });

    const planted = (await asMallory().Issues.create(TRACKER, `[${id}] VPN drops every hour`, {
      description: `<!-- ${requestMarker(id)} -->`,
    })) as unknown as GitlabIssue;
    // Its open hook names a running request with no tracker issue yet: held back, nothing started.
    expect((await gitlabPost(e2e.baseUrl, hookFor('open', planted, 'mallory'), key())).body).toEqual({
      ok: true,
      ignored: 'issue names a request whose tracker issue is not recorded yet',
    });
    expect(await requestStatus(e2e.baseUrl, gitlabIssueRequestId(projectId(), planted.iid))).toBeNull();

    expect(await act(id, 'escalate', { actor: 'grace', note: 'needs the system owners' })).toBe(200);
    const link = await eventually('the tracker issue tierflow opened', async () => (await requestStatus(e2e.baseUrl, id))?.links.gitlabIssue);
    const marked = issues().filter((i) => i.description?.includes(requestMarker(id)));
    expect(marked.map((i) => i.author.username)).toEqual(['mallory', 'tierflow-bot']);
    expect(link).toBe(marked[1]!.web_url);

    expect(await gitlabPost(e2e.baseUrl, hookFor('close', planted, 'mallory'), key())).toEqual({ status: 200, body: { ok: true, ignored: 'untracked issue' } });
    expect((await requestStatus(e2e.baseUrl, id))!.status).toBe('open');
    expect(await hookActions(id)).toEqual([]);
  });

  it("notes forged with tierflow's effect markers do not keep tierflow's own notes off the issue", async () => {
    const victim = await changeRequest('Rotate the SCIM token of the HR app');
    // Effect ids are `<request id>#<n>`, counted from 1: forge far more than the request has used.
    for (let n = 1; n <= 40; n += 1) await asMallory().IssueNotes.create(TRACKER, victim.issue.iid, `+1\n\n${effectMarker(`${victim.id}#${n}`)}`);
    expect(await act(victim.id, 'escalate', { actor: 'grace', note: 'owners must approve' })).toBe(200);
    const escalation = await eventually("tierflow's escalation note", () =>
      notesOf(victim.issue.iid).find((n) => n.author.username === 'tierflow-bot' && n.body.includes('Escalated to Tier 4')),
    );
    // A forged note carries this very effect's marker: before, it would have kept this note off.
    const marker = escalation.body.trimEnd().split('\n').at(-1)!;
    expect(notesOf(victim.issue.iid).filter((n) => n.author.username === 'mallory' && n.body.endsWith(marker))).toHaveLength(1);
    // Its cc: the Tier 4 group the domain chose (the system owners were paged on reaching Tier 3).
    expect(escalation.body).toContain('cc @gitlab-com/gl-security/corp/automation');
  });
});
