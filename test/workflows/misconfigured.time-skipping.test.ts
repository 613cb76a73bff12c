/**
 * A misconfigured integration (here a revoked Slack token) cannot be fixed by retrying: the
 * request keeps running, its clocks still fire, and its status says what is wrong.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';
import { ACTION_UPDATES, statusQuery } from '../../contracts/help-request.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { eventually, quietRuntime, startHarness, TRACKER, type Harness } from '../support/harness.js';
import { registerSearchAttributes, unique } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
let harness: Harness;

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTemporalBinary('testServer').executable } });
  await registerSearchAttributes(env.connection);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client, slackToken: 'xoxb-invalid' });
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('a request whose Slack token is refused', () => {
  it('keeps running, shows the configuration error in its status, and still escalates to GitLab', async () => {
    const id = unique('req-misconfigured');
    const handle = await env.client.workflow.start(helpRequestWorkflow, {
      workflowId: id,
      taskQueue: harness.taskQueue,
      args: [{ id, source: 'webhook', requester: { email: 'ada@example.com' }, summary: 'Okta MFA', system: 'okta-sso', type: 'change' }],
    });
    const status = await eventually('the integration error in the timeline', async () => {
      const s = await handle.query(statusQuery);
      return s.timeline.some((e) => e.action === 'integration_error') ? s : null;
    });
    const problem = status.timeline.find((e) => e.action === 'integration_error')!;
    expect(problem.note).toMatch(/post thread failed: .*invalid_auth.*SLACK_BOT_TOKEN/);
    expect(status.links.slackThread).toBeNull();
    await eventually('the tracker issue despite Slack', async () => (await handle.query(statusQuery)).links.gitlabIssue);
    expect(harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(id))).toHaveLength(1);
    const resolved = await handle.executeUpdate(ACTION_UPDATES.resolve, { args: [{ actor: 'grace' }] });
    expect(resolved.status).toBe('resolved');
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
  });
});
