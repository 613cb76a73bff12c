/**
 * The one typed configuration module: every entrypoint reads the environment here, once, and fails
 * at start with a message naming the variable. Defaults are explicit. Secrets are kept out of
 * `describeSettings` so they can never reach a log line.
 */
import { join } from 'node:path';

import { z } from 'zod';

import { PROJECT_ROOT } from './temporal-binaries.js';

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalText,
  INTAKE_SECRET: optionalText,
  API_TOKEN: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_API_URL: z.url().optional(),
  SLACK_HELP_CHANNEL: optionalText,
  GITLAB_URL: z.url().optional(),
  GITLAB_TOKEN: optionalText,
  GITLAB_PROJECT: z.string().trim().min(1).default('gitlab-com/gl-security/corp/issue-tracker'),
  GITLAB_WEBHOOK_SECRET: optionalText,
  TIERFLOW_CONFIG: optionalText,
  TIERFLOW_DATA_DIR: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Settings {
  temporal: { address: string | null; namespace: string; uiPort: number };
  port: number;
  publicUrl: string | null;
  intakeSecret: string | null;
  apiToken: string;
  slack: { botToken: string; signingSecret: string | null; apiUrl: string | null; helpChannel: string; sandbox: boolean };
  gitlab: { url: string; token: string; project: string; webhookSecret: string | null; sandbox: boolean };
  configDir: string | null;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

/** Thrown when the environment is unusable; the message names every bad variable. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** The token the API accepts in sandbox mode when `API_TOKEN` is unset. Documented in the README. */
export const SANDBOX_API_TOKEN = 'sandbox';
/** The help channel id used when Slack is sandboxed and `SLACK_HELP_CHANNEL` is unset. */
export const SANDBOX_HELP_CHANNEL = 'C0ITHELP';

/**
 * Reads and validates the environment.
 * @example loadSettings({ PORT: '3000' }).slack.sandbox // true: no SLACK_BOT_TOKEN
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable means unset (compose files and shells often pass `VAR=`).
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SettingsError(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  const slackSandbox = !e.SLACK_BOT_TOKEN;
  const gitlabSandbox = !e.GITLAB_TOKEN;
  const sandbox = slackSandbox || gitlabSandbox;
  const missing: string[] = [];
  if (!slackSandbox && !e.SLACK_HELP_CHANNEL) missing.push('SLACK_HELP_CHANNEL (required with SLACK_BOT_TOKEN)');
  if (!slackSandbox && !e.SLACK_SIGNING_SECRET) missing.push('SLACK_SIGNING_SECRET (required with SLACK_BOT_TOKEN)');
  if (!sandbox && !e.API_TOKEN) missing.push('API_TOKEN (required outside sandbox mode)');
  if (!sandbox && !e.INTAKE_SECRET) missing.push('INTAKE_SECRET (required outside sandbox mode)');
  if (!gitlabSandbox && !e.GITLAB_WEBHOOK_SECRET) missing.push('GITLAB_WEBHOOK_SECRET (required with GITLAB_TOKEN)');
  if (missing.length > 0) throw new SettingsError(`missing environment: ${missing.join('; ')}`);

  return {
    temporal: { address: e.TEMPORAL_ADDRESS ?? null, namespace: e.TEMPORAL_NAMESPACE, uiPort: e.TEMPORAL_UI_PORT },
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? null,
    intakeSecret: e.INTAKE_SECRET ?? null,
    apiToken: e.API_TOKEN ?? SANDBOX_API_TOKEN,
    slack: {
      botToken: e.SLACK_BOT_TOKEN ?? 'xoxb-sandbox',
      signingSecret: e.SLACK_SIGNING_SECRET ?? null,
      apiUrl: e.SLACK_API_URL ?? null,
      helpChannel: e.SLACK_HELP_CHANNEL ?? SANDBOX_HELP_CHANNEL,
      sandbox: slackSandbox,
    },
    gitlab: {
      url: e.GITLAB_URL ?? 'https://gitlab.com',
      token: e.GITLAB_TOKEN ?? 'glpat-sandbox',
      project: e.GITLAB_PROJECT,
      webhookSecret: e.GITLAB_WEBHOOK_SECRET ?? null,
      sandbox: gitlabSandbox,
    },
    configDir: e.TIERFLOW_CONFIG ?? null,
    dataDir: e.TIERFLOW_DATA_DIR ?? join(PROJECT_ROOT, '.data'),
    logLevel: e.LOG_LEVEL,
  };
}

/** A loggable summary with no secrets in it. */
export function describeSettings(s: Settings): Record<string, unknown> {
  return {
    temporal: s.temporal.address ?? 'embedded dev server',
    namespace: s.temporal.namespace,
    port: s.port,
    slack: s.slack.sandbox ? 'sandbox' : { apiUrl: s.slack.apiUrl ?? 'https://slack.com/api/', helpChannel: s.slack.helpChannel },
    gitlab: s.gitlab.sandbox ? 'sandbox' : { url: s.gitlab.url, project: s.gitlab.project },
    intakeSignature: s.intakeSecret ? 'required' : 'not required (sandbox)',
    config: s.configDir ?? 'built-in registry',
  };
}
