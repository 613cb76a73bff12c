/**
 * The bad-input fuzzing harness: every intake route (read from the app at run time), thousands of
 * fast-check cases against `createApp` with a recording gateway (no Temporal), then a few hundred
 * against a real dev server and worker. Judged by `oracle.ts`; reproducible from the printed seed.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';

import { createApp } from '../../intake/app.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { benchConfig } from '../support/bench-config.js';
import { startStack, type Stack } from '../support/stack.js';
import { fmt, infoRow, targetRow, type Row } from '../support/stats.js';
import { casesFor, FUZZ_HELP_CHANNEL, FUZZ_NOW_MS, FUZZ_SECRETS, FUZZ_TRACKER, strayCases, type FuzzCase } from './cases.js';
import { runCase, type Violation } from './oracle.js';
import { recordingGateway, type GatewayCall } from './recording-gateway.js';
import { authSchemeOf, listRoutes, type Route } from './routes.js';

export interface FuzzTarget {
  app: FastifyInstance;
  calls: GatewayCall[];
  routes: Route[];
}

/** The intake app as the fuzzer sees it: every credential configured, Slack replies swallowed. */
export async function fuzzTarget(real?: { stack: Stack }): Promise<FuzzTarget> {
  const { gateway, calls } = recordingGateway(real ? createTemporalGateway(real.stack.client, { taskQueue: real.stack.taskQueue }) : undefined);
  const app = createApp({
    gateway,
    options: {
      intakeSecret: FUZZ_SECRETS.intake,
      apiToken: FUZZ_SECRETS.apiToken,
      publicUrl: 'http://tierflow.fuzz',
      slack: { signingSecret: FUZZ_SECRETS.slack, helpChannel: FUZZ_HELP_CHANNEL, responseUrlBase: 'https://hooks.slack.com/' },
      gitlab: { webhookSecret: FUZZ_SECRETS.gitlab, project: FUZZ_TRACKER },
      now: () => FUZZ_NOW_MS,
    },
    respond: async () => undefined,
  });
  return { app, calls, routes: await listRoutes(app) };
}

export interface FuzzRun {
  cases: number;
  seed: number;
  /** `METHOD path` → answers by status class. */
  byRoute: Map<string, Map<string, number>>;
  violations: Violation[];
  /** 503 + Retry-After answers from a real server under load (not counted as violations). */
  unavailable: number;
  /** 4xx answers without the `{error}` JSON body the contract promises. */
  shapeless: number;
  shapelessExamples: string[];
  /** Unhandled rejections or exceptions seen while the cases ran. */
  crashes: number;
  healthyAfter: boolean;
  seconds: number;
}

