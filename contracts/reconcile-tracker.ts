/**
 * The contract of `reconcileTrackerWorkflow`, started by a Temporal Schedule: compare tracker
 * issues changed lately with their requests and signal what a lost GitLab hook missed.
 */
import type { ActionName } from '../domain/request-actions.js';

/** Workflow type name, for the Schedule that starts it. */
export const RECONCILE_TRACKER_WORKFLOW = 'reconcileTrackerWorkflow';
/** Schedule id and period of the reconciliation. */
export const RECONCILE_SCHEDULE_ID = 'tierflow-reconcile-tracker';
export const RECONCILE_EVERY = '10 minutes';

/** What one reconciliation run did. */
export interface ReconcileReport {
  issuesSeen: number;
  signalled: Array<{ requestId: string; action: ActionName; iid: number }>;
}
