/**
 * Ensures the Schedules tierflow relies on exist: today the tracker reconciliation. Idempotent:
 * an existing schedule is left as it is (an operator may have paused it in the Temporal UI).
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

import { HELP_REQUEST_TASK_QUEUE } from '../contracts/help-request.js';
import { RECONCILE_EVERY, RECONCILE_SCHEDULE_ID, RECONCILE_TRACKER_WORKFLOW } from '../contracts/reconcile-tracker.js';

export async function ensureSchedules(client: Client, opts: { taskQueue?: string; scheduleId?: string } = {}): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: opts.scheduleId ?? RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: RECONCILE_EVERY }] },
      action: { type: 'startWorkflow', workflowType: RECONCILE_TRACKER_WORKFLOW, taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE, args: [{}] },
      policies: { overlap: 'SKIP' },
      state: { note: 'Signals what lost GitLab webhooks missed (GitLab does not redeliver).' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