/** Runs `count` cases, spread evenly over the routes (plus stray paths); never stops at the first failure. */
export async function runFuzz(
  target: FuzzTarget,
  count: number,
  seed: number,
  opts: { allowUnavailable?: boolean; concurrency?: number } = {},
): Promise<FuzzRun> {
  const started = performance.now();
  const arbitrary = fc.oneof(...target.routes.map((r) => ({ weight: 10, arbitrary: casesFor(r) })), { weight: 2, arbitrary: strayCases });
  const byRoute = new Map<string, Map<string, number>>();
  const violations: Violation[] = [];
  let unavailable = 0;
  let shapeless = 0;
  const shapelessExamples: string[] = [];
  let crashes = 0;
  const onCrash = () => void (crashes += 1);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  try {
    const chunk = 500;
    for (let done = 0; done < count; done += chunk) {
      const cases: FuzzCase[] = fc.sample(arbitrary, { numRuns: Math.min(chunk, count - done), seed: seed + done });
      // In memory, cases run one by one so every gateway call is attributed to its case.
      for (const c of cases) {
        const outcome = await runCase(target.app, target.routes, c, target.calls, opts.allowUnavailable);
        const key = `${c.route.method} ${c.route.path}`;
        const statuses = byRoute.get(key) ?? new Map<string, number>();
        const klass = outcome.status === 0 ? 'threw' : `${Math.floor(outcome.status / 100)}xx`;
        statuses.set(klass, (statuses.get(klass) ?? 0) + 1);
        byRoute.set(key, statuses);
        if (outcome.unavailable) unavailable += 1;
        if (outcome.shapeless && ++shapeless <= 3) shapelessExamples.push(`${outcome.status} ${c.label} ${c.url.slice(0, 60)}`);
        if (outcome.violation) violations.push(outcome.violation);
      }
    }
  } finally {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  }
  const health = await target.app.inject({ method: 'GET', url: '/healthz' }).catch(() => null);
  return {
    cases: count,
    seed,
    byRoute,
    violations,
    unavailable,
    shapeless,
    shapelessExamples,
    crashes,
    healthyAfter: health?.statusCode === 200,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Table rows for one run. */
export function fuzzRows(name: string, run: FuzzRun, routes: Route[]): Row[] {
  const kinds = new Map<string, number>();
  for (const v of run.violations) kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
  const ok = run.violations.length === 0 && run.crashes === 0 && run.healthyAfter;
  const summary = ok
    ? 'no 5xx, no crash, nothing accepted without a valid credential'
    : [...kinds].map(([k, n]) => `${n}× ${k}`).join('; ') +
      (run.crashes ? `; ${run.crashes} unhandled errors` : '') +
      (run.healthyAfter ? '' : '; /healthz failed after the run');
  const rows: Row[] = [
    targetRow(
      `${name}: cases, violations`,
      `${fmt(run.cases, 0)} cases, ${run.violations.length} violations`,
      '0 violations',
      ok,
      `${summary}; seed ${run.seed}; ${fmt(run.cases / run.seconds, 0)} cases/s${run.unavailable ? `; ${run.unavailable} × 503 Retry-After (server busy)` : ''}${run.shapeless ? `; ${run.shapeless} × 4xx without a JSON {error}` : ''}`,
    ),
  ];
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const statuses = run.byRoute.get(key);
    const spread = statuses
      ? [...statuses]
          .sort()
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')
      : 'no cases';
    rows.push(infoRow(`  ${key}`, spread, `credential: ${authSchemeOf(route)}`));
  }
  for (const example of run.shapelessExamples) rows.push(infoRow('  4xx without {error}', example.slice(0, 4), example.slice(4)));
  for (const v of run.violations.slice(0, 5)) rows.push(infoRow('  example violation', `${v.kind} (${v.status})`, `${v.label}: ${v.detail.slice(0, 120)}`));
  return rows;
}

export interface FuzzHarnessOptions {
  cases: number;
  realServerCases: number;
  /** A running stack for the real-server cases; otherwise one is started (and stopped). */
  stack?: Stack;
  seed?: number;
  log: (line: string) => void;
}

/** In memory, then against a real server; the rows of both. */
export async function runFuzzHarness(opts: FuzzHarnessOptions): Promise<{ rows: Row[]; runs: FuzzRun[] }> {
  const seed = opts.seed ?? Date.now() % 2_147_483_647;
  const memory = await fuzzTarget();
  opts.log(`fuzz: ${opts.cases} cases in memory over ${memory.routes.length} routes: ${memory.routes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  const inMemory = await runFuzz(memory, opts.cases, seed);
  const rows = fuzzRows('fuzz in memory (createApp, recording gateway)', inMemory, memory.routes);
  const runs = [inMemory];
  if (opts.realServerCases > 0) {
    const stack =
      opts.stack ?? (await startStack({ config: benchConfig({ tier2P1: { firstResponseMs: 3_600_000, resolutionMs: 7_200_000 }, reopenWindowMs: 2_000 }) }));
    try {
      const real = await fuzzTarget({ stack });
      opts.log(`fuzz: ${opts.realServerCases} cases against the real dev server and worker`);
      const onServer = await runFuzz(real, opts.realServerCases, seed + 7_919, { allowUnavailable: true });
      rows.push(...fuzzRows('fuzz on the real dev server', onServer, real.routes).slice(0, 1));
      runs.push(onServer);
    } finally {
      if (!opts.stack) await stack.close();
    }
  }
  return { rows, runs };
}
