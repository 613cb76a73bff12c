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
import { createSlackNoticeActivities } from './slack-notice.js';

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
  return {
    ...createPlanActivities(deps.config),
    ...createSlackActivities({ slack: deps.slack, helpChannel: deps.helpChannel }),
    ...createSlackNoticeActivities({ slack: deps.slack, helpChannel: deps.helpChannel }),
    ...createGitlabActivities({ gitlab: deps.gitlab, project: deps.gitlabProject }),
    ...createReconcileActivities({ gitlab: deps.gitlab, project: deps.gitlabProject, client: deps.client }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
