/**
 * Production-mode settings whose Slack and GitLab are the local emulators: what the benchmark's
 * worker processes and the tests' workers run with. No sandbox shortcut: every variable a
 * production process needs is set, and every secret is strong and freshly generated, so the same
 * `loadSettings` checks pass that a real deployment must pass.
 */
import { randomBytes } from 'node:crypto';

import { loadSettings, type Entry, type Settings } from '../../config/settings.js';

/** A fresh secret as `openssl rand -hex 32` makes one. */
export function strongSecret(): string {
  return randomBytes(32).toString('hex');
}

export interface EmulatorEnvOptions {
  /** Base URL of the Slack emulator's Web API (unset: Slack's own default, for code that never calls it). */
  slackApiUrl?: string;
  /** Base URL of the GitLab emulator (unset: GitLab.com's default, for code that never calls it). */
  gitlabUrl?: string;
  helpChannel?: string;
  project?: string;
  /** A bot token the Slack emulator treats specially (`xoxb-invalid`, `xoxb-missing-scope`). */
  slackToken?: string;
  temporalAddress?: string;
  namespace?: string;
  /**
   * Slack and GitLab activities per second on the worker's lanes (default 50 each: the harnesses and
   * tests are about workflows, not about waiting for the modelled limits; the benchmark's burst
   * scenario sets the production defaults explicitly).
   */
  rates?: { slack: number; gitlab: number };
}

/** The environment of a production process against the emulators (entry 'embedded', 'intake' or 'worker'). */
export function emulatorEnv(opts: EmulatorEnvOptions = {}): Record<string, string> {
  return {
    ...(opts.temporalAddress ? { TEMPORAL_ADDRESS: opts.temporalAddress } : {}),
    ...(opts.namespace ? { TEMPORAL_NAMESPACE: opts.namespace } : {}),
    API_TOKEN: strongSecret(),
    INTAKE_SECRET: strongSecret(),
    SLACK_BOT_TOKEN: opts.slackToken ?? `xoxb-${randomBytes(12).toString('hex')}`,
    SLACK_SIGNING_SECRET: strongSecret(),
    SLACK_HELP_CHANNEL: opts.helpChannel ?? 'C0ITHELP',
    ...(opts.slackApiUrl ? { SLACK_API_URL: opts.slackApiUrl } : {}),
    ...(opts.gitlabUrl ? { GITLAB_URL: opts.gitlabUrl } : {}),
    GITLAB_TOKEN: `glpat-${randomBytes(16).toString('hex')}`,
    ...(opts.project ? { GITLAB_PROJECT: opts.project } : {}),
    GITLAB_WEBHOOK_SECRET: strongSecret(),
    SLACK_ACTIVITIES_PER_SECOND: String(opts.rates?.slack ?? 50),
    GITLAB_ACTIVITIES_PER_SECOND: String(opts.rates?.gitlab ?? 50),
  };
}

/**
 * Settings loaded (and checked) from {@link emulatorEnv}.
 * @example buildClients(emulatorSettings({ slackApiUrl: sandbox.slack.url, gitlabUrl: sandbox.gitlab.url }))
 */
export function emulatorSettings(opts: EmulatorEnvOptions = {}, entry: Entry = 'embedded'): Settings {
  return loadSettings(emulatorEnv(opts), { entry });
}
