/**
 * The production-like stack (docker-compose.yml, Dockerfile, .dockerignore, deploy/) checked
 * statically: no Docker engine runs here. When a `docker compose` CLI is installed, its own
 * `config` check runs too.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SearchAttributeType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { SEARCH_ATTRIBUTE_KEYS } from '../../contracts/search-attributes.js';
import {
  APP_ENTRYPOINTS,
  dependsOn,
  dockerfileProblems,
  dockerignoreProblems,
  environmentOf,
  EXPECTED_SEARCH_ATTRIBUTES,
  interpolateString,
  invariantProblems,
  loadCompose,
  REPO_ROOT,
  schemaProblems,
  searchAttributesInScript,
  type Service,
  tsxRuntimeFolders,
} from './compose-check.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const composeText = read('docker-compose.yml');
const dockerfile = read('Dockerfile');
const lockText = read('package-lock.json');
const SA_SCRIPT = 'deploy/temporal/scripts/create-search-attributes.sh';

/** Replaces text that must be there (so a mutation test cannot pass by missing its target). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`mutation target not found: ${String(from)}`);
  return out;
}

type Model = Record<string, unknown> & { services: Record<string, Service & Record<string, unknown>> };
const load = (text = composeText) => loadCompose(text) as Model;
const fresh = (): Model => structuredClone(load());
const svc = (model: Model, name: string) => {
  const s = model.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** The Compose CLI installed here, if any: `docker compose` (v2) first, then `docker-compose` (v1). */
