/**
 * `reconcileTrackerWorkflow`: started by a Temporal Schedule, it runs one reconciliation of the
 * GitLab tracker with open requests (see activities/reconcile.ts) and reports what it fixed.
 */
import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import type { ReconcileReport } from '../activities/reconcile.js';

const { reconcileTracker } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['IntegrationConfigError'] },
});

/** Schedule id and default period of the reconciliation. */
export const RECONCILE_SCHEDULE_ID = 'tierflow-reconcile-tracker';
export const RECONCILE_EVERY = '10 minutes';

export async function reconcileTrackerWorkflow(args: { lookbackMs?: number } = {}): Promise<ReconcileReport> {
  // Looks back a day on every run: a signal is only sent on a mismatch, so overlap is harmless.
  return reconcileTracker({ lookbackMs: args.lookbackMs ?? 24 * 3_600_000 });
}
