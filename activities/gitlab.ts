/**
 * GitLab activities over an injected `@gitbeaker/rest` client. Creating the tracker issue is
 * idempotent: the description carries the request id, and a retry first searches for it.
 */
import type { Gitlab } from '@gitbeaker/rest';

import type { RequestState } from '../domain/request.js';
import { classifyGitlabError } from './errors.js';
import { inertGitlab } from './gitlab-text.js';

export type GitlabClient = InstanceType<typeof Gitlab>;

export interface GitlabDeps {
  gitlab: GitlabClient;
  project: string;
}

export interface TrackerIssueRef {
  iid: number;
  webUrl: string;
}

/** The marker line that ties a tracker issue to its request. */
export function requestMarker(requestId: string): string {
  return `tierflow-request: ${requestId}`;
}

function issueDescription(state: RequestState, reason: string, slackThread: string | null): string {
  const owners = state.system ? `@${state.system.gitlabOwners}` : 'Corporate Security triage';
  return [
    `**Request:** ${inertGitlab(state.summary)}`,
    `**Requester:** ${inertGitlab(state.requester.email)}`,
    `**Type:** ${state.type} · **Priority:** ${state.priority} · **Tier:** ${state.tier}`,
    `**System:** ${state.system ? inertGitlab(state.system.name) : 'unknown'} · **Owners:** ${owners}`,
    `**Why here:** ${inertGitlab(reason)}`,
    slackThread ? `**Slack thread:** ${slackThread}` : '',
    '',
    '### Description',
    inertGitlab(state.description || '(none given)'),
    '',
    `<!-- ${requestMarker(state.id)} -->`,
  ].join('\n');
}

export function createGitlabActivities(deps: GitlabDeps) {
  return {
    /** Opens the request's issue in the Corporate Security tracker (once). */
    async createTrackerIssue(args: { state: RequestState; reason: string; slackThread: string | null }): Promise<TrackerIssueRef> {
      const { state } = args;
      try {
        const existing = await deps.gitlab.Issues.all({
          projectId: deps.project,
          search: requestMarker(state.id),
          in: 'description',
        } as Parameters<GitlabClient['Issues']['all']>[0]);
        const found = (existing as Array<{ iid: number; web_url: string; description?: string | null }>).find((i) =>
          i.description?.includes(requestMarker(state.id)),
        );
        if (found) return { iid: found.iid, webUrl: found.web_url };
        const labels = [state.system?.gitlabLabel, `tier::${state.tier}`, `priority::${state.priority}`, `type::${state.type}`].filter(Boolean);
        const issue = await deps.gitlab.Issues.create(deps.project, `[${state.id}] ${inertGitlab(state.summary)}`, {
          description: issueDescription(state, args.reason, args.slackThread),
          labels: labels.join(','),
        });
        return { iid: Number(issue.iid), webUrl: String(issue.web_url) };
      } catch (err) {
        throw classifyGitlabError(err, 'creating the tracker issue');
      }
    },
  };
}
