/**
 * Learning from crises, through the whole workflow on the time-skipping server with the worker
 * wired as in production against the Slack and GitLab emulators: a crisis is swarmed, resolved,
 * and its post-incident review issue opens in the tracker — prefilled with the timeline, assigned
 * to the Tier 5 group's members — linked in the help thread, the swarm channel and the tracker
 * issue; reopened and resolved again, it gets no second review. `RECORD_HISTORIES=v5` records the
 * run as `crisis-review.v5.json` for the replay test.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ACTION_UPDATES, statusQuery, type ActionArgs, type ActionName, type HelpRequestInput } from '../../contracts/help-request.js';
import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { eventually, HELP_CHANNEL, quietRuntime, STAFF, startHarness, TRACKER, type Harness } from '../support/harness.js';
import { recordHistory } from '../support/histories.js';
import { registerSearchAttributes, unique } from '../support/temporal.js';

const DAY = 24 * 3_600_000;
const LEADERSHIP = 'gitlab-com/gl-security/corp/leadership';
let env: TestWorkflowEnvironment;
let harness: Harness;
const started: WorkflowHandle[] = [];

async function start(overrides: Partial<HelpRequestInput> = {}) {
  const input: HelpRequestInput = {
    id: unique('req-review'),
    source: 'webhook',
    requester: { email: 'ada@example.com', slackUserId: 'U0ADA0001' },
    summary: 'Okta admin account compromised',
    system: 'okta-sso',
    type: 'crisis',
    ...overrides,
  };
  const handle = await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
  started.push(handle);
  await handle.query(statusQuery);
  return handle;
}

const act = (handle: WorkflowHandle, action: ActionName, args: Partial<ActionArgs> = {}) =>
  handle.executeUpdate(ACTION_UPDATES[action], { args: [{ actor: 'grace', ...args }] });

const threadOf = (id: string) => harness.sandbox.slack.threads(HELP_CHANNEL).find((t) => t.parent.metadata?.event_payload?.request_id === id);
const reviewIssues = () => harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.labels.includes('post-incident-review'));

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTemporalBinary('testServer').executable } });
  await registerSearchAttributes(env.connection);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client });
  harness.sandbox.gitlab.setGroupMembers(LEADERSHIP, ['grace-lead', 'linus-lead']);
});
afterEach(async () => {
  for (const handle of started.splice(0)) await act(handle, 'cancel', { reason: 'test finished' }).catch(() => undefined);
});
afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('a resolved crisis', () => {
  it('opens its post-incident review issue, linked in the thread, the swarm channel and the tracker issue, once', async () => {
    const handle = await start();
    const swarmed = await eventually('the swarm channel and the tracker issue', async () => {
      const s = await handle.query(statusQuery);
      return s.links.swarmChannel && s.links.gitlabIssue ? s : null;
    });
    const channel = swarmed.links.swarmChannel!;
    await act(handle, 'acknowledge', { actor: STAFF.lead });
    await act(handle, 'resolve', { actor: STAFF.lead, note: 'rotated the admin credentials; sessions revoked' });

    // The review issue: in the tracker, assigned to the Tier 5 group's members, prefilled.
    const review = await eventually('the review issue', () => reviewIssues()[0]);
    expect(review.title).toBe('Post-incident review: Okta admin account compromised');
    expect(review.labels).toEqual(['corpsys::okta-sso', 'post-incident-review', 'type::crisis']);
    expect(review.assignees.map((a) => a.username)).toEqual(['grace-lead', 'linus-lead']);
    const body = review.description!;
    expect(body).toContain(`(\`${handle.workflowId}\`)`);
    expect(body).toContain('**Priority:** P1 · **Tier:** 5 (architecture and crisis)');
    expect(body).toMatch(/\*\*Time to first response:\*\* \d+s \(met\) · \*\*Time to resolution:\*\* \d+s \(met\)/);
    expect(body).toContain(`**Tracker issue:** ${swarmed.links.gitlabIssue}`);
    expect(body).toContain(`**Slack thread:** ${swarmed.links.slackThread}`);
    expect(body).toMatch(new RegExp(`\\*\\*Swarm channel:\\*\\* #crisis-\\S+ \\S+/archives/${channel}`));
    expect(body).toContain(`cc @${LEADERSHIP}`);
    // The whole timeline, not the snapshot's last entry: opened, swarm, acknowledged, resolved.
    for (const action of ['opened', 'swarm opened', 'acknowledge', 'resolve']) expect(body).toContain(`| ${action} |`);
    expect(body).toContain('rotated the admin credentials; sessions revoked');

    // Announced in the help thread (and mirrored into the swarm channel), noted on the tracker issue.
    const announced = await eventually('the review in the thread', () =>
      threadOf(handle.workflowId)?.replies.find((r) => r.text.includes('Post-incident review opened') && r.text.includes(review.web_url)),
    );
    expect(announced.text).not.toContain('<!subteam');
    await eventually('the review mirrored in the swarm channel', () =>
      harness.sandbox.slack.messages.some((m) => m.channel === channel && m.text.includes(review.web_url)),
    );
    const trackerIid = Number(swarmed.links.gitlabIssue!.split('/').pop());
    await eventually('the review noted on the tracker issue', () =>
      harness.sandbox.gitlab.notes(TRACKER, trackerIid).some((n) => n.body.includes('Post-incident review opened') && n.body.includes(review.web_url)),
    );
    const status = await handle.query(statusQuery);
    expect(status.timeline.some((e) => e.action === 'review_opened' && e.note === review.web_url)).toBe(true);

    // Reopened and resolved again: still one incident, one review.
    await act(handle, 'reopen', { actor: 'ada@example.com', note: 'the attacker is back' });
    await act(handle, 'resolve', { actor: STAFF.lead, note: 'MFA reset for every admin' });
    await eventually('the second resolution in the thread', () =>
      threadOf(handle.workflowId)?.replies.some((r) => r.text.includes('MFA reset for every admin')),
    );

    // The reopen window closes; the request ends with its one review.
    await env.sleep(8 * DAY);
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(reviewIssues()).toHaveLength(1);
    expect(final.timelineCounts.review_opened).toBe(1);
    await recordHistory('crisis-review', handle);
  });

  it('a request escalated to Tier 5 by hand gets its review too; one resolved at Tier 3 does not', async () => {
    const tier3 = await start({ type: 'question', summary: 'VPN profile broken', system: 'okta-sso' });
    const tier5 = await start({ type: 'question', summary: 'Okta outage for the whole company', system: 'okta-sso' });
    await act(tier3, 'escalate', { note: 'needs engineering' });
    for (const reason of ['needs engineering', 'needs automation', 'company-wide outage']) await act(tier5, 'escalate', { note: reason });
    expect((await tier5.query(statusQuery)).tier).toBe(5);
    await act(tier3, 'resolve');
    await act(tier5, 'resolve');
    const review = await eventually('the escalated request’s review', () => reviewIssues().find((i) => i.title.endsWith('Okta outage for the whole company')));
    expect(review.description).toContain('**Escalations:** 3');
    // Both end (every lane drained at the end): the Tier 3 request never opened a review.
    await env.sleep(8 * DAY);
    const [ended3, ended5] = await Promise.all([tier3.result(), tier5.result()]);
    expect(ended3.timelineCounts.review_opened).toBeUndefined();
    expect(ended5.timelineCounts.review_opened).toBe(1);
    expect(reviewIssues().filter((i) => i.title.endsWith('VPN profile broken'))).toEqual([]);
  });
});
