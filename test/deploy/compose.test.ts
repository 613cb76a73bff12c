/**
 * docker-compose.yml, checked without a Docker engine: Compose's own `config` (which validates and
 * normalises the file) where a Compose CLI is installed, and tierflow's own rules (stack-rules.ts)
 * on the file as YAML and on Compose's normalised model.
 *
 * Without a CLI the `config` tests are not registered; the first test then says so in its name and
 * fails under CI (CI=true), where .ci/run installs Debian's docker-compose: Compose's check is never
 * silently left out where it counts.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

import {
  appProblems,
  composeCli,
  composeConfig,
  environmentOf,
  EXPECTED_SEARCH_ATTRIBUTES,
  imageProblems,
  loadCompose,
  read,
  REPO_ROOT,
  searchAttributeProblems,
  searchAttributesIn,
  startOrderProblems,
  undocumentedProblems,
  type ComposeModel,
} from './stack-rules.js';
import { TEMPORAL_SERVER_VERSION } from '../../cluster/binaries.js';
import { HISTORY_SHARDS } from '../../cluster/server-config.js';

const composeText = read('docker-compose.yml');
const SA_SCRIPT = 'deploy/temporal/scripts/create-search-attributes.sh';
const cli = composeCli();
const cliName = cli?.join(' ') ?? '';
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Replaces text that must be there (so a test of a broken copy cannot pass by missing its target). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`mutation target not found: ${String(from)}`);
  return out;
}

const fresh = (): ComposeModel => loadCompose(composeText);
const svc = (model: ComposeModel, name: string) => {
  const s = model.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

describe('the Compose CLI', () => {
  it(
    cli
      ? `is installed (${cliName}): Compose's own check of docker-compose.yml runs below`
      : "is NOT installed here (neither `docker compose` nor `docker-compose`): Compose's own check is not run, only tierflow's rules (allowed outside CI only)",
    () => {
      if (!cli) console.warn('[deploy] no Compose CLI here: `config` is not checked; CI installs docker-compose (.ci/run)');
      // Compose's own check must run in CI (CI=true), where .ci/run installs Debian's docker-compose.
      expect(cli !== null || !inCi, 'CI=true but no Compose CLI: .ci/run should have installed docker-compose').toBe(true);
    },
  );

  if (cli) {
    it(`\`${cliName} config\` accepts docker-compose.yml on a fresh clone (no .env, no variables set)`, () => {
      const ok = composeConfig(cli, composeText);
      expect(ok.status, ok.stderr).toBe(0);
      const model = parseYaml(ok.stdout) as ComposeModel;
      expect(Object.keys(model.services).sort()).toEqual(Object.keys(fresh().services).sort());
      // ${POSTGRES_PASSWORD:-temporal}: the stack starts without a .env.
      expect(environmentOf(svc(model, 'temporal')).POSTGRES_PWD).toBe('temporal');
    });

    it.each<[string, string | RegExp, string]>([
      ['an unknown key', '    image: temporalio/server:', '    imagee: temporalio/server:'],
      ['a depends_on condition Compose does not know', 'condition: service_healthy', 'condition: service_ready'],
      ['a restart policy of the wrong type', 'restart: on-failure:6', 'restart: [on-failure]'],
      ['bad indentation', '\n  temporal:\n', '\n   temporal:\n'],
      ['an unclosed "${"', 'POSTGRES_USER: temporal\n', 'POSTGRES_USER: te${mporal\n'],
    ])(`\`${cliName} config\` rejects a copy with %s`, (_what, from, to) => {
      const broken = composeConfig(cli, mutate(composeText, from, to));
      expect(broken.status, broken.stderr).toBeGreaterThan(0);
    });
  }
});

// The rules, on the file as YAML and (where the CLI is installed) on Compose's normalised model.
const normalised = (): ComposeModel => {
  const out = composeConfig(cli ?? [], composeText);
  if (out.status !== 0) throw new Error(`${cliName} config failed: ${out.stderr}`);
  return parseYaml(out.stdout) as ComposeModel;
};
const models: Array<[string, () => ComposeModel]> = [['docker-compose.yml read as YAML', fresh]];
if (cli) models.push([`docker-compose.yml as \`${cliName} config\` normalises it`, normalised]);

describe.each(models)('%s', (_name, load) => {
  let loaded: ComposeModel | undefined;
  const model = (): ComposeModel => (loaded ??= load());

  it('pins every image (no "latest"), runs temporalio/server and admin-tools on one version, no auto-setup', () => {
    expect(imageProblems(model())).toEqual([]);
  });

  it('starts in order: PostgreSQL, schema setup, server, namespace, search attributes, then worker and intake', () => {
    expect(startOrderProblems(model())).toEqual([]);
  });

  it("registers every search attribute of contracts/search-attributes.ts with its type, from the one-shot job's script", () => {
    expect(searchAttributeProblems(model())).toEqual([]);
  });

  it('builds worker and intake here, on temporal:7233, with the Slack/GitLab settings passed through from the host', () => {
    expect(appProblems(model())).toEqual([]);
    const worker = environmentOf(svc(model(), 'worker'));
    // null: taken from the shell or .env when set there, left unset otherwise (no empty strings).
    expect(worker.SLACK_BOT_TOKEN).toBeNull();
    expect(worker.GITLAB_URL).toBeNull();
  });
});

describe('docker-compose.yml and deploy/', () => {
  it('run the Temporal server that `npm run test:cluster` builds and tests, with its history shard count', () => {
    const m = fresh();
    expect(svc(m, 'temporal').image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    // The image's default NUM_HISTORY_SHARDS is the cluster's; the stack does not override it.
    expect(environmentOf(svc(m, 'temporal')).NUM_HISTORY_SHARDS ?? String(HISTORY_SHARDS)).toBe(String(HISTORY_SHARDS));
  });

  it('are read strictly as YAML: a duplicate key is an error (Compose v2 refuses it too)', () => {
    expect(() => loadCompose(mutate(composeText, '    image: postgres:', '    image: postgres:16\n    image: postgres:'))).toThrow(/not valid YAML/);
  });

  it('document in deploy/compose.env.example exactly the variables the compose file reads', () => {
    expect(undocumentedProblems(composeText, read('deploy/compose.env.example'))).toEqual([]);
  });

  it('create exactly the search attributes the workflow upserts, with their types', () => {
    expect(searchAttributesIn(read(SA_SCRIPT))).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
    expect(Object.keys(EXPECTED_SEARCH_ATTRIBUTES)).toHaveLength(18);
  });

  it('have one-shot scripts that are valid POSIX shell', () => {
    const dir = join(REPO_ROOT, 'deploy', 'temporal', 'scripts');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const script of scripts) {
      const r = spawnSync('sh', ['-n', join(dir, script)], { encoding: 'utf8' });
      expect(r.status, `${script}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('the rules reject a broken stack', () => {
  it('images not pinned, the deprecated auto-setup image, mismatched server/admin-tools', () => {
    const m = fresh();
    svc(m, 'temporal-ui').image = 'temporalio/ui:latest';
    svc(m, 'postgresql').image = 'postgres';
    svc(m, 'temporal-create-namespace').image = 'temporalio/admin-tools:1.0.0';
    svc(m, 'temporal-search-attributes').image = 'temporalio/auto-setup:1.32.0';
    const problems = imageProblems(m).join('\n');
    expect(problems).toMatch(/temporal-ui: image "temporalio\/ui:latest" is not pinned/);
    expect(problems).toMatch(/postgresql: image "postgres" is not pinned/);
    expect(problems).toContain(`temporal-create-namespace: admin-tools tag "1.0.0" differs from the server's "${TEMPORAL_SERVER_VERSION}"`);
    expect(problems).toMatch(/temporal-search-attributes: temporalio\/auto-setup is deprecated/);
  });

  it('a start before the search attributes exist, a missing service, impossible conditions', () => {
    const m = fresh();
    svc(m, 'worker').depends_on = { temporal: { condition: 'service_healthy' } };
    delete m.services.postgresql;
    delete svc(m, 'temporal').healthcheck;
    svc(m, 'temporal-search-attributes').restart = 'always';
    const problems = startOrderProblems(m).join('\n');
    expect(problems).toMatch(/worker: depends_on \{"temporal":"service_healthy"\}, expected \{"temporal-search-attributes":"service_completed_successfully"\}/);
    expect(problems).toMatch(/temporal-admin-tools: depends_on "postgresql", which is not a service/);
    expect(problems).toMatch(/waits for "temporal" to be healthy, but "temporal" has no healthcheck/);
    expect(problems).toMatch(/waits for "temporal-search-attributes" to complete, but .* restarts forever/);
  });

  it('a search attribute missing, of the wrong type, or extra; a job that runs another script', () => {
    const script = read(SA_SCRIPT);
    const missing = mutate(script, /\s*--name SlaDueAt --type Datetime/, '');
    expect(searchAttributeProblems(fresh(), missing)).toEqual(['search attribute SlaDueAt (Datetime) is not created']);
    const wrongType = mutate(script, '--name Tier --type Int', '--name Tier --type Keyword');
    expect(searchAttributeProblems(fresh(), wrongType)).toEqual(['search attribute Tier is created as Keyword, expected Int']);
    const extra = mutate(script, '--name Tier --type Int', '--name Tier --type Int --name Team --type Keyword');
    expect(searchAttributeProblems(fresh(), extra)).toEqual(['search attribute Team is created but tierflow does not upsert it']);
    const m = fresh();
    svc(m, 'temporal-search-attributes').command = ['/scripts/create-namespace.sh'];
    expect(searchAttributeProblems(m)).toContain('temporal-search-attributes: does not run create-search-attributes.sh mounted from the repository');
  });

  it('a worker without TEMPORAL_ADDRESS or a Slack setting, an intake on another port or entrypoint', () => {
    const m = fresh();
    const env = svc(m, 'worker').environment as Record<string, unknown>;
    delete env.TEMPORAL_ADDRESS;
    delete env.SLACK_BOT_TOKEN;
    (svc(m, 'intake').environment as Record<string, unknown>).PORT = '8000';
    svc(m, 'intake').command = ['node', '--import', 'tsx', 'intake/nope.ts'];
    const problems = appProblems(m).join('\n');
    expect(problems).toMatch(/worker: TEMPORAL_ADDRESS must be "temporal:7233"/);
    expect(problems).toMatch(/worker: SLACK_BOT_TOKEN is not passed through/);
    expect(problems).toMatch(/intake: PORT must be 3000/);
    expect(problems).toMatch(/intake: command must be "node --import tsx workers\/intake.ts"/);
  });

  it('a variable read by the compose file but not documented, and one documented but not read', () => {
    const example = read('deploy/compose.env.example');
    expect(undocumentedProblems(composeText, mutate(example, /^# NAMESPACE_RETENTION=.*$/m, ''))).toEqual([
      'NAMESPACE_RETENTION is read by docker-compose.yml but not documented in deploy/compose.env.example',
    ]);
    expect(undocumentedProblems(composeText, `${example}\n# TIERFLOW_UNUSED=1\n`)).toEqual([
      'TIERFLOW_UNUSED is documented in deploy/compose.env.example but docker-compose.yml does not read it',
    ]);
  });
});
