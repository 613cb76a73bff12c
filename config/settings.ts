/**
 * The one typed configuration module: every entrypoint reads the environment here, once, and fails
 * at start with ONE message naming every missing, malformed or weak variable. Defaults are explicit.
 * Secrets are kept out of `describeSettings` and out of every error message.
 *
 * Modes (DESIGN.md "Contract"; decided in `modes.ts`):
 * - **sandbox**: asked for by name (`TIERFLOW_SANDBOX=1`), or `npm start` with nothing at all
 *   configured. Slack and GitLab are the local emulators, the API token is `sandbox` unless
 *   `API_TOKEN` is given, unsigned JSON webhooks are accepted unless `INTAKE_SECRET` is given, and
 *   the intake binds loopback only. The standalone intake and worker refuse it.
 * - **production**: everything else. Every secret the process's enabled parts need is required and
 *   must be strong (`secret-rules.ts`); intake sources can be switched off with `TIERFLOW_SOURCES`.
 */
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

import { decideMode, ENTRY_NAMES, INTAKE_SOURCES, parseListenAddress, type Entry, type IntakeSources, type Mode } from './modes.js';
import { problemsOfSecrets } from './secret-rules.js';

export { CONFIGURING_VARIABLES, INTAKE_SOURCES, parseListenAddress, type Entry, type IntakeSources, type Mode } from './modes.js';

/** The checkout's root folder (the default data folder is under it). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The token the API accepts in sandbox mode when `API_TOKEN` is unset. Documented in the README. */
export const SANDBOX_API_TOKEN = 'sandbox';
/** The help channel id used in sandbox mode when `SLACK_HELP_CHANNEL` is unset. */
export const SANDBOX_HELP_CHANNEL = 'C0ITHELP';
/** A Slack channel id (`C…` public, `G…` private): `files.completeUploadExternal` shares into an id, never a name. */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;
/** Where the intake listens, and its Prometheus listener (loopback unless configured otherwise). */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9091';
/** Where a standalone worker's runtime serves its Prometheus metrics (OpenTelemetry's port, loopback). */
export const DEFAULT_WORKER_METRICS_ADDRESS = '127.0.0.1:9464';

/**
 * Slack activities per second: Slack allows about one `chat.postMessage` per second per channel
 * (short bursts tolerated) and Tier 3 methods such as `chat.update` about 50 a minute; nearly every
 * post goes to the help channel, so one a second keeps tierflow inside the limits by design.
 */
export const DEFAULT_SLACK_RATE = 1;
/** GitLab activities per second: well under GitLab.com's authenticated API and issue-creation limits. */
export const DEFAULT_GITLAB_RATE = 5;

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const listenAddress = (what: string, ipOnly: boolean) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        const parsed = parseListenAddress(v);
        return parsed !== null && (!ipOnly || isIP(parsed.host) !== 0);
      },
      `expected ${ipOnly ? 'ip' : 'host'}:port for ${what} (e.g. 127.0.0.1:9464${ipOnly ? '' : ' or localhost:9091'})`,
    );

const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  // The embedded dev server's gRPC port (npm start without TEMPORAL_ADDRESS) and its Web UI's.
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  HOST: z.string().trim().min(1).default(DEFAULT_HOST),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  METRICS_ADDRESS: listenAddress('the intake metrics listener', false).default(DEFAULT_METRICS_ADDRESS),
  // The Temporal runtime parses it as a socket address: an IP literal, not a name.
  WORKER_METRICS_ADDRESS: listenAddress('the worker metrics exporter', true).default(DEFAULT_WORKER_METRICS_ADDRESS),
  PUBLIC_URL: optionalText,
  INTAKE_SECRET: optionalText,
  API_TOKEN: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: z.url().optional(),
  SLACK_HELP_CHANNEL: optionalText,
  // The weekly SLA digest's channel (unset: no digest; sandbox: the help channel).
  SLACK_DIGEST_CHANNEL: z.string().trim().regex(SLACK_CHANNEL_ID, 'expected a Slack channel id such as C0123ABCD (not a #name)').optional(),
  GITLAB_URL: z.url().optional(),
  GITLAB_TOKEN: optionalText,
  GITLAB_PROJECT: z.string().trim().min(1).default('gitlab-com/gl-security/corp/issue-tracker'),
  GITLAB_WEBHOOK_SECRET: optionalText,
  TIERFLOW_CONFIG: optionalText,
  TIERFLOW_DATA_DIR: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How many Slack / GitLab activities start per second, across every worker (the lanes' task
  // queues are rate-limited by the Temporal server): a burst is smoothed, not retried into a storm.
  SLACK_ACTIVITIES_PER_SECOND: z.coerce.number().gt(0).max(1000).default(DEFAULT_SLACK_RATE),
  GITLAB_ACTIVITIES_PER_SECOND: z.coerce.number().gt(0).max(1000).default(DEFAULT_GITLAB_RATE),
});

