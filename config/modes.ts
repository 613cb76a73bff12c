/**
 * Sandbox or production, decided from the environment (the contract is in `settings.ts`): which
 * variables make `npm start` leave sandbox mode, what sandbox mode refuses, and what each
 * production process needs, by entrypoint and switched-on intake source.
 */
import { isIP } from 'node:net';

import { GENERATE_HINT, GENERATED_SECRETS, type SecretName } from './secret-rules.js';

/** Which process reads the settings: `npm start` (all in one), the standalone intake or worker. */
export type Entry = 'embedded' | 'intake' | 'worker';
export type Mode = 'sandbox' | 'production';

/** The intake sources `TIERFLOW_SOURCES` can name (all on by default). */
export const INTAKE_SOURCES = ['webhook', 'slack', 'gitlab'] as const;
export type IntakeSourceName = (typeof INTAKE_SOURCES)[number];
export type IntakeSources = Record<IntakeSourceName, boolean>;

/** Any of these set makes `npm start` run in production mode (empty counts as unset). */
export const CONFIGURING_VARIABLES = [
  'INTAKE_SECRET',
  'API_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_HELP_CHANNEL',
  'SLACK_DIGEST_CHANNEL',
  'SLACK_API_URL',
  'GITLAB_URL',
  'GITLAB_TOKEN',
  'GITLAB_PROJECT',
  'GITLAB_WEBHOOK_SECRET',
  'TEMPORAL_ADDRESS',
  'PUBLIC_URL',
  'HOST',
] as const;

/** Real Slack/GitLab credentials and endpoints: sandbox mode would ignore them, so it refuses them. */
const REAL_INTEGRATION_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'GITLAB_TOKEN',
  'GITLAB_WEBHOOK_SECRET',
  'GITLAB_URL',
] as const;

/** `host:port` or `[v6]:port`, split; null when malformed. */
export function parseListenAddress(text: string): { host: string; port: number } | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) return null;
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** How messages name each entrypoint. */
export const ENTRY_NAMES: Record<Entry, string> = { embedded: 'npm start', intake: 'standalone intake', worker: 'standalone worker' };

type Requirement = readonly [name: SecretName | 'SLACK_HELP_CHANNEL' | 'TEMPORAL_ADDRESS', why: string];

/** What a production process needs, with why (shown when the variable is missing). */
function requirements(entry: Entry, sources: IntakeSources): Requirement[] {
  const intake: Requirement[] = [['API_TOKEN', 'the bearer token of the request API']];
  if (sources.webhook) intake.push(['INTAKE_SECRET', 'signs POST /webhooks/requests (source webhook)']);
  if (sources.slack) {
    intake.push(
      ['SLACK_SIGNING_SECRET', 'verifies Slack requests (source slack)'],
      ['SLACK_HELP_CHANNEL', 'the channel id of #it_help (source slack)'],
      ['SLACK_BOT_TOKEN', 'looks up the Slack groups of whoever acts (source slack)'],
    );
  }
  if (sources.gitlab) intake.push(['GITLAB_WEBHOOK_SECRET', 'the secret token of the GitLab webhook (source gitlab)']);
  const worker: Requirement[] = [
    ['SLACK_BOT_TOKEN', 'the worker posts to Slack'],
    ['SLACK_HELP_CHANNEL', 'the channel id of #it_help, where the worker posts'],
    ['GITLAB_TOKEN', 'the worker opens and updates tracker issues'],
  ];
  const temporal: Requirement = ['TEMPORAL_ADDRESS', `a ${ENTRY_NAMES[entry]} connects to a Temporal server (npm start embeds one)`];
  if (entry === 'intake') return [...intake, temporal];
  if (entry === 'worker') return [...worker, temporal];
  return [...intake, ...worker.filter(([name]) => !intake.some(([n]) => n === name))];
}

