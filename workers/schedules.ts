/**
 * Ensures the Schedules tierflow relies on exist: the tracker reconciliation and the daily review of
 * Tier 4 automation candidates, and the weekly SLA digest when a digest channel is configured.
 * Idempotent: an existing schedule is left as it is (an operator may have paused it in the Temporal UI).
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

import { AUTOMATION_CANDIDATES_WORKFLOW, AUTOMATION_HOUR_UTC, AUTOMATION_SCHEDULE_ID } from '../contracts/automation-candidates.js';
import { HELP_REQUEST_TASK_QUEUE } from '../contracts/help-request.js';
import { RECONCILE_EVERY, RECONCILE_SCHEDULE_ID, RECONCILE_TRACKER_WORKFLOW } from '../contracts/reconcile-tracker.js';
import { SLA_DIGEST_AT, SLA_DIGEST_SCHEDULE_ID, SLA_DIGEST_WORKFLOW, type SlaDigestInput } from '../contracts/sla-digest.js';

/** The weekly SLA digest's Schedule, made only when a digest channel is configured (`SLACK_DIGEST_CHANNEL`). */
export interface DigestSchedule {
  /** The coverage calendar's zone: the digest runs Monday 08:00 there, and its weeks start Monday 00:00 there. */
  timeZone: string;
  scheduleId?: string;
}

export async function ensureSchedules(
  client: Client,
  opts: { taskQueue?: string; scheduleId?: string; automationScheduleId?: string; digest?: DigestSchedule | null } = {},
): Promise<void> {
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
  try {
    await client.schedule.create({
      scheduleId: opts.automationScheduleId ?? AUTOMATION_SCHEDULE_ID,
      spec: { calendars: [{ hour: AUTOMATION_HOUR_UTC, comment: 'daily' }] },
      action: { type: 'startWorkflow', workflowType: AUTOMATION_CANDIDATES_WORKFLOW, taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE, args: [] },
      policies: { overlap: 'SKIP' },
      state: { note: 'Opens or updates one Tier 4 automation issue per kind of request that keeps coming back (as time allows: no SLA).' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  if (opts.digest) {
    const args: [SlaDigestInput] = [{ timeZone: opts.digest.timeZone }];
    try {
      await client.schedule.create({
        scheduleId: opts.digest.scheduleId ?? SLA_DIGEST_SCHEDULE_ID,
        spec: { calendars: [{ ...SLA_DIGEST_AT, comment: 'weekly, Monday 08:00' }], timezone: opts.digest.timeZone },
        action: { type: 'startWorkflow', workflowType: SLA_DIGEST_WORKFLOW, taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE, args },
        policies: { overlap: 'SKIP' },
        state: { note: "Posts last week's SLA summary and chart to the digest channel (SLACK_DIGEST_CHANNEL)." },
      });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
}
