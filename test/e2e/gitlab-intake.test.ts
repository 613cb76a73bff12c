/**
 * GitLab intake end to end on the real dev server: Issue Hook and Note Hook deliveries built from
 * the GitLab emulator's issues (which the worker writes through the real `@gitbeaker/rest`
 * client), and user text with quick actions that must stay inert all the way.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { gitlabIssueRequestId } from '../../intake/gitlab-events.js';
import { slackMessageRequestId } from '../../intake/slack-events.js';
import { signBody } from '../../intake/signature.js';
import type { GitlabIssue } from '../../sandbox/index.js';
import { eventually, HELP_CHANNEL, TRACKER } from '../support/harness.js';
import { blockActions, issueHook, noteHook, slackMessageEvent } from '../intake/support/payloads.js';
import { freshEventId, freshTs, gitlabPost, requestStatus, slackClick, slackEvent, startE2eIntake, type E2eIntake } from '../intake/support/e2e.js';

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
  const res = await fetch(`${e2e.baseUrl}/webhooks/requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tierflow-signature': signBody('e2e-intake-secret', raw) }, body: raw });
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
  issueHook(action, { iid: issue.iid, title: issue.title, description: issue.description, url: issue.web_url, labels: issue.labels }, { projectId: projectId(), path: TRACKER, username });

const timelineOf = async (id: string, action: string) => (await requestStatus(e2e.baseUrl, id))!.timeline.filter((t) => t.action === action);

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
    const res = await gitlabPost(e2e.baseUrl, noteHook('Token rotated, please verify', { iid: issue.iid, description: issue.description }, { projectId: projectId(), path: TRACKER }), key(), 'Note Hook');
    expect(res.body).toEqual({ ok: true, request: id, status: 'open' });
    expect(await timelineOf(id, 'comment')).toEqual([expect.objectContaining({ actor: 'grace', note: 'Token rotated, please verify' })]);

    const acked = await slackClick(e2e.baseUrl, blockActions('acknowledge', id, { user: 'U0GRACE01', actionTs: freshTs() }));
    expect(acked.status).toBe(200);
    const ours = await eventually('a note tierflow wrote', () => e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).find((n) => n.body.includes('tierflow-effect')));
    const echoed = await gitlabPost(e2e.baseUrl, noteHook(ours.body, { iid: issue.iid, description: issue.description }, { projectId: projectId(), path: TRACKER }), key(), 'Note Hook');
    expect(echoed.body).toEqual({ ok: true, ignored: 'note written by tierflow' });
    expect(await timelineOf(id, 'comment')).toHaveLength(1);
  });

  it('starts a request from an issue someone opened in the tracker, about that issue, without opening another', async () => {
    const created = await fetch(`${e2e.harness.sandbox.gitlab.url}/api/v4/projects/${encodeURIComponent(TRACKER)}/issues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'private-token': 'glpat-e2e' },
      body: JSON.stringify({ title: 'Grant the data team access to the BI bucket', description: 'Needed for Q3 reporting', labels: 'corpsys::aws,type::access' }),
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
    const escalated = await slackClick(e2e.baseUrl, blockActions('escalate', id, { user: 'U0GRACE01', actionTs: freshTs() }));
    expect(escalated.status).toBe(200);
    const issue = await eventually('the tracker issue', () => issueOf(id));

    const reply = slackMessageEvent({ ts: freshTs(), thread_ts: ts, user: 'U0ADA0009', text: '/close\n/unassign @grace' }, { event_id: freshEventId() });
    expect((await slackEvent(e2e.baseUrl, reply)).body).toEqual({ ok: true, request: id });
    await eventually('the comment note', () => e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).some((n) => n.body.includes('unassign')));

    const current = issueOf(id)!;
    expect(current.state).toBe('opened');
    expect(current.assignees).toEqual([]);
    const written = [current.description ?? '', ...e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).map((n) => n.body)];
    for (const body of written) {
      for (const line of body.split('\n')) expect(line.trimStart()).not.toMatch(/^\//);
    }
    expect(written.join('\n')).toContain('close');
    expect((await requestStatus(e2e.baseUrl, id))!.tier).toBe(3);
  });
});
