/**
 * Fixtures for the activity tests: request states built by hand (types only from the domain, so
 * these tests do not move with the state machine), and the Slack and GitLab activities wired like
 * production (`buildClients`) against the sandbox emulators. The activities see attempt 1 (a
 * first attempt writes without looking for an earlier one) unless a test runs them as a retry.
 */
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';

import { createGitlabActivities } from '../../../activities/gitlab.js';
import { createSlackActivities } from '../../../activities/slack.js';
import type { RequestState, SystemRef } from '../../../domain/request.js';
import type { SlaClock } from '../../../domain/sla-clock.js';
import { createGitlabEmulator, createSlackEmulator, type GitlabEmulator, type SlackEmulator, type SlackUsergroupConfig } from '../../../sandbox/index.js';
import { buildClients, type IntegrationClients } from '../../../workers/clients.js';
import { emulatorSettings } from '../../../bench/support/emulator-env.js';
import type { Settings } from '../../../config/settings.js';

export const HELP_CHANNEL = 'C0ITHELP';
export const TRACKER = 'gitlab-com/gl-security/corp/issue-tracker';

/** The groups the Slack emulator serves in these tests. */
export const USERGROUPS: SlackUsergroupConfig[] = [
  { id: 'S0HELPDESK', handle: 'it-helpdesk-analysts' },
  { id: 'S0CSAUTO', handle: 'corpsec-automation' },
];

export const OKTA: SystemRef = {
  id: 'okta-sso',
  name: 'Okta SSO',
  gitlabLabel: 'corpsys::okta-sso',
  gitlabOwners: 'gitlab-com/gl-security/corp/sys/okta',
  slackOwners: 'sysowners-okta-sso',
};

export const GOOGLE: SystemRef = {
  id: 'google-workspace',
  name: 'Google Workspace',
  gitlabLabel: 'corpsys::google-workspace',
  gitlabOwners: 'gitlab-com/gl-security/corp/sys/google',
  slackOwners: 'sysowners-google',
};

let counter = 0;

/** A request state at Tier 2, open, with running clocks; `overrides` replace whole fields. */
export function requestState(overrides: Partial<RequestState> = {}): RequestState {
  counter += 1;
  const createdAt = Date.now();
  return {
    id: `REQ-${process.pid}-${counter}`,
    createdAt,
    requester: { email: 'ada@example.com', name: 'Ada', slackUserId: 'U0ADA12345' },
    summary: 'Locked out of Okta',
    description: 'My push notifications stopped arriving.',
    type: 'access',
    priority: 'P3',
    system: OKTA,
    tier: 2,
    status: 'open',
    statusBeforePause: null,
    resolution: null,
    assignee: null,
    clocks: [clock({ kind: 'first_response', tier: 2, startedAt: createdAt }), clock({ kind: 'resolution', tier: 2, startedAt: createdAt })],
    slaBreached: false,
    nextReminderAt: null,
    remindersSent: 0,
    links: { slackChannel: null, slackTs: null, statusTs: null, slackThread: null, gitlabIssueIid: null, gitlabIssue: null },
    timeline: [],
    timelineTotal: 0,
    timelineCounts: {},
    resolvedAt: null,
    effectSeq: 0,
    ...overrides,
  };
}

/** An SLA clock, running unless overridden. */
export function clock(overrides: Partial<SlaClock> & Pick<SlaClock, 'kind' | 'tier'>): SlaClock {
  return {
    targetMs: 4 * 3_600_000,
    warningFraction: 0.75,
    startedAt: 0,
    elapsedMs: 0,
    runningSince: overrides.startedAt ?? 0,
    pauses: [],
    state: 'running',
    warned: false,
    breachedAt: null,
    ...overrides,
  };
}

/** Both emulators and the activities over real clients pointed at them. */
export interface Integrations {
  slackEmu: SlackEmulator;
  gitlabEmu: GitlabEmulator;
  clients: IntegrationClients;
  settings: Settings;
  slack: ReturnType<typeof createSlackActivities>;
  gitlab: ReturnType<typeof createGitlabActivities>;
  /**
   * Runs `call` as Temporal's attempt `attempt` (default 2) of the activities: a retry, which
   * looks for what an earlier attempt may have written before writing.
   * @example await it_.retry(() => it_.slack.postRequestThread(args))
   */
  retry<T>(call: () => Promise<T>, attempt?: number): Promise<T>;
  /** The attempt the activities see (1, or a retry's): for activities a test builds itself. */
  attempt: () => number;
  /** Activities over clients built with other tokens (for configuration errors). */
  withTokens(tokens: { slack?: string; gitlab?: string }): {
    slack: ReturnType<typeof createSlackActivities>;
    gitlab: ReturnType<typeof createGitlabActivities>;
  };
  close(): Promise<void>;
}

/** Starts the emulators and builds the activities like the worker does. */
export async function startIntegrations(opts: { now?: () => number } = {}): Promise<Integrations> {
  const slackEmu = await createSlackEmulator({ usergroups: USERGROUPS });
  const gitlabEmu = await createGitlabEmulator({ projects: [TRACKER] });
  const settings = emulatorSettings({ slackApiUrl: slackEmu.url, gitlabUrl: gitlabEmu.url, helpChannel: HELP_CHANNEL, project: TRACKER });
  const urls = { slackApiUrl: slackEmu.url, gitlabUrl: gitlabEmu.url };
  let current = 1;
  const attempt = () => current;
  const build = (s: Settings) => {
    const clients = buildClients(s, urls);
    const now = opts.now ? { now: opts.now } : {};
    return {
      clients,
      slack: createSlackActivities({ slack: clients.slack, helpChannel: HELP_CHANNEL, attempt, ...now }),
      gitlab: createGitlabActivities({ gitlab: clients.gitlab, project: TRACKER, attempt, ...now }),
    };
  };
  const built = build(settings);
  return {
    slackEmu,
    gitlabEmu,
    settings,
    ...built,
    attempt,
    async retry(call, n = 2) {
      current = n;
      try {
        return await call();
      } finally {
        current = 1;
      }
    },
    withTokens(tokens) {
      const other = build({
        ...settings,
        slack: { ...settings.slack, botToken: tokens.slack ?? settings.slack.botToken },
        gitlab: { ...settings.gitlab, token: tokens.gitlab ?? settings.gitlab.token },
      });
      return { slack: other.slack, gitlab: other.gitlab };
    },
    async close() {
      await Promise.all([slackEmu.close(), gitlabEmu.close()]);
    },
  };
}

/** Awaits a promise that must fail with an ApplicationFailure, and returns the failure. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}
