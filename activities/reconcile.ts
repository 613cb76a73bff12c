/**
 * Reconciliation of the tracker with open requests. GitLab does not redeliver a webhook it failed
 * to deliver (and disables a hook that keeps failing), so a Schedule runs this periodically: it
 * lists tracker issues changed recently and signals what a lost Issue Hook would have said.
 */
import type { Client } from '@temporalio/client';

import { ACTION_SIGNALS, type ActionName } from '../workflows/contracts.js';
import { StatusKey } from '../workflows/search-attributes.js';
import { classifyGitlabError } from './errors.js';
import type { GitlabClient } from './gitlab.js';
import { requestIdFromMarker } from './gitlab-text.js';

export interface ReconcileDeps {
  gitlab: GitlabClient;
  project: string;
  client: Client;
  now?: () => number;
}

/** What one reconciliation run did. */
export interface ReconcileReport {
  issuesSeen: number;
  signalled: Array<{ requestId: string; action: ActionName; iid: number }>;
}

const ACTIVE = new Set(['open', 'acknowledged', 'waiting_on_requester']);

/** The action a request needs so it matches its tracker issue, if any. */
export function missedAction(issueState: string, requestStatus: string): ActionName | null {
  if (issueState === 'closed' && ACTIVE.has(requestStatus)) return 'resolve';
  if (issueState === 'opened' && requestStatus === 'resolved') return 'reopen';
  return null;
}

export function createReconcileActivities(deps: ReconcileDeps) {
  const now = deps.now ?? Date.now;
  return {
    /** Compares tracker issues updated in the last `lookbackMs` with their requests and signals the difference. */
    async reconcileTracker(args: { lookbackMs: number }): Promise<ReconcileReport> {
      let issues: Array<{ iid: number; state: string; description?: string | null }>;
      try {
        issues = (await deps.gitlab.Issues.all({
          projectId: deps.project,
          updatedAfter: new Date(now() - args.lookbackMs).toISOString(),
          perPage: 100,
        } as Parameters<GitlabClient['Issues']['all']>[0])) as typeof issues;
      } catch (err) {
        throw classifyGitlabError(err, 'listing tracker issues');
      }
      const report: ReconcileReport = { issuesSeen: issues.length, signalled: [] };
      for (const issue of issues) {
        const requestId = requestIdFromMarker(issue.description);
        if (!requestId) continue;
        const handle = deps.client.workflow.getHandle(requestId);
        const description = await handle.describe().catch(() => null);
        if (!description || description.status.name !== 'RUNNING') continue;
        const action = missedAction(issue.state, description.typedSearchAttributes.get(StatusKey) ?? '');
        if (!action) continue;
        await handle.signal(ACTION_SIGNALS[action], { actor: 'gitlab-reconciler', note: `tracker issue #${issue.iid} is ${issue.state}`, source: 'gitlab' });
        report.signalled.push({ requestId, action, iid: issue.iid });
      }
      return report;
    },
  };
}
