/**
 * What the handbook page promises, through the whole workflow on the time-skipping server with the
 * worker wired as in production against the Slack and GitLab emulators: a crisis is P1, runs its
 * clocks at the weekend and gets a swarm channel mirrored with every status change; a clock that
 * runs out as coverage closes escalates (paging the engineers and the system owners) only when
 * coverage opens; an access request opens its issue from the access-request template at once.
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let env: TestWorkflowEnvironment;
let harness: Harness;
const started: WorkflowHandle[] = [];

/** Skips the test server's clock to the next given UTC weekday (0 = Sunday … 6 = Saturday) at `hour`. */
async function skipTo(weekday: number, hour: number): Promise<number> {
  const now = await env.currentTimeMs();
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  while (new Date(target).getUTCDay() !== weekday || target <= now) target += DAY;
  await env.sleep(target - now);
  return target;
}

async function start(overrides: Partial<HelpRequestInput> = {}) {
  const input: HelpRequestInput = {
    id: unique('req-hb'),
    source: 'webhook',
    requester: { email: 'ada@example.com', slackUserId: 'U0ADA0001' },
    summary: 'Okta keeps asking me to re-enrol MFA',
    system: 'okta-sso',
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

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTemporalBinary('testServer').executable } });
  await registerSearchAttributes(env.connection);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client });
});
afterEach(async () => {
  for (const handle of started.splice(0)) await act(handle, 'cancel', { reason: 'test finished' }).catch(() => undefined);
});
afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('the handbook, end to end', () => {
  it('swarms a crisis raised on a Saturday: P1, clocks running, a channel with Tier 5, the owners and the requester, status mirrored', async () => {
    const saturday = await skipTo(6, 10);
    const handle = await start({ type: 'crisis', summary: 'Okta admin account compromised' });
    const status = await eventually('the swarm channel', async () => {
      const s = await handle.query(statusQuery);
      return s.links.swarmChannel ? s : null;
    });
    expect(status).toMatchObject({ tier: 5, priority: 'P1', type: 'crisis' });
    // Tier 5 P1: first response in 15 minutes, on a Saturday.
    const due = Date.parse(status.clocks.find((c) => c.kind === 'first_response')!.dueAt!);
    expect(due - Date.parse(status.timeline[0]!.at)).toBe(15 * MINUTE);
    expect(new Date(due).getUTCDay()).toBe(6);
    expect(due - saturday).toBeLessThan(HOUR);

    const channel = status.links.swarmChannel!;
    const members = harness.sandbox.slack.members(channel);
    expect(members).toEqual(expect.arrayContaining([STAFF.lead, STAFF.oktaOwner, 'U0ADA0001']));
    expect(harness.sandbox.slack.channels.find((c) => c.id === channel)?.name).toMatch(/^crisis-/);
    // The help thread links the channel; the tracker issue says so too.
    const replies = () => threadOf(handle.workflowId)?.replies.map((r) => r.text) ?? [];
    await eventually('the swarm announcement in the thread', () => replies().some((t) => t.includes('swarm channel')));
    // A status change is mirrored into the swarm channel.
    await act(handle, 'acknowledge', { actor: 'lead@example.com' });
    await eventually('the acknowledgement mirrored in the swarm channel', () =>
      harness.sandbox.slack.messages.some((m) => m.channel === channel && m.text.includes('Acknowledged')),
    );
    await recordHistory('crisis-swarm', handle);
  });

  it('a P3 clock that runs out as coverage closes is breached at its instant and escalates, paging the owners, only on Monday', async () => {
    await skipTo(6, 12); // Saturday: opened outside coverage
    const handle = await start({ priority: 'P3' });
    const opened = await handle.query(statusQuery);
    expect(opened.heldUntil).not.toBeNull();
    const resolutionDue = Date.parse(opened.clocks.find((c) => c.kind === 'resolution')!.dueAt!);
    expect(new Date(resolutionDue).getUTCDay()).toBe(6);
    expect(new Date(resolutionDue).getUTCHours()).toBe(0);

    // Monday 01:00: the analysts paged at the opening; one acknowledges.
    await skipTo(1, 1);
    expect(threadOf(handle.workflowId)?.replies.some((r) => r.text.includes('Coverage is open'))).toBe(true);
    await act(handle, 'acknowledge', { actor: STAFF.analyst });

    // Saturday 00:00 + 1 h: breached at the close, nothing posted on Saturday, the escalation waits.
    await env.sleep(resolutionDue + HOUR - (await env.currentTimeMs()));
    const saturday = await handle.query(statusQuery);
    expect(saturday).toMatchObject({ tier: 2, slaBreached: true });
    expect(saturday.heldUntil).toBe(new Date(resolutionDue + 2 * DAY).toISOString());
    expect(saturday.details).toContain('held until coverage opens Mon 00:00 UTC');
    const postedSaturday = (threadOf(handle.workflowId)?.replies ?? []).filter((r) => Number(r.ts) * 1000 >= resolutionDue);
    expect(postedSaturday.filter((r) => r.text.includes('<!subteam^'))).toEqual([]);

    // Monday 00:00: the escalation to Tier 3 pages the engineers and the Okta owners.
    await env.sleep(resolutionDue + 2 * DAY + 5 * MINUTE - (await env.currentTimeMs()));
    const monday = await handle.query(statusQuery);
    expect(monday.tier).toBe(3);
    const escalation = threadOf(handle.workflowId)!.replies.find((r) => r.text.includes('Escalated to Tier 3'))!;
    expect(escalation.text).toContain('<!subteam^S0CSENG>');
    expect(escalation.text).toContain('<!subteam^S0OKTA>');
    await recordHistory('breach-at-the-close', handle);
  });

  it('opens an access request’s issue at once from the access-request template, at Tier 2', async () => {
    await skipTo(2, 10);
    const handle = await start({ type: 'access', system: 'aws', summary: 'Need access to the AWS production account' });
    const status = await eventually('the access request issue', async () => {
      const s = await handle.query(statusQuery);
      return s.links.gitlabIssue ? s : null;
    });
    expect(status.tier).toBe(2);
    const issue = harness.sandbox.gitlab.issues(TRACKER).find((i) => i.web_url === status.links.gitlabIssue)!;
    expect(issue.labels).toEqual(expect.arrayContaining(['corpsys::aws', 'access-request']));
    expect(issue.assignees?.map((a) => a.username)).toEqual(['sysowner-aws']);
  });
});