function composeCli(): string[] | null {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(cmd[0] ?? '', [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return null;
}

describe('docker-compose.yml', () => {
  it('is valid YAML and valid against the Compose Specification schema', () => {
    expect(schemaProblems(load())).toEqual([]);
  });

  it("keeps tierflow's invariants (services, pinned images, startup order, settings, search attributes)", () => {
    expect(invariantProblems(load())).toEqual([]);
  });

  it('starts in order: PostgreSQL, schema setup, server, namespace, search attributes, then worker and intake', () => {
    const m = load();
    expect(dependsOn(svc(m, 'temporal-admin-tools'))).toEqual({ postgresql: 'service_healthy' });
    expect(dependsOn(svc(m, 'temporal'))).toEqual({ 'temporal-admin-tools': 'service_completed_successfully' });
    expect(dependsOn(svc(m, 'temporal-create-namespace'))).toEqual({ temporal: 'service_healthy' });
    expect(dependsOn(svc(m, 'temporal-search-attributes'))).toEqual({ 'temporal-create-namespace': 'service_completed_successfully' });
    for (const app of Object.keys(APP_ENTRYPOINTS)) {
      expect(dependsOn(svc(m, app))).toEqual({ 'temporal-search-attributes': 'service_completed_successfully' });
    }
  });

  it('runs the Temporal images the samples-server compose files use, server and admin-tools on one version', () => {
    const images = Object.fromEntries(Object.entries(load().services).map(([k, s]) => [k, s.image]));
    expect(images.temporal).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(images['temporal-admin-tools']).toBe(images.temporal?.replace('temporalio/server', 'temporalio/admin-tools'));
    expect(images['temporal-ui']).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(images.postgresql).toMatch(/^postgres:\d+/);
  });

  it('passes Slack/GitLab settings through from the host, and fixes the Temporal address', () => {
    const worker = environmentOf(svc(load(), 'worker'));
    expect(worker.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(worker.TEMPORAL_NAMESPACE).toBe('default');
    // null: taken from the shell or .env when set there, left unset otherwise (no empty strings).
    expect(worker.SLACK_BOT_TOKEN).toBeNull();
    expect(worker.GITLAB_URL).toBeNull();
    expect(environmentOf(svc(load(), 'intake')).PORT).toBe('3000');
  });

  it('creates exactly the search attributes the workflow upserts, with their types', () => {
    const created = searchAttributesInScript(read(SA_SCRIPT));
    expect(created).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
    const upserted = Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, CLI_TYPE[k.type]]));
    expect(created).toEqual(upserted);
  });

  it('interpolates variables the way Compose does', () => {
    expect(interpolateString('${A:-x}-${B-y}-$$-${C}', { A: '', C: 'c' })).toBe('x-y-$-c');
    expect(interpolateString('${A-x}', { A: '' })).toBe('');
    expect(() => interpolateString('${A:?set A}', {})).toThrow(/required variable A/);
    expect(interpolateString('pa$ word $1', {})).toBe('pa$ word $1');
    expect(() => interpolateString('pa${word', {})).toThrow(/unclosed/);
    expect(load().services.postgresql?.environment).toMatchObject({ POSTGRES_PASSWORD: 'temporal' });
    const withEnv = loadCompose(composeText, { POSTGRES_PASSWORD: 's3cret' }) as Model;
    expect(environmentOf(svc(withEnv, 'temporal')).POSTGRES_PWD).toBe('s3cret');
    expect(invariantProblems(withEnv)).toEqual([]);
  });

  it('documents in deploy/compose.env.example exactly the settings the compose file reads', () => {
    const example = read('deploy/compose.env.example');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const m = load();
    const used = new Set<string>([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((x) => x[1] ?? ''));
    for (const app of Object.keys(APP_ENTRYPOINTS)) {
      for (const [k, v] of Object.entries(environmentOf(svc(m, app)))) if (v === null) used.add(k);
    }
    expect([...documented].sort()).toEqual([...used].sort());
  });

  it('has one-shot scripts that are valid POSIX shell', () => {
    const dir = join(REPO_ROOT, 'deploy', 'temporal', 'scripts');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const script of scripts) {
      const r = spawnSync('sh', ['-n', join(dir, script)], { encoding: 'utf8' });
      expect(r.status, `${script}: ${r.stderr}`).toBe(0);
    }
  });

  // An extra, external validator where one is installed (.ci/run installs Debian's docker-compose):
  // the Compose v2 CLI, or else docker-compose 1.29. Both read the file from stdin, from the repo
  // root. Without one, the same broken copy must still be caught by the schema check: never skipped.
  const cli = composeCli();
  const runCli = (text: string) =>
    spawnSync(cli?.[0] ?? 'false', [...(cli?.slice(1) ?? []), '-f', '-', 'config', '--quiet'], { cwd: REPO_ROOT, input: text, encoding: 'utf8' });
  it(`is accepted by ${cli ? `\`${cli.join(' ')} config\`` : 'the Compose schema (no Compose CLI installed)'}, which rejects a broken copy`, () => {
    const brokenText = mutate(composeText, '    image: temporalio/server:', '    imagee: temporalio/server:');
    if (!cli) {
      console.info('[deploy] no Compose CLI here (docker compose / docker-compose): the schema check stands in for it');
      expect(schemaProblems(loadCompose(composeText))).toEqual([]);
      expect(schemaProblems(loadCompose(brokenText)).length).toBeGreaterThan(0);
      return;
    }
    const ok = runCli(composeText);
    expect(ok.status, ok.stderr).toBe(0);
    const broken = runCli(brokenText);
    expect(broken.status).not.toBe(0);
  });
});

describe('Dockerfile and .dockerignore', () => {
  it('build a Node 20 image from pinned bases with production dependencies plus tsx, run as a non-root user', () => {
    expect(dockerfileProblems(dockerfile, lockText)).toEqual([]);
  });

  it('copy the whole of tsx into the runtime stage, as package-lock.json resolves it', () => {
    expect(tsxRuntimeFolders(lockText)).toContain('tsx');
    expect(tsxRuntimeFolders(lockText)).toContain('esbuild');
  });

  it('keep dependencies, tools, data and git history out of the build context', () => {
    expect(dockerignoreProblems(read('.dockerignore'))).toEqual([]);
  });
});

describe('the checks reject a broken stack', () => {
  it('a missing PostgreSQL service', () => {
    const m = fresh();
    delete m.services.postgresql;
    const problems = invariantProblems(m);
    expect(problems).toContain('service "postgresql" is missing');
    expect(problems).toContain('temporal-admin-tools: depends_on "postgresql", which is not a service');
  });

  it('an unknown key, and a bad depends_on condition (schema)', () => {
    const badKey = load(mutate(composeText, '    image: temporalio/server:', '    imagee: temporalio/server:'));
    expect(schemaProblems(badKey).join('\n')).toMatch(/\/services\/temporal must NOT have additional properties "imagee"/);
    const badCondition = load(mutate(composeText, 'condition: service_healthy', 'condition: service_ready'));
    expect(schemaProblems(badCondition).length).toBeGreaterThan(0);
    const badType = load(mutate(composeText, 'restart: on-failure:6', 'restart: [on-failure]'));
    expect(schemaProblems(badType).join('\n')).toMatch(/\/services\/temporal-admin-tools\/restart must be string/);
  });

  it('broken YAML: bad indentation, duplicate keys, an unclosed "${"', () => {
    expect(() => load(mutate(composeText, '\n  temporal:\n', '\n   temporal:\n'))).toThrow(/not valid YAML/);
    expect(() => load(mutate(composeText, '    image: postgres:', '    image: postgres:16\n    image: postgres:'))).toThrow(/not valid YAML/);
    expect(() => load(mutate(composeText, 'POSTGRES_USER: temporal\n', 'POSTGRES_USER: te${mporal\n'))).toThrow(/invalid interpolation/);
  });

  it('images that are not pinned, the deprecated auto-setup image, mismatched server/admin-tools', () => {
    const m = fresh();
    svc(m, 'temporal-ui').image = 'temporalio/ui:latest';
    svc(m, 'postgresql').image = 'postgres';
    svc(m, 'temporal-create-namespace').image = 'temporalio/admin-tools:1.0.0';
    svc(m, 'temporal').image = 'temporalio/auto-setup:1.31.0';
    const problems = invariantProblems(m).join('\n');
    expect(problems).toMatch(/temporal-ui: image "temporalio\/ui:latest" is not pinned/);
    expect(problems).toMatch(/postgresql: image "postgres" is not pinned/);
    expect(problems).toMatch(/temporal-create-namespace: admin-tools tag "1.0.0" differs/);
    expect(problems).toMatch(/auto-setup is deprecated/);
  });

  it('a worker without TEMPORAL_ADDRESS or a Slack setting, an intake on another port', () => {
    const m = fresh();
    const env = svc(m, 'worker').environment as Record<string, unknown>;
    delete env.TEMPORAL_ADDRESS;
    delete env.SLACK_BOT_TOKEN;
    (svc(m, 'intake').environment as Record<string, unknown>).PORT = '8000';
    const problems = invariantProblems(m).join('\n');
    expect(problems).toMatch(/worker: TEMPORAL_ADDRESS must be "temporal:7233"/);
    expect(problems).toMatch(/worker: SLACK_BOT_TOKEN is not passed through/);
    expect(problems).toMatch(/intake: PORT must be 3000/);
  });

  it('a wrong entrypoint, a start before the search attributes exist, a dependency cycle', () => {
    const m = fresh();
    svc(m, 'intake').command = ['node', '--import', 'tsx', 'intake/nope.ts'];
    svc(m, 'worker').depends_on = { temporal: { condition: 'service_healthy' } };
    svc(m, 'postgresql').depends_on = { temporal: { condition: 'service_started' } };
    const problems = invariantProblems(m).join('\n');
    expect(problems).toMatch(/intake: command must be "node --import tsx intake\/server.ts"/);
    expect(problems).toMatch(/intake: entrypoint intake\/server.ts|intake: command/);
    expect(problems).toMatch(/worker: must wait for "temporal-search-attributes"/);
    expect(problems).toMatch(/depends_on cycle: .*postgresql/);
  });

  it('waiting for health on a service without a healthcheck, or for completion of one that never completes', () => {
    const m = fresh();
    delete svc(m, 'temporal').healthcheck;
    svc(m, 'temporal-search-attributes').restart = 'always';
    const problems = invariantProblems(m).join('\n');
    expect(problems).toMatch(/waits for "temporal" to be healthy, but "temporal" has no healthcheck/);
    expect(problems).toMatch(/waits for "temporal-search-attributes" to complete, but .* restarts forever/);
  });

  it('a search attribute missing or of the wrong type', () => {
    const script = read(SA_SCRIPT);
    const missing = mutate(script, /\s*--name SlaDueAt --type Datetime/, '');
    expect(invariantProblems(load(), { files: { [SA_SCRIPT]: missing } })).toContain('search attribute SlaDueAt (Datetime) is not created');
    const wrongType = mutate(script, '--name Tier --type Int', '--name Tier --type Keyword');
    expect(invariantProblems(load(), { files: { [SA_SCRIPT]: wrongType } })).toContain('search attribute Tier is created as Keyword, expected Int');
  });

  it('a Dockerfile on an unpinned base, running as root, or missing part of tsx', () => {
    expect(dockerfileProblems(mutate(dockerfile, 'ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:latest'), lockText).join('\n')).toMatch(
      /base image .* is not pinned/,
    );
    expect(dockerfileProblems(mutate(dockerfile, 'USER node', 'USER root'), lockText)).toContain('Dockerfile: the final stage runs as root');
    expect(dockerfileProblems(mutate(dockerfile, /^COPY --from=deps-all \/app\/node_modules\/@esbuild .*$/m, ''), lockText)).toContain(
      'Dockerfile: tsx needs node_modules/@esbuild, which the final stage does not copy',
    );
    expect(dockerignoreProblems(mutate(read('.dockerignore'), /^node_modules$/m, ''))).toContain('.dockerignore: "node_modules" is not excluded');
  });
});
