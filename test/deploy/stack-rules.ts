/**
 * tierflow's own rules for the production-like stack, on a Compose model: the YAML of
 * docker-compose.yml as read by `yaml`, or the model `docker compose config` normalised (Compose's
 * own check does the rest: schema, types, interpolation, references). Each rule returns a list of
 * problems, so a test asserts "none" for the real files and "this one" for a broken copy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseDocument } from 'yaml';

import { CLI_TYPE, SEARCH_ATTRIBUTE_KEYS } from '../../contracts/search-attributes.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The services of a Compose model, with the fields the rules read. */
export interface Service {
  image?: string;
  build?: unknown;
  command?: unknown;
  environment?: unknown;
  depends_on?: unknown;
  healthcheck?: Record<string, unknown>;
  volumes?: unknown[];
  restart?: string;
}
export interface ComposeModel {
  services: Record<string, Service>;
}

/** Reads docker-compose.yml as Compose does (anchors, merge keys); throws on any YAML error, duplicate keys included. */
export function loadCompose(text: string): ComposeModel {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) throw new Error(`docker-compose.yml is not valid YAML:\n${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS() as ComposeModel;
}

// ---------------------------------------------------------------------------------------------
// The Compose CLI

/** The Compose CLI installed here, if any: `docker compose` (v2) first, then Debian's `docker-compose` (v1). */
export function composeCli(): string[] | null {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const [bin = '', ...args] = cmd;
    if (spawnSync(bin, [...args, 'version'], { encoding: 'utf8' }).status === 0) return cmd;
  }
  return null;
}

/**
 * `<cli> config` on a compose text, run from the repository root as on a fresh clone: no .env, and
 * none of the shell's variables (so no secret of a developer's shell reaches the output).
 */
export function composeConfig(cli: string[], text: string): { status: number | null; stdout: string; stderr: string } {
  const [bin = '', ...args] = cli;
  const emptyEnvFile = join(tmpdir(), 'tierflow-compose-empty.env');
  writeFileSync(emptyEnvFile, '');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
  return spawnSync(bin, [...args, '--env-file', emptyEnvFile, '-f', '-', 'config'], { cwd: REPO_ROOT, input: text, encoding: 'utf8', env });
}

// ---------------------------------------------------------------------------------------------
// Reading services

/** A service's environment as a map (list or mapping form); null = passed through from the host. */
export function environmentOf(service: Service): Record<string, string | null> {
  const env = service.environment;
  if (Array.isArray(env))
    return Object.fromEntries(env.map(String).map((s) => (s.includes('=') ? [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] : [s, null])));
  return Object.fromEntries(Object.entries((env ?? {}) as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
}

/** depends_on as a map of service to condition (the short list form means service_started). */
export function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  return Object.fromEntries(Object.entries((deps ?? {}) as Record<string, { condition?: string }>).map(([k, v]) => [k, v.condition ?? 'service_started']));
}

const commandOf = (service: Service): string[] =>
  Array.isArray(service.command)
    ? service.command.map(String)
    : String(service.command ?? '')
        .split(/\s+/)
        .filter(Boolean);

/** The repository path bind-mounted at `target` (short `host:target[:mode]` or long form; relative or absolute host path). */
function mountedAt(service: Service, target: string): string | null {
  for (const v of service.volumes ?? []) {
    const [source, dest] = typeof v === 'string' ? v.split(':') : [(v as { source?: string }).source, (v as { target?: string }).target];
    if (source && dest === target && (source.startsWith('.') || source.startsWith('/'))) return resolve(REPO_ROOT, source);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The rules

/** An image pinned to a tag other than `latest`, or to a digest (no variable left in it). */
export function isPinned(image: string): boolean {
  if (image.includes('$')) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest';
}
const tagOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);

/** Every image pinned (no `latest`); server and admin-tools on one version; no deprecated auto-setup. */
export function imageProblems(model: ComposeModel): string[] {
  const problems: string[] = [];
  const server = model.services.temporal?.image ?? '';
  if (!server.startsWith('temporalio/server:')) problems.push(`temporal: must run temporalio/server, runs "${server}"`);
  for (const [name, { image }] of Object.entries(model.services)) {
    if (image === undefined) continue;
    if (!isPinned(image)) problems.push(`${name}: image "${image}" is not pinned to a tag (and "latest" does not count)`);
    if (image.startsWith('temporalio/auto-setup'))
      problems.push(`${name}: temporalio/auto-setup is deprecated; use temporalio/server with an admin-tools schema setup`);
    if (image.startsWith('temporalio/admin-tools:') && tagOf(image) !== tagOf(server))
      problems.push(`${name}: admin-tools tag "${tagOf(image)}" differs from the server's "${tagOf(server)}"`);
  }
  return problems;
}

/** Our processes, each waiting for the search attributes. */
export const APPS = { worker: 'workers/worker.ts', intake: 'workers/intake.ts' } as const;

/** The start order: schema → server → namespace → search attributes → worker and intake. */
export const START_ORDER: Readonly<Record<string, Record<string, string>>> = {
  'temporal-admin-tools': { postgresql: 'service_healthy' },
  temporal: { 'temporal-admin-tools': 'service_completed_successfully' },
  'temporal-create-namespace': { temporal: 'service_healthy' },
  'temporal-search-attributes': { 'temporal-create-namespace': 'service_completed_successfully' },
  worker: { 'temporal-search-attributes': 'service_completed_successfully' },
  intake: { 'temporal-search-attributes': 'service_completed_successfully' },
};

