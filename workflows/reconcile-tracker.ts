/**
 * `reconcileTrackerWorkflow`: started by a Temporal Schedule, it runs one reconciliation of the
 * GitLab tracker with open requests (see activities/reconcile.ts) and reports what it fixed.
 */
import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { RECONCILE_ACTIVITY } from '../contracts/failures.js';
import type { ReconcileReport } from '../contracts/reconcile-tracker.js';

const { reconcileTracker } = proxyActivities<Activities>(RECONCILE_ACTIVITY);

export async function reconcileTrackerWorkflow(args: { lookbackMs?: number } = {}): Promise<ReconcileReport> {
  // Looks back a day on every run: a signal is only sent on a mismatch, so overlap is harmless.
  return reconcileTracker({ lookbackMs: args.lookbackMs ?? 24 * 3_600_000 });
}
