/**
 * A GitLab webhook deliberately dropped: the tracker issue is closed but tierflow never hears of
 * it. The reconciliation Schedule finds the difference and resolves the request — the request
 * that records the issue (`TrackerIssue`), never one a marker in some issue's description names.
 */
import { Gitlab } from '@gitbeaker/rest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { requestMarker } from '../../contracts/tracker-marker.js';
import type { ReconcileReport } from '../../contracts/reconcile-tracker.js';
import { ensureSchedules } from '../../workers/schedules.js';
import { statusQuery, type HelpRequestInput, type RequestStatusView } from '../../contracts/help-request.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { TrackerIssueKey } from '../../contracts/search-attributes.js';
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

/** An engineer (`glpat-e2e`: tierflow's emulated user) or Mallory, writing through the real client. */
const gitlabAs = (token: string) => new Gitlab({ host: harness.sandbox.gitlab.url, token });
const mallory = () => gitlabAs(harness.sandbox.gitlab.tokenFor('mallory'));

/** A change request: it starts at Tier 3 and tierflow opens its tracker issue. */
async function changeRequest(summary: string): Promise<{ handle: WorkflowHandle<typeof helpRequestWorkflow>; opened: RequestStatusView; iid: number }> {
  const input: HelpRequestInput = {
    id: unique('req-reconcile'),
    source: 'webhook',
    requester: { email: 'ada@example.com' },
    summary,
    system: 'okta-sso',
    type: 'change',
  };
  const handle = await client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
  const opened = await eventually('the tracker issue', async () => {
    const status = await handle.query(statusQuery);
    return status.links.gitlabIssue ? status : null;
  });
  const issue = harness.sandbox.gitlab.issues(TRACKER).find((i) => i.title.includes(input.id))!;
  // The request records its issue (TrackerIssue) once its effects are done.
  await eventually('the TrackerIssue search attribute', async () => {
    const description = await handle.describe();
    return description.typedSearchAttributes.get(TrackerIssueKey) === `${issue.project_id}#${issue.iid}`;
  });
  return { handle, opened, iid: issue.iid };
}

describe('tracker reconciliation', () => {
  it('resolves a request whose tracker issue was closed while the webhook was lost, even with the marker edited out', async () => {
    const { handle, opened, iid } = await changeRequest('Change the Okta session lifetime');
    expect(opened.tier).toBe(3);

    // Someone tidies the description (the marker goes), an engineer closes the issue; the hook never arrives.
    await mallory().Issues.edit(TRACKER, iid, { description: 'Session lifetime: 12h' });
    await gitlabAs('glpat-e2e').Issues.edit(TRACKER, iid, { stateEvent: 'close' });
    expect((await handle.query(statusQuery)).status).toBe('open');

    const scheduleId = unique('reconcile');
    await ensureSchedules(client, { taskQueue: harness.taskQueue, scheduleId });
    await ensureSchedules(client, { taskQueue: harness.taskQueue, scheduleId }); // idempotent
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const resolved = await eventually(
        'the request to be resolved by the reconciler',
        async () => {
          const status = await handle.query(statusQuery);
          return status.status === 'resolved' ? status : null;
        },
        30_000,
      );
      expect(resolved.timeline.at(-1)).toMatchObject({ actor: 'gitlab-reconciler', action: 'resolve' });
    } finally {
      await schedule.delete();
    }
  });

  it("does not resolve a request because a closed issue's description carries a copy of its marker", async () => {
    const victim = await changeRequest('Grant the data team access to the BI bucket');
    const forged = await mallory().Issues.create(TRACKER, 'Printer jam', { description: `jammed\n\n<!-- ${requestMarker(victim.handle.workflowId)} -->` });
    await mallory().Issues.edit(TRACKER, forged.iid, { stateEvent: 'close' });

    const report: ReconcileReport = await client.workflow.execute('reconcileTrackerWorkflow', {
      taskQueue: harness.taskQueue,
      workflowId: unique('reconcile-run'),
      args: [{}],
    });
    // The run saw the forged issue (closed, in the lookback) and the victim's own (open): nothing to do.
    expect(report.issuesSeen).toBeGreaterThanOrEqual(2);
    expect(report.signalled.filter((s) => s.requestId === victim.handle.workflowId)).toEqual([]);
    const status = await victim.handle.query(statusQuery);
    expect(status.status).toBe('open');
    expect(status.timeline.filter((t) => t.actor === 'gitlab-reconciler')).toEqual([]);
  });
});