/** depends_on as {@link START_ORDER} says, and each condition one that can come true. */
export function startOrderProblems(model: ComposeModel): string[] {
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(START_ORDER)) {
    const actual = dependsOn(model.services[name] ?? {});
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      problems.push(`${name}: depends_on ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  for (const [name, service] of Object.entries(model.services)) {
    for (const [dep, condition] of Object.entries(dependsOn(service))) {
      const target = model.services[dep];
      if (!target) problems.push(`${name}: depends_on "${dep}", which is not a service`);
      else if (condition === 'service_healthy' && (!target.healthcheck || target.healthcheck.disable === true))
        problems.push(`${name}: waits for "${dep}" to be healthy, but "${dep}" has no healthcheck`);
      else if (condition === 'service_completed_successfully' && ['always', 'unless-stopped'].includes(target.restart ?? ''))
        problems.push(`${name}: waits for "${dep}" to complete, but "${dep}" restarts forever`);
    }
  }
  return problems;
}

/** What `contracts/search-attributes.ts` upserts, as `--name X --type Y` pairs would say it. */
export const EXPECTED_SEARCH_ATTRIBUTES = Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, CLI_TYPE[k.type] ?? k.type]));

/** The `--name X --type Y` pairs of a script's `temporal operator search-attribute create` (comments skipped). */
export function searchAttributesIn(script: string): Record<string, string> {
  const code = script
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const create = /temporal\s+operator\s+search-attribute\s+create\b([^\n;]*)/.exec(code)?.[1] ?? '';
  return Object.fromEntries([...create.matchAll(/--name\s+(\S+)\s+--type\s+(\S+)/g)].map((m) => [m[1], m[2]]));
}

/**
 * The one-shot `temporal-search-attributes` runs the repository's create-search-attributes.sh in
 * the `default` namespace, and that script registers exactly the expected attributes and types.
 * `script` stands in for the file's text (for tests of broken copies).
 */
export function searchAttributeProblems(model: ComposeModel, script?: string): string[] {
  const job = model.services['temporal-search-attributes'];
  if (!job) return ['service "temporal-search-attributes" is missing'];
  const problems: string[] = [];
  const command = commandOf(job).find((c) => c.endsWith('/create-search-attributes.sh'));
  const mounted = command ? mountedAt(job, dirname(command)) : null;
  const file = mounted ? join(mounted, 'create-search-attributes.sh') : null;
  if (!file || !existsSync(file)) problems.push('temporal-search-attributes: does not run create-search-attributes.sh mounted from the repository');
  if (environmentOf(job).TEMPORAL_NAMESPACE !== 'default') problems.push('temporal-search-attributes: TEMPORAL_NAMESPACE must be "default"');
  const created = searchAttributesIn(script ?? (file && existsSync(file) ? readFileSync(file, 'utf8') : ''));
  for (const [name, type] of Object.entries(EXPECTED_SEARCH_ATTRIBUTES)) {
    if (created[name] === undefined) problems.push(`search attribute ${name} (${type}) is not created`);
    else if (created[name] !== type) problems.push(`search attribute ${name} is created as ${created[name]}, expected ${type}`);
  }
  for (const name of Object.keys(created))
    if (!(name in EXPECTED_SEARCH_ATTRIBUTES)) problems.push(`search attribute ${name} is created but tierflow does not upsert it`);
  return problems;
}

/** Settings our processes read, which the compose file passes through from the host. */
export const PASSED_THROUGH = [
  'INTAKE_SECRET',
  'API_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
  'SLACK_HELP_CHANNEL',
  'SLACK_DIGEST_CHANNEL',
  'GITLAB_URL',
  'GITLAB_TOKEN',
  'GITLAB_PROJECT',
  'GITLAB_WEBHOOK_SECRET',
];

/** Worker and intake: built here, run their entrypoint, reach `temporal:7233`, get the settings; the intake on port 3000. */
export function appProblems(model: ComposeModel): string[] {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(APPS)) {
    const service = model.services[name];
    if (!service) {
      problems.push(`service "${name}" is missing`);
      continue;
    }
    if (service.build === undefined) problems.push(`${name}: must be built from the project's Dockerfile`);
    if (commandOf(service).join(' ') !== `node --import tsx ${entry}`) problems.push(`${name}: command must be "node --import tsx ${entry}"`);
    if (!existsSync(join(REPO_ROOT, entry))) problems.push(`${name}: entrypoint ${entry} does not exist`);
    const env = environmentOf(service);
    if (env.TEMPORAL_ADDRESS !== 'temporal:7233') problems.push(`${name}: TEMPORAL_ADDRESS must be "temporal:7233"`);
    if (env.TEMPORAL_NAMESPACE !== 'default') problems.push(`${name}: TEMPORAL_NAMESPACE must be "default"`);
    for (const key of PASSED_THROUGH) if (!(key in env)) problems.push(`${name}: ${key} is not passed through`);
  }
  if (model.services.intake && environmentOf(model.services.intake).PORT !== '3000') problems.push('intake: PORT must be 3000');
  return problems;
}

/**
 * deploy/compose.env.example documents exactly the variables the compose file reads: each
 * `${VAR…}` it interpolates, and each setting it passes through from the host (no value).
 */
export function undocumentedProblems(composeText: string, example: string): string[] {
  const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ''));
  const model = loadCompose(composeText);
  const used = new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? ''));
  for (const service of Object.values(model.services)) for (const [k, v] of Object.entries(environmentOf(service))) if (v === null) used.add(k);
  return [
    ...[...used].filter((v) => !documented.has(v)).map((v) => `${v} is read by docker-compose.yml but not documented in deploy/compose.env.example`),
    ...[...documented].filter((v) => !used.has(v)).map((v) => `${v} is documented in deploy/compose.env.example but docker-compose.yml does not read it`),
  ];
}
