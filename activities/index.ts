/**
 * Builds every activity from injected clients and configuration. Only the worker entrypoint reads
 * the environment and constructs the clients; tests inject clients pointed at local fakes.
 */
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';

import type { TierflowConfig } from '../domain/config.js';
import { createAutomationActivities, readResolvedRequests } from './automation-candidates.js';
import { createGitlabActivities, type GitlabClient } from './gitlab.js';
import { createPlanActivities } from './plan.js';
import { createReconcileActivities } from './reconcile.js';
import { createSlaDigestActivities, type SlaReportReader } from './sla-digest.js';
import { createReviewActivities } from './review-issue.js';
import { createSlackActivities } from './slack.js';
import { createUsergroupDirectory } from './slack-groups.js';
import { createSlackNoticeActivities } from './slack-notice.js';
import { createSlackSwarmActivities } from './slack-swarm.js';

export interface ActivityDeps {
  config: TierflowConfig;
  slack: WebClient;
  helpChannel: string;
  gitlab: GitlabClient;
  gitlabProject: string;
  /** For the tracker reconciliation, which reads request status and signals requests. */
  client: Client;
  /** The weekly SLA digest: its channel (`SLACK_DIGEST_CHANNEL`, null: none) and the report it reads (default: no digest). */
  digest?: { channel: string | null; readReport: SlaReportReader };
}

export function createActivities(deps: ActivityDeps) {
  // One cache of the workspace's user groups for the thread and the swarm channel.
  const slack = { slack: deps.slack, helpChannel: deps.helpChannel, usergroups: createUsergroupDirectory(deps.slack) };
  return {
    ...createPlanActivities(deps.config),
    ...createSlackActivities(slack),
    ...createSlackNoticeActivities({ slack: deps.slack, helpChannel: deps.helpChannel }),
    ...createSlackSwarmActivities(slack),
    ...createGitlabActivities({ gitlab: deps.gitlab, project: deps.gitlabProject }),
    ...createReconcileActivities({ gitlab: deps.gitlab, project: deps.gitlabProject, client: deps.client }),
    ...createSlaDigestActivities({ slack: deps.slack, channel: deps.digest?.channel ?? null, readReport: deps.digest?.readReport ?? null }),
    ...createAutomationActivities({
      gitlab: deps.gitlab,
      project: deps.gitlabProject,
      config: deps.config,
      resolvedSince: (since) => readResolvedRequests(deps.client, since),
    }),
    ...createReviewActivities({ gitlab: deps.gitlab, project: deps.gitlabProject }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
