/**
 * Builds every activity from injected clients and configuration. Only the worker entrypoint reads
 * the environment and constructs the clients; tests inject clients pointed at local fakes.
 */
import type { WebClient } from '@slack/web-api';

import type { TierflowConfig } from '../domain/config.js';
import { createGitlabActivities, type GitlabClient } from './gitlab.js';
import { createPlanActivities } from './plan.js';
import { createSlackActivities } from './slack.js';

export interface ActivityDeps {
  config: TierflowConfig;
  slack: WebClient;
  helpChannel: string;
  gitlab: GitlabClient;
  gitlabProject: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanActivities(deps.config),
    ...createSlackActivities({ slack: deps.slack, helpChannel: deps.helpChannel }),
    ...createGitlabActivities({ gitlab: deps.gitlab, project: deps.gitlabProject }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