/** Every variable this module reads (a child process started with settings of its own drops the parent's). */
export const SETTINGS_VARIABLES: readonly string[] = [...Object.keys(envSchema.shape), 'TIERFLOW_SANDBOX', 'TIERFLOW_SOURCES'];

export interface Settings {
  mode: Mode;
  entry: Entry;
  /** Intake sources switched on (`TIERFLOW_SOURCES`); a switched-off source's routes answer 404. */
  sources: IntakeSources;
  /** `address` null: `npm start` runs a dev server on `port` (Web UI on `uiPort`). */
  temporal: { address: string | null; namespace: string; port: number; uiPort: number };
  /** The intake's bind address (`HOST`); loopback unless configured. */
  host: string;
  port: number;
  /** `host:port` of the intake's Prometheus listener (`METRICS_ADDRESS`). */
  metricsAddress: string;
  /** `ip:port` of a standalone worker's runtime exporter (`WORKER_METRICS_ADDRESS`). */
  workerMetricsAddress: string;
  publicUrl: string | null;
  /** Null: unsigned JSON webhooks are accepted (sandbox only), or the webhook source is off. */
  intakeSecret: string | null;
  /** Null only where the process serves no API (a standalone worker). */
  apiToken: string | null;
  /**
   * Slack. `appToken` (`SLACK_APP_TOKEN`, `xapp-…`) switches Socket Mode on: the intake also takes
   * deliveries over a WebSocket opened with `apps.connections.open` at `apiUrl` (`SLACK_API_URL`).
   */
  slack: {
    botToken: string | null;
    signingSecret: string | null;
    appToken: string | null;
    apiUrl: string | null;
    helpChannel: string | null;
    /** Where the weekly SLA digest is posted (`SLACK_DIGEST_CHANNEL`); null: no digest, and no digest Schedule. */
    digestChannel: string | null;
  };
  gitlab: { url: string; token: string | null; project: string; webhookSecret: string | null };
  configDir: string | null;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Activities started per second on the Slack and GitLab lanes' task queues (`SLACK_ACTIVITIES_PER_SECOND`, `GITLAB_ACTIVITIES_PER_SECOND`). */
  rates: { slack: number; gitlab: number };
}

/** Thrown when the environment is unusable; the message names every bad variable, never a secret. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Reads and validates the environment for one entrypoint.
 * @example loadSettings({}, { entry: 'embedded' }).mode // 'sandbox': nothing is configured
 * @example loadSettings({ INTAKE_SECRET: '…' }, { entry: 'intake' }) // throws, naming API_TOKEN, TEMPORAL_ADDRESS, …
 */
