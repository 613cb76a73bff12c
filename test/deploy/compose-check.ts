/**
 * Static checks of the production-like deployment files (docker-compose.yml, Dockerfile,
 * .dockerignore, deploy/), for a machine with no Docker engine: the Compose file is parsed and
 * interpolated the way Compose does it, validated against the Compose Specification's JSON schema
 * (vendored in deploy/compose-spec.schema.json), and checked against tierflow's own invariants.
 * Every check returns a list of problems, so a test can assert both "none" for the real files and
 * "this one" for a broken copy.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml, parseDocument } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The search attributes the compose stack must create, with their CLI type names. */
export const EXPECTED_SEARCH_ATTRIBUTES: Readonly<Record<string, string>> = {
  Tier: 'Int',
  System: 'Keyword',
  Status: 'Keyword',
  Priority: 'Keyword',
  RequestType: 'Keyword',
  SlaBreached: 'Bool',
  SlaDueAt: 'Datetime',
  SlackThread: 'Keyword',
  TrackerIssue: 'Keyword',
};

/** Services the stack is made of (DESIGN "Running it": PostgreSQL, Temporal + admin-tools, UI, ours). */
export const REQUIRED_SERVICES = [
  'postgresql',
  'temporal-admin-tools',
  'temporal',
  'temporal-create-namespace',
  'temporal-search-attributes',
  'temporal-ui',
  'worker',
  'intake',
] as const;

/** Our processes and the entrypoint each runs (what the lead's code provides). */
export const APP_ENTRYPOINTS: Readonly<Record<string, string>> = {
  worker: 'workers/worker.ts',
  intake: 'intake/server.ts',
};

/** Settings our processes read, which the compose file must pass through from the host. */
export const PASSED_THROUGH_ENV = [
  'INTAKE_SECRET',
  'API_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
  'SLACK_HELP_CHANNEL',
  'GITLAB_URL',
  'GITLAB_TOKEN',
  'GITLAB_PROJECT',
  'GITLAB_WEBHOOK_SECRET',
] as const;

export const TEMPORAL_ADDRESS = 'temporal:7233';
export const TEMPORAL_NAMESPACE = 'default';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dict(v: unknown): Dict {
  return isDict(v) ? v : {};
}

// ---------------------------------------------------------------------------------------------
// Loading: YAML (with anchors and merge keys, as Compose reads it) and variable interpolation.

/**
 * Compose's interpolation of one string: $$, $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?e}, ${VAR?e},
 * ${VAR:+x}, ${VAR+x}; an unclosed "${" is an error, as in Compose.
 */
export function interpolateString(text: string, env: Readonly<Record<string, string | undefined>>, where = ''): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) throw new Error(`${where}: invalid interpolation format (unclosed "\${") in ${JSON.stringify(text)}`);
      const body = text.slice(i + 2, close);
      if (body.includes('${')) throw new Error(`${where}: nested interpolation is not supported here: ${JSON.stringify(text)}`);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(body);
      if (!m) throw new Error(`${where}: invalid interpolation format "\${${body}}"`);
      const [, name = '', op, arg = ''] = m;
      const value = env[name];
      const unset = value === undefined;
      const empty = unset || value === '';
      switch (op) {
        case undefined:
          out += value ?? '';
          break;
        case ':-':
          out += empty ? arg : value;
          break;
        case '-':
          out += unset ? arg : value;
          break;
        case ':?':
        case '?':
          if (op === ':?' ? empty : unset) throw new Error(`${where}: required variable ${name} is missing a value: ${arg}`);
          out += value ?? '';
          break;
        case ':+':
          out += empty ? '' : arg;
          break;
        case '+':
          out += unset ? '' : arg;
          break;
      }
      i = close + 1;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!bare) {
      // Compose keeps a "$" that starts no variable as it is.
      out += '$';
      i += 1;
      continue;
    }
    out += env[bare[0]] ?? '';
    i += 1 + bare[0].length;
  }
  return out;
}

