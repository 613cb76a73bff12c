/**
 * helpRequestWorkflow on the time-skipping test server: SLA clocks measured in coverage hours
 * fire in milliseconds of wall time.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { ACTION_UPDATES, statusQuery, type HelpRequestInput } from '../../contracts/help-request.js';
import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';
import { eventually, quietRuntime, startHarness, TRACKER, type Harness } from '../support/harness.js';
import { registerSearchAttributes, unique } from '../support/temporal.js';

const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;
let harness: Harness;

/** Skips the test server's clock forward to the next Monday 09:00 UTC, inside the 24x5 window. */
async function skipToMondayMorning(): Promise<number> {
  const now = await env.currentTimeMs();
  const d = new Date(now);
  const daysAhead = (8 - d.getUTCDay()) % 7 || 7;
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + daysAhead, 9, 0, 0);
  await env.sleep(monday - now);
  return monday;
}

function request(overrides: Partial<HelpRequestInput> = {}): HelpRequestInput {
  return {
    id: unique('req-test'),
    source: 'webhook',
    requester: { email: 'ada@example.com' },
    summary: 'Okta keeps asking me to re-enrol MFA',
    system: 'okta-sso',
    priority: 'P2',
    ...overrides,
  };
}

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: resolveTemporalBinary('testServer').executable },
  });
  await registerSearchAttributes(env.connection);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client });
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('helpRequestWorkflow on the time-skipping server', () => {
  it('escalates an unacknowledged P2 request to Tier 3 after its 4 coverage hours, with one GitLab issue', async () => {
    await skipToMondayMorning();
    const input = request();
    const started = Date.now();
    const handle = await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
    await eventually('the Slack thread', async () => (await handle.query(statusQuery)).links.slackThread);

    await env.sleep(3 * HOUR + 50 * 60_000);
    const before = await handle.query(statusQuery);
    expect(before.tier).toBe(2);
    expect(harness.sandbox.gitlab.issues(TRACKER)).toHaveLength(0);

    await env.sleep(15 * 60_000);
    const after = await eventually('the Tier 3 issue link', async () => {
      const status = await handle.query(statusQuery);
      return status.links.gitlabIssue ? status : null;
    });
    expect(after.tier).toBe(3);
    expect(after.slaBreached).toBe(true);
    expect(after.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['opened', 'sla_breached', 'escalated']));

    const issues = harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(input.id));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.labels).toEqual(expect.arrayContaining(['corpsys::okta-sso', 'tier::3', 'priority::P2']));
    expect(issues[0]!.description).toContain('@gitlab-com/gl-security/corp/sys/okta');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('does not escalate once the request is acknowledged, and refuses to resolve it twice', async () => {
    await skipToMondayMorning();
    const input = request();
    const handle = await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });

    const acked = await handle.executeUpdate(ACTION_UPDATES.acknowledge, { args: [{ actor: 'grace', note: 'looking' }] });
    expect(acked.status).toBe('acknowledged');
    expect(acked.assignee).toBe('grace');

    await env.sleep(5 * HOUR);
    const status = await handle.query(statusQuery);
    expect(status.tier).toBe(2);
    expect(status.slaBreached).toBe(false);

    const resolved = await handle.executeUpdate(ACTION_UPDATES.resolve, { args: [{ actor: 'grace', note: 'MFA reset' }] });
    expect(resolved.status).toBe('resolved');
    const again = handle.executeUpdate(ACTION_UPDATES.resolve, { args: [{ actor: 'grace' }] });
    await expect(again).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(again).rejects.toSatisfy((err: WorkflowUpdateFailedError) => /already resolved/.test(err.cause?.message ?? ''));

    // The refused update left no trace in history.
    const history = await handle.fetchHistory();
    const updates = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(updates).toHaveLength(2);
    const result = await handle.result();
    expect(result.status).toBe('closed');
  });
});