export function loadSettings(env: NodeJS.ProcessEnv, opts: { entry: Entry }): Settings {
  const { entry } = opts;
  // An empty variable means unset (compose files and shells often pass `VAR=`).
  const given: Record<string, string> = Object.fromEntries(
    Object.entries(env)
      .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1].trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
  const problems: string[] = [];
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')} is malformed: ${i.message}`));

  const { mode, sources, problems: modeProblems } = decideMode(given, entry);
  problems.push(...modeProblems);
  // Strength applies to every secret given, whatever the mode (sandbox refuses most of them above).
  problems.push(...problemsOfSecrets(given));

  if (problems.length > 0 || !parsed.success) {
    const hints = [
      ...(entry !== 'worker' && mode === 'production'
        ? [`an intake source you do not use can be switched off: TIERFLOW_SOURCES lists those on, default ${INTAKE_SOURCES.join(',')}`]
        : []),
      ...(entry === 'embedded' && mode === 'production' ? ['sandbox mode: npm start with nothing configured, or TIERFLOW_SANDBOX=1 alone'] : []),
    ];
    const hint = hints.map((h) => `\n(${h})`).join('');
    throw new SettingsError(`tierflow cannot start (${mode} mode, ${ENTRY_NAMES[entry]}):\n  - ${problems.join('\n  - ')}${hint}`);
  }
  const e = parsed.data;
  const sandbox = mode === 'sandbox';
  const helpChannel = e.SLACK_HELP_CHANNEL ?? (sandbox ? SANDBOX_HELP_CHANNEL : null);
  return {
    mode,
    entry,
    sources,
    temporal: { address: e.TEMPORAL_ADDRESS ?? null, namespace: e.TEMPORAL_NAMESPACE, port: e.TEMPORAL_PORT, uiPort: e.TEMPORAL_UI_PORT },
    host: e.HOST,
    port: e.PORT,
    metricsAddress: e.METRICS_ADDRESS,
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    publicUrl: e.PUBLIC_URL ?? null,
    intakeSecret: e.INTAKE_SECRET ?? null,
    apiToken: e.API_TOKEN ?? (sandbox ? SANDBOX_API_TOKEN : null),
    slack: {
      botToken: e.SLACK_BOT_TOKEN ?? (sandbox ? 'xoxb-sandbox' : null),
      signingSecret: e.SLACK_SIGNING_SECRET ?? null,
      appToken: e.SLACK_APP_TOKEN ?? null,
      apiUrl: e.SLACK_API_URL ?? null,
      helpChannel,
      // Sandbox: the digest goes to the help channel, so `npm start` shows it in the viewer.
      digestChannel: e.SLACK_DIGEST_CHANNEL ?? (sandbox ? helpChannel : null),
    },
    gitlab: {
      url: e.GITLAB_URL ?? 'https://gitlab.com',
      token: e.GITLAB_TOKEN ?? (sandbox ? 'glpat-sandbox' : null),
      project: e.GITLAB_PROJECT,
      webhookSecret: e.GITLAB_WEBHOOK_SECRET ?? null,
    },
    configDir: e.TIERFLOW_CONFIG ?? null,
    dataDir: e.TIERFLOW_DATA_DIR ?? join(PROJECT_ROOT, '.data'),
    logLevel: e.LOG_LEVEL,
    rates: { slack: e.SLACK_ACTIVITIES_PER_SECOND, gitlab: e.GITLAB_ACTIVITIES_PER_SECOND },
  };
}

/**
 * A setting `loadSettings` guarantees for this entrypoint, narrowed to non-null (a code path that
 * asks for one its entry does not need fails here, naming the variable).
 */
export function required<T>(value: T | null, name: string): T {
  if (value === null) throw new SettingsError(`${name} is missing`);
  return value;
}

/** A loggable summary with no secrets in it. */
export function describeSettings(s: Settings): Record<string, unknown> {
  const sandbox = s.mode === 'sandbox';
  return {
    mode: s.mode,
    entry: s.entry,
    sources: INTAKE_SOURCES.filter((name) => s.sources[name]),
    temporal: s.temporal.address ?? 'embedded dev server',
    namespace: s.temporal.namespace,
    host: s.host,
    port: s.port,
    metrics: s.metricsAddress,
    slack: sandbox
      ? 'sandbox emulator'
      : {
          apiUrl: s.slack.apiUrl ?? 'https://slack.com/api/',
          helpChannel: s.slack.helpChannel,
          digestChannel: s.slack.digestChannel ?? 'none',
          socketMode: s.slack.appToken !== null,
        },
    gitlab: sandbox ? 'sandbox emulator' : { url: s.gitlab.url, project: s.gitlab.project },
    intakeSignature: s.intakeSecret ? 'required' : s.sources.webhook && sandbox ? 'not required (sandbox)' : 'n/a',
    config: s.configDir ?? 'built-in registry',
  };
}
