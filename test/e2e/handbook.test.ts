/**
 * The handbook page, end to end on the run's dev server: requests through the real intake, the
 * worker against the Slack and GitLab emulators through the real client libraries. The owners'
 * groups are paged where people look (a new thread reply, a tracker note), reassignment tells the
 * new owners and rewrites the issue, access requests open from their template, and a crisis gets
 * its swarm channel with every status change mirrored there.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RequestStatusView } from '../../contracts/help-request.js';
import { eventually, HELP_CHANNEL, STAFF, TRACKER } from '../support/harness.js';
import { unique } from '../support/temporal.js';
import { apiCall, requestStatus, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

let e2e: E2eIntake;
beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
});
afterAll(async () => {
  await e2e?.close();
});

const slack = () => e2e.harness.sandbox.slack;
const gitlab = () => e2e.harness.sandbox.gitlab;
const repliesOf = (id: string) =>
  slack()
    .threads(HELP_CHANNEL)
    .find((t) => t.parent.metadata?.event_payload?.request_id === id)
    ?.replies.map((r) => r.text) ?? [];
const issueOf = (status: RequestStatusView) =>
  gitlab()
    .issues(TRACKER)
    .find((i) => i.web_url === status.links.gitlabIssue);
const notesOf = (iid: number) =>
  gitlab()
    .notes(TRACKER, iid)
    .map((n) => n.body);

async function open(body: Record<string, unknown>): Promise<string> {
  const res = await submitRequest(e2e.baseUrl, { idempotencyKey: unique('hb'), requester: { email: 'ada@example.com', slackUserId: 'U0ADA0001' }, ...body });
  expect(res.status).toBe(202);
  return res.body.id as string;
}
const statusOf = (id: string) => eventually(`status of ${id}`, () => requestStatus(e2e.baseUrl, id));
const act = (id: string, action: string, body: Record<string, unknown>) =>
  apiCall(e2e.baseUrl, 'POST', `/requests/${id}/${action}`, { actor: 'grace', ...body });

describe('the owners are paged', () => {
  it('escalation to Tier 3 pages the engineers and the system owners in a new reply and on the issue; reassignment pages the new owners and rewrites the issue', async () => {
    const id = await open({ summary: 'Okta push notifications stopped arriving', system: 'okta-sso' });
    await statusOf(id);
    expect((await act(id, 'escalate', { note: 'needs an engineer' })).status).toBe(200);

    const escalated = await eventually('the Tier 3 reply', () => repliesOf(id).find((t) => t.includes('Escalated to Tier 3')));
    expect(escalated).toContain('<!subteam^S0CSENG>');
    expect(escalated).toContain('<!subteam^S0OKTA>');
    const status = await eventually('the issue', async () => {
      const s = await requestStatus(e2e.baseUrl, id);
      return s?.links.gitlabIssue ? s : null;
    });
    const issue = issueOf(status)!;
    expect(issue.labels).toEqual(expect.arrayContaining(['corpsys::okta-sso', 'tier::3']));
    // The project's own template ran: its assignee, not one from user text.
    expect(issue.assignees.map((a) => a.username)).toEqual(['sysowner-okta-sso']);
    expect(issue.description).toContain('@gitlab-com/gl-security/corp/sys/okta');

    expect((await act(id, 'reassign', { system: 'dns', note: 'it is a DNS record' })).status).toBe(200);
    const reassigned = await eventually('the reassignment reply', () => repliesOf(id).find((t) => t.includes('Reassigned to')));
    expect(reassigned).toMatch(/<!subteam\^S[A-Z0-9]+>/);
    await eventually('the issue rewritten for DNS', () => {
      const now = issueOf(status)!;
      return now.labels.includes('corpsys::dns') && !now.labels.includes('corpsys::okta-sso') && !(now.description ?? '').includes('corp/sys/okta')
        ? now
        : null;
    });
    const note = await eventually('the reassignment note', () => notesOf(issue.iid).find((b) => b.includes('Reassigned to')));
    expect(note).toContain('cc @gitlab-com/gl-security/corp/sys/dns');
    expect(issueOf(status)!.assignees.map((a) => a.username)).toEqual(['sysowner-dns']);
  });

  it('an access request opens its issue from the access-request template at once and stays with the helpdesk', async () => {
    const id = await open({ summary: 'Need access to the AWS production account', system: 'aws', type: 'access' });
    const status = await eventually('the access issue', async () => {
      const s = await requestStatus(e2e.baseUrl, id);
      return s?.links.gitlabIssue ? s : null;
    });
    expect(status.tier).toBe(2);
    const issue = issueOf(status)!;
    expect(issue.labels).toEqual(expect.arrayContaining(['access-request', 'corpsys::aws', 'tier::2', 'type::access']));
    expect(issue.assignees.map((a) => a.username)).toEqual(['sysowner-aws']);
  });
});

describe('a crisis is swarmed', () => {
  it('defaults to P1, opens a swarm channel with Tier 5, the owners and the requester, linked from the thread and the issue, with status changes mirrored', async () => {
    const id = await open({ summary: 'Okta admin account compromised', system: 'okta-sso', type: 'crisis' });
    const status = await eventually('the swarm channel', async () => {
      const s = await requestStatus(e2e.baseUrl, id);
      return s?.links.swarmChannel && s.links.gitlabIssue ? s : null;
    });
    expect(status).toMatchObject({ tier: 5, priority: 'P1' });
    const channel = status.links.swarmChannel!;
    expect(slack().members(channel)).toEqual(expect.arrayContaining([STAFF.lead, STAFF.oktaOwner, 'U0ADA0001']));
    await eventually('the swarm link in the thread', () => repliesOf(id).find((t) => t.includes(`<#${channel}>`)));
    const issue = issueOf(status)!;
    await eventually('the swarm note on the issue', () => notesOf(issue.iid).find((b) => b.includes('swarm')));

    expect((await act(id, 'comment', { note: 'Rotating the admin credentials now' })).status).toBe(200);
    const mirrored = await eventually('the comment mirrored into the swarm', () =>
      slack().messages.find((m) => m.channel === channel && m.text.includes('Rotating the admin credentials')),
    );
    expect(mirrored.thread_ts).toBeUndefined();
    // The swarm's own announcement is not mirrored into the swarm.
    expect(slack().messages.filter((m) => m.channel === channel && m.text.includes('swarm channel opened'))).toEqual([]);
  });
});