function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>, path: string): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`));
  if (isDict(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

/** Parses and interpolates a Compose file; throws on YAML errors (syntax, duplicate keys) and bad interpolation. */
export function loadCompose(text: string, env: Readonly<Record<string, string | undefined>> = {}): Dict {
  const doc = parseDocument(text, { merge: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
  if (problems.length > 0) throw new Error(`docker-compose.yml is not valid YAML:\n${problems.join('\n')}`);
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isDict(raw)) throw new Error('docker-compose.yml must be a mapping at the top level');
  return interpolate(raw, env, '') as Dict;
}

// ---------------------------------------------------------------------------------------------
// The Compose Specification's JSON schema.

let validator: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'compose-spec.schema.json'), 'utf8')) as Dict;
  // The schema is draft-07; its "$schema" names the https form of the draft-07 meta-schema, which Ajv
  // registers under the http form. The content is what matters, so the pointer is dropped.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  validator = ajv.compile(schema);
  return validator;
}

function describeError(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const extra = isDict(e.params) && typeof e.params.additionalProperty === 'string' ? ` "${e.params.additionalProperty}"` : '';
  return `${at} ${e.message ?? e.keyword}${extra}`;
}

/** Problems found by validating an (interpolated) Compose model against the Compose Specification schema. */
export function schemaProblems(model: Dict): string[] {
  const validate = composeValidator();
  if (validate(model)) return [];
  return (validate.errors ?? []).map(describeError);
}

// ---------------------------------------------------------------------------------------------
// tierflow's invariants.

export interface Service {
  image?: string;
  build?: unknown;
  command?: unknown;
  entrypoint?: unknown;
  environment?: unknown;
  depends_on?: unknown;
  healthcheck?: Dict;
  ports?: unknown[];
  volumes?: unknown[];
  restart?: string;
}

function services(model: Dict): Record<string, Service> {
  return dict(model.services) as Record<string, Service>;
}

/** A service's environment as a map (list form "K=V" / "K", or mapping form); null = pass-through. */
export function environmentOf(service: Service): Record<string, string | null> {
  const env = service.environment;
  const out: Record<string, string | null> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isDict(env)) {
    for (const [k, v] of Object.entries(env)) out[k] = v === null || v === undefined ? null : String(v);
  }
  return out;
}

/** depends_on as a map of target to condition (the short list form means service_started). */
export function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  if (isDict(deps)) {
    return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, String(dict(v).condition ?? 'service_started')]));
  }
  return {};
}

function commandOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.trim().split(/\s+/);
  return [];
}

/** "host:container[:mode]" bind mounts whose host side is a relative path, as [host, container]. */
export function bindMounts(service: Service): [string, string][] {
  const out: [string, string][] = [];
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const [host, container] = v.split(':');
      if (host && container && (host.startsWith('./') || host.startsWith('../'))) out.push([host, container]);
    } else if (isDict(v) && v.type === 'bind' && typeof v.source === 'string' && typeof v.target === 'string') {
      out.push([v.source, v.target]);
    }
  }
  return out;
}

/** Maps a path inside a container to the repository file behind it through the service's bind mounts. */
export function hostPathOf(service: Service, containerPath: string, repoRoot = REPO_ROOT): string | null {
  for (const [host, container] of bindMounts(service)) {
    const c = container.replace(/\/+$/, '');
    if (containerPath === c || containerPath.startsWith(`${c}/`)) return join(repoRoot, host, containerPath.slice(c.length));
  }
  return null;
}

/** An image reference pinned to a tag other than "latest", or to a digest. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('${') || /\s/.test(image)) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag.length > 0 && tag !== 'latest';
}

function imageRepo(image: string): string {
  const at = image.indexOf('@');
  const ref = at < 0 ? image : image.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

function imageTag(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : '';
}

/** "--name X --type Y" pairs of a `temporal operator search-attribute create` invocation in a script. */
export function searchAttributesInScript(script: string): Record<string, string> {
  const code = script
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const create = /temporal\s+operator\s+search-attribute\s+create\b([^\n;]*)/.exec(code);
  if (!create) return {};
  const out: Record<string, string> = {};
  for (const m of (create[1] ?? '').matchAll(/--name\s+(\S+)\s+--type\s+(\S+)/g)) {
    if (m[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

function dependencyCycle(all: Record<string, Service>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(dependsOn(all[name] ?? {}))) {
      if (!all[dep]) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of Object.keys(all)) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

function readRepoFile(path: string): string | null {
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : null;
}

/** The admin-tools one-shot whose command runs the given script (/scripts/<name>). */
function serviceRunning(all: Record<string, Service>, scriptName: string): [string, Service] | undefined {
  return Object.entries(all).find(([, s]) => commandOf(s.command).some((c) => c.endsWith(`/${scriptName}`)));
}

/**
 * tierflow's invariants on an interpolated Compose model. Reads the scripts and files the model
 * refers to from `repoRoot`, unless `files` provides their text (path relative to the repo root).
 */
export function invariantProblems(model: Dict, opts: { repoRoot?: string; files?: Record<string, string> } = {}): string[] {
  const repoRoot = opts.repoRoot ?? REPO_ROOT;
  const read = (absPath: string): string | null => {
    const rel = posix.normalize(absPath.slice(repoRoot.length + 1).split('\\').join('/'));
    return opts.files?.[rel] ?? readRepoFile(absPath);
  };
  const problems: string[] = [];
  const all = services(model);

  for (const name of REQUIRED_SERVICES) if (!all[name]) problems.push(`service "${name}" is missing`);

  for (const [name, svc] of Object.entries(all)) {
    if (svc.image === undefined && svc.build === undefined) problems.push(`${name}: neither image nor build`);
    if (svc.image !== undefined && !isPinnedImage(svc.image)) {
      problems.push(`${name}: image "${svc.image}" is not pinned to a tag (and "latest" does not count)`);
    }
    if (svc.image && imageRepo(svc.image) === 'temporalio/auto-setup') {
      problems.push(`${name}: temporalio/auto-setup is deprecated; use temporalio/server with an admin-tools schema setup`);
    }
    for (const [dep, condition] of Object.entries(dependsOn(svc))) {
      const target = all[dep];
      if (!target) {
        problems.push(`${name}: depends_on "${dep}", which is not a service`);
        continue;
      }
      if (condition === 'service_healthy' && (!target.healthcheck || target.healthcheck.disable === true)) {
        problems.push(`${name}: waits for "${dep}" to be healthy, but "${dep}" has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && ['always', 'unless-stopped'].includes(target.restart ?? '')) {
        problems.push(`${name}: waits for "${dep}" to complete, but "${dep}" restarts forever`);
      }
    }
    for (const [host] of bindMounts(svc)) {
      if (!existsSync(join(repoRoot, host))) problems.push(`${name}: bind mount source "${host}" does not exist`);
    }
  }

  const cycle = dependencyCycle(all);
  if (cycle) problems.push(`depends_on cycle: ${cycle.join(' -> ')}`);

  // Temporal: schema set up by admin-tools before the server; server and admin-tools on one version.
  const server = all.temporal;
  if (server) {
    if (!server.image || imageRepo(server.image) !== 'temporalio/server') problems.push('temporal: must run the temporalio/server image');
    const schema = serviceRunning(all, 'setup-postgres.sh');
    if (!schema) problems.push('no service runs the PostgreSQL schema setup (setup-postgres.sh)');
    else if (dependsOn(server)[schema[0]] !== 'service_completed_successfully') {
      problems.push(`temporal: must wait for "${schema[0]}" (schema setup) to complete successfully`);
    }
    const serverTag = server.image ? imageTag(server.image) : '';
    for (const [name, svc] of Object.entries(all)) {
      if (svc.image && imageRepo(svc.image) === 'temporalio/admin-tools' && imageTag(svc.image) !== serverTag) {
        problems.push(`${name}: admin-tools tag "${imageTag(svc.image)}" differs from the server's "${serverTag}"`);
      }
    }
    if (!(server.ports ?? []).map(String).some((p) => p.endsWith(':7233') || p === '7233')) {
      problems.push('temporal: frontend port 7233 is not published');
    }
    const dcPath = environmentOf(server).DYNAMIC_CONFIG_FILE_PATH;
    if (dcPath) {
      const host = hostPathOf(server, posix.join('/etc/temporal', dcPath), repoRoot);
      const text = host ? read(host) : null;
      if (text === null) problems.push(`temporal: DYNAMIC_CONFIG_FILE_PATH "${dcPath}" is not a file mounted from the repository`);
      else if (!isDict(parseYaml(text))) problems.push(`temporal: dynamic config "${dcPath}" is not a YAML mapping`);
    }
    const pgPassword = environmentOf(all.postgresql ?? {}).POSTGRES_PASSWORD;
    if (environmentOf(server).POSTGRES_PWD !== pgPassword) problems.push('temporal: POSTGRES_PWD differs from postgresql POSTGRES_PASSWORD');
    if (schema && environmentOf(schema[1]).SQL_PASSWORD !== pgPassword) {
      problems.push(`${schema[0]}: SQL_PASSWORD differs from postgresql POSTGRES_PASSWORD`);
    }
  }

  // Every one-shot script a service runs exists in the repository, through its bind mount.
  for (const [name, svc] of Object.entries(all)) {
    for (const part of commandOf(svc.command)) {
      if (!part.startsWith('/scripts/')) continue;
      const host = hostPathOf(svc, part, repoRoot);
      if (!host || read(host) === null) problems.push(`${name}: runs ${part}, which is not mounted from the repository`);
    }
  }

  // Search attributes, created in our namespace once the namespace exists.
  const saEntry = serviceRunning(all, 'create-search-attributes.sh');
  if (!saEntry) problems.push('no service runs create-search-attributes.sh');
  else {
    const [saName, saSvc] = saEntry;
    const scriptPath = commandOf(saSvc.command).find((c) => c.endsWith('/create-search-attributes.sh')) ?? '';
    const host = hostPathOf(saSvc, scriptPath, repoRoot);
    const created = searchAttributesInScript((host && read(host)) || '');
    for (const [attr, type] of Object.entries(EXPECTED_SEARCH_ATTRIBUTES)) {
      if (created[attr] === undefined) problems.push(`search attribute ${attr} (${type}) is not created`);
      else if (created[attr] !== type) problems.push(`search attribute ${attr} is created as ${created[attr]}, expected ${type}`);
    }
    for (const attr of Object.keys(created)) {
      if (!(attr in EXPECTED_SEARCH_ATTRIBUTES)) problems.push(`search attribute ${attr} is created but not expected`);
    }
    const env = environmentOf(saSvc);
    if (env.TEMPORAL_NAMESPACE !== TEMPORAL_NAMESPACE) problems.push(`${saName}: TEMPORAL_NAMESPACE must be "${TEMPORAL_NAMESPACE}"`);
    if (env.TEMPORAL_ADDRESS !== TEMPORAL_ADDRESS) problems.push(`${saName}: TEMPORAL_ADDRESS must be "${TEMPORAL_ADDRESS}"`);
    const ns = serviceRunning(all, 'create-namespace.sh');
    if (!ns) problems.push('no service runs create-namespace.sh');
    else if (dependsOn(saSvc)[ns[0]] !== 'service_completed_successfully') {
      problems.push(`${saName}: must wait for "${ns[0]}" (namespace) to complete successfully`);
    }

    // Our processes: right command, Temporal address/namespace, settings, start after the setup.
    for (const [name, entry] of Object.entries(APP_ENTRYPOINTS)) {
      const svc = all[name];
      if (!svc) continue;
      if (svc.build === undefined) problems.push(`${name}: must be built from the project's Dockerfile`);
      const cmd = commandOf(svc.command);
      if (cmd.join(' ') !== `node --import tsx ${entry}`) problems.push(`${name}: command must be "node --import tsx ${entry}", is "${cmd.join(' ')}"`);
      if (!existsSync(join(repoRoot, entry))) problems.push(`${name}: entrypoint ${entry} does not exist in the repository`);
      const env = environmentOf(svc);
      if (env.TEMPORAL_ADDRESS !== TEMPORAL_ADDRESS) problems.push(`${name}: TEMPORAL_ADDRESS must be "${TEMPORAL_ADDRESS}", is ${JSON.stringify(env.TEMPORAL_ADDRESS)}`);
      else if (!all[TEMPORAL_ADDRESS.split(':')[0] ?? '']) problems.push(`${name}: TEMPORAL_ADDRESS names no service`);
      if (env.TEMPORAL_NAMESPACE !== TEMPORAL_NAMESPACE) problems.push(`${name}: TEMPORAL_NAMESPACE must be "${TEMPORAL_NAMESPACE}"`);
      for (const key of PASSED_THROUGH_ENV) if (!(key in env)) problems.push(`${name}: ${key} is not passed through`);
      if (dependsOn(svc)[saName] !== 'service_completed_successfully') {
        problems.push(`${name}: must wait for "${saName}" (search attributes) to complete successfully`);
      }
    }
  }

  const intake = all.intake;
  if (intake) {
    if (environmentOf(intake).PORT !== '3000') problems.push('intake: PORT must be 3000');
    if (!(intake.ports ?? []).map(String).includes('3000:3000')) problems.push('intake: must publish 3000:3000');
    if (!intake.healthcheck) problems.push('intake: no healthcheck');
  }
  const ui = all['temporal-ui'];
  if (ui) {
    if (!ui.image || imageRepo(ui.image) !== 'temporalio/ui') problems.push('temporal-ui: must run the temporalio/ui image');
    if (!(ui.ports ?? []).map(String).includes('8080:8080')) problems.push('temporal-ui: must publish 8080:8080');
    if (environmentOf(ui).TEMPORAL_ADDRESS !== TEMPORAL_ADDRESS) problems.push(`temporal-ui: TEMPORAL_ADDRESS must be "${TEMPORAL_ADDRESS}"`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore.

interface Stage {
  from: string;
  name: string | null;
  lines: string[];
}

/** Splits a Dockerfile into instructions (continuations joined, comments dropped) and stages. */
export function dockerfileStages(text: string): { args: Record<string, string>; stages: Stage[] } {
  const instructions: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    instructions.push(current + line);
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    const [keyword = '', ...rest] = ins.split(/\s+/);
    const kw = keyword.toUpperCase();
    if (kw === 'ARG' && stages.length === 0) {
      const [k, v] = (rest[0] ?? '').split('=');
      if (k && v !== undefined) args[k] = v;
    } else if (kw === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ from: words[0] ?? '', name: asAt >= 0 ? (words[asAt + 1] ?? null) : null, lines: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.lines.push(ins);
    }
  }
  return { args, stages };
}

/** Top-level node_modules folders of tsx's dev-only dependency closure (for Linux), from package-lock.json. */
export function tsxRuntimeFolders(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, Dict> };
  const pkgs = lock.packages ?? {};
  const resolveFrom = (from: string, name: string): string | null => {
    let base = from;
    for (;;) {
      const key = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (pkgs[key]) return key;
      if (!base) return null;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const seen = new Set<string>();
  const walk = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const entry = pkgs[key] ?? {};
    const deps = { ...dict(entry.dependencies), ...dict(entry.optionalDependencies) };
    for (const name of Object.keys(deps)) {
      const found = resolveFrom(key, name);
      if (found) walk(found);
    }
  };
  if (!pkgs['node_modules/tsx']) return [];
  walk('node_modules/tsx');
  const folders = new Set<string>();
  for (const key of seen) {
    const entry = pkgs[key] ?? {};
    if (entry.dev !== true) continue; // a production dependency is in the --omit=dev tree already
    const os = entry.os;
    if (Array.isArray(os) && !os.includes('linux')) continue; // another platform's binary
    const top = key.slice('node_modules/'.length).split('/node_modules/')[0] ?? '';
    folders.add(top.startsWith('@') ? (top.split('/')[0] ?? top) : top);
  }
  return [...folders].sort();
}

/** Problems with the Dockerfile: pinned bases, production install, non-root user, tsx closure copied. */
export function dockerfileProblems(dockerfile: string, lockText: string): string[] {
  const problems: string[] = [];
  const { args, stages } = dockerfileStages(dockerfile);
  if (stages.length < 2) problems.push('Dockerfile: expected a multi-stage build');
  const stageNames = new Set<string>();
  for (const stage of stages) {
    const from = stage.from.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args[name] ?? '');
    if (!stageNames.has(from)) {
      if (!isPinnedImage(from)) problems.push(`Dockerfile: base image "${stage.from}" (${from || 'unresolved'}) is not pinned to a tag`);
      else if (!/^node:20[.-]/.test(from)) problems.push(`Dockerfile: base image "${from}" is not Node 20`);
    }
    if (stage.name) stageNames.add(stage.name);
  }
  const all = stages.flatMap((s) => s.lines);
  if (!all.some((l) => /^RUN\s+npm ci\b.*--omit=dev/.test(l))) problems.push('Dockerfile: no production install (npm ci --omit=dev)');
  const final = stages[stages.length - 1];
  const users = (final?.lines ?? []).filter((l) => /^USER\s/i.test(l));
  const user = users[users.length - 1]?.split(/\s+/)[1] ?? 'root';
  if (['root', '0', '0:0', 'root:root'].includes(user)) problems.push('Dockerfile: the final stage runs as root');
  const cmd = (final?.lines ?? []).find((l) => /^CMD\s/i.test(l));
  if (!cmd) problems.push('Dockerfile: no CMD');
  else {
    const entry = /"([^"]+\.ts)"/.exec(cmd)?.[1];
    if (!entry || !existsSync(join(REPO_ROOT, entry))) problems.push(`Dockerfile: CMD runs ${entry ?? 'no .ts entrypoint'}, which does not exist`);
  }
  // tsx (a devDependency) runs our TypeScript in the container: each folder of its closure must be copied.
  const copies = (final?.lines ?? []).filter((l) => /^COPY\s+--from=/i.test(l)).join('\n');
  for (const folder of tsxRuntimeFolders(lockText)) {
    if (!new RegExp(`/node_modules/${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|/|$)`).test(copies)) {
      problems.push(`Dockerfile: tsx needs node_modules/${folder}, which the final stage does not copy`);
    }
  }
  return problems;
}

/** .dockerignore must keep dependencies, local tools, data and git history out of the build context. */
export function dockerignoreProblems(text: string): string[] {
  const entries = new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/^\/+|\/+$/g, '')),
  );
  const problems: string[] = [];
  for (const needed of ['node_modules', '.tools', '.data', '.git']) {
    if (!entries.has(needed)) problems.push(`.dockerignore: "${needed}" is not excluded`);
  }
  for (const kept of ['workers', 'intake', 'workflows', 'activities', 'domain', 'registry', 'package.json', 'package-lock.json']) {
    if (entries.has(kept)) problems.push(`.dockerignore: "${kept}" is needed in the image but excluded`);
  }
  return problems;
}
