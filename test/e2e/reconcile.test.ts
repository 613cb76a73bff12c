/**
 * A GitLab webhook deliberately dropped: the tracker issue is closed but tierflow never hears of
 * it. The reconciliation Schedule finds the difference and resolves the request.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { buildClients } from '../../workers/clients.js';
import { ensureSchedules } from '../../workers/schedules.js';
import { loadSettings } from '../../workers/settings.js';
import { statusQuery, type HelpRequestInput } from '../../workflows/contracts.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { eventually, startDevServerHarness, TRACKER, type DevServerHarness, type Harness } from '../support/harness.js';
import { unique } from '../support/temporal.js';

let stack: DevServerHarness;
let client: Client;
let harness: Harness;

beforeAll(async () => {
  stack = await startDevServerHarness(inject('temporalAddress'));
  ({ harness, client } = stack);
});

afterAll(async () => stack?.close());

describe('tracker reconciliation', () => {
  it('resolves a request whose tracker issue was closed while the webhook was lost', async () => {
    const input: HelpRequestInput = {
      id: unique('req-reconcile'),
      source: 'webhook',
      requester: { email: 'ada@example.com' },
      summary: 'Change the Okta session lifetime',
      system: 'okta-sso',
      type: 'change',
    };
    const handle = await client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
    const opened = await eventually('the tracker issue', async () => {
      const status = await handle.query(statusQuery);
      return status.links.gitlabIssue ? status : null;
    });
    expect(opened.tier).toBe(3);
    const [issue] = harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(input.id));

    // An engineer closes the issue in GitLab; the Issue Hook never reaches tierflow.
    const { gitlab } = buildClients(loadSettings({}), { gitlabUrl: harness.sandbox.gitlab.url });
    await gitlab.Issues.edit(TRACKER, issue!.iid, { stateEvent: 'close' });
    expect((await handle.query(statusQuery)).status).toBe('open');

    const scheduleId = unique('reconcile');
    await ensureSchedules(client, { taskQueue: harness.taskQueue, scheduleId });
    await ensureSchedules(client, { taskQueue: harness.taskQueue, scheduleId }); // idempotent
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const resolved = await eventually('the request to be resolved by the reconciler', async () => {
        const status = await handle.query(statusQuery);
        return status.status === 'resolved' ? status : null;
      }, 30_000);
      expect(resolved.timeline.at(-1)).toMatchObject({ actor: 'gitlab-reconciler', action: 'resolve' });
    } finally {
      await schedule.delete();
    }
  });
});
