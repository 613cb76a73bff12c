/**
 * Reconciliation of the tracker with open requests. GitLab does not redeliver a webhook it failed
 * to deliver (and disables a hook that keeps failing), so a Schedule runs this periodically: it
 * lists tracker issues changed recently and signals what a lost Issue Hook would have said.
 *
 * An issue's request is the one that records it (the `TrackerIssue` search attribute, from the
 * project id and iid GitLab gave tierflow), never one a marker in the description names: anyone
 * who can open an issue can write that text.
 */
import type { Client } from '@temporalio/client';

import { ACTION_SIGNALS } from '../contracts/help-request.js';
import { StatusKey, trackerIssueQuery, trackerIssueValue, TrackerIssueKey } from '../contracts/search-attributes.js';
import type { ReconcileReport } from '../contracts/reconcile-tracker.js';
import { actionForIssueState } from '../domain/tracker-issue.js';
import { classifyGitlabError } from './errors.js';
import type { GitlabClient } from './gitlab.js';

export interface ReconcileDeps {
  gitlab: GitlabClient;
  project: string;
  client: Client;
  now?: () => number;
}

interface ListedIssue {
  iid: number;
  project_id: number;
  state: string;
}

export function createReconcileActivities(deps: ReconcileDeps) {
  const now = deps.now ?? Date.now;

  /**
   * The running requests that record these issues, by `TrackerIssue` value, in one visibility
   * query. A value recorded by more than one request maps to none (never a guess).
   */
  const requestsRecording = async (values: string[]): Promise<Map<string, string>> => {
    const found = new Map<string, Set<string>>();
    if (values.length === 0) return new Map();
    for await (const execution of deps.client.workflow.list({ query: `${trackerIssueQuery(values)} AND ExecutionStatus = 'Running'` })) {
      const value = execution.typedSearchAttributes.get(TrackerIssueKey);
      if (value) found.set(value, (found.get(value) ?? new Set()).add(execution.workflowId));
    }
    return new Map([...found].filter(([, ids]) => ids.size === 1).map(([value, ids]) => [value, [...ids][0]!]));
  };

  return {
    /** Compares tracker issues updated in the last `lookbackMs` with their requests and signals the difference. */
    async reconcileTracker(args: { lookbackMs: number }): Promise<ReconcileReport> {
      let issues: ListedIssue[];
      try {
        issues = (await deps.gitlab.Issues.all({
          projectId: deps.project,
          updatedAfter: new Date(now() - args.lookbackMs).toISOString(),
          perPage: 100,
        } as Parameters<GitlabClient['Issues']['all']>[0])) as unknown as ListedIssue[];
      } catch (err) {
        throw classifyGitlabError(err, 'listing tracker issues');
      }
      const report: ReconcileReport = { issuesSeen: issues.length, signalled: [] };
      const keyed = issues.flatMap((issue) => {
        const value = trackerIssueValue(issue.project_id, issue.iid);
        return value ? [{ issue, value }] : [];
      });
      // One query per 100 issues (a page of the list), so a run costs a handful of visibility calls.
      for (let start = 0; start < keyed.length; start += 100) {
        const chunk = keyed.slice(start, start + 100);
        const recorded = await requestsRecording(chunk.map((k) => k.value));
        for (const { issue, value } of chunk) {
          const requestId = recorded.get(value);
          if (!requestId) continue;
          const handle = deps.client.workflow.getHandle(requestId);
          const description = await handle.describe().catch(() => null);
          // The request must still record this issue (read from the workflow itself, not visibility).
          if (!description || description.status.name !== 'RUNNING' || description.typedSearchAttributes.get(TrackerIssueKey) !== value) continue;
          const action = actionForIssueState(issue.state, description.typedSearchAttributes.get(StatusKey) ?? '');
          if (!action) continue;
          await handle.signal(ACTION_SIGNALS[action], { actor: 'gitlab-reconciler', note: `tracker issue #${issue.iid} is ${issue.state}`, source: 'gitlab' });
          report.signalled.push({ requestId, action, iid: issue.iid });
        }
      }
      return report;
    },
  };
}
