/**
 * Builds every activity from injected clients and configuration. Only the worker entrypoint reads
 * the environment and constructs the clients; tests inject clients pointed at local fakes.
 */
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';

import type { TierflowConfig } from '../domain/config.js';
import { createGitlabActivities, type GitlabClient } from './gitlab.js';
import { createPlanActivities } from './plan.js';
import { createReconcileActivities } from './reconcile.js';
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
  };
}

export type Activities = ReturnType<typeof createActivities>;