/** `TIERFLOW_SOURCES`: a comma list of {@link INTAKE_SOURCES} (default: all), or a problem. */
function parseSources(text: string | undefined): { sources: IntakeSources; problem?: string } {
  const all: IntakeSources = { webhook: true, slack: true, gitlab: true };
  if (text === undefined) return { sources: all };
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(INTAKE_SOURCES as readonly string[]).includes(n));
  const known = `one or more of ${INTAKE_SOURCES.join(', ')}, comma-separated`;
  if (unknown.length > 0)
    return { sources: all, problem: `TIERFLOW_SOURCES names unknown sources ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}: ${known}` };
  if (names.length === 0) return { sources: all, problem: `TIERFLOW_SOURCES lists no source: ${known}` };
  return { sources: { webhook: names.includes('webhook'), slack: names.includes('slack'), gitlab: names.includes('gitlab') } };
}

/** `TIERFLOW_SANDBOX`: 1/true or 0/false (case-insensitive); undefined when unset. */
function parseSandboxFlag(text: string | undefined): boolean | undefined | 'invalid' {
  if (text === undefined) return undefined;
  if (/^(1|true)$/i.test(text)) return true;
  if (/^(0|false)$/i.test(text)) return false;
  return 'invalid';
}

/** True for names and addresses that reach only this machine: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/**
 * The mode `given` (non-empty variables) asks for, the intake sources switched on, and every
 * problem with the mode's rules: sandbox refusals, or what production is missing.
 */
export function decideMode(given: Readonly<Record<string, string>>, entry: Entry): { mode: Mode; sources: IntakeSources; problems: string[] } {
  const problems: string[] = [];
  const flag = parseSandboxFlag(given.TIERFLOW_SANDBOX);
  if (flag === 'invalid') problems.push('TIERFLOW_SANDBOX must be 1 or true (sandbox) or 0 or false (production)');
  const nothingConfigured = CONFIGURING_VARIABLES.every((name) => given[name] === undefined);
  const mode: Mode = flag === true || (flag === undefined && entry === 'embedded' && nothingConfigured) ? 'sandbox' : 'production';
  const { sources, problem: sourcesProblem } = parseSources(given.TIERFLOW_SOURCES);
  if (sourcesProblem) problems.push(sourcesProblem);

  if (mode === 'sandbox') {
    if (entry !== 'embedded') {
      problems.push(`TIERFLOW_SANDBOX: sandbox mode runs only under npm start, which starts the emulators; a ${ENTRY_NAMES[entry]} needs production settings`);
    }
    const real = REAL_INTEGRATION_VARIABLES.filter((name) => given[name] !== undefined);
    if (real.length > 0) {
      problems.push(
        `TIERFLOW_SANDBOX=1 with ${real.join(', ')} set is ambiguous: sandbox mode talks only to the local Slack and GitLab emulators. Unset ${real.length > 1 ? 'them' : 'it'}, or unset TIERFLOW_SANDBOX to run in production`,
      );
    }
    if (given.HOST !== undefined && !isLoopbackHost(given.HOST)) {
      problems.push(
        `HOST=${given.HOST.slice(0, 80)} is not a loopback address: sandbox mode has no real authentication and binds loopback only (127.0.0.1, ::1, localhost)`,
      );
    }
    const metricsHost = given.METRICS_ADDRESS ? parseListenAddress(given.METRICS_ADDRESS)?.host : undefined;
    if (metricsHost !== undefined && !isLoopbackHost(metricsHost)) {
      problems.push(`METRICS_ADDRESS=${given.METRICS_ADDRESS!.slice(0, 80)} is not a loopback address: sandbox mode binds loopback only`);
    }
  } else {
    const missing = requirements(entry, sources).filter(([name]) => given[name] === undefined);
    const generated = (name: string) => (GENERATED_SECRETS as readonly string[]).includes(name);
    problems.push(...missing.map(([name, why]) => `${name} is missing: ${why}${generated(name) ? `; ${GENERATE_HINT}` : ''}`));
  }
  return { mode, sources, problems };
}
