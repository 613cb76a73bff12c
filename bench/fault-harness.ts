/**
 * The fault harness behind `npm run chaos` (and, small, `test/bench/chaos.short.test.ts`): one
 * stack whose dev server persists to a SQLite file and whose intake reaches Temporal through a
 * proxy, the four faults one after another, then the fuzzing harness. Returns the table rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runFuzzHarness } from './fuzz/harness.js';
import { flakyIntegrationsScenario } from './scenarios/flaky-integrations.js';
import { killWorkerScenario } from './scenarios/kill-worker.js';
import { serverRestartScenario } from './scenarios/server-restart.js';
import { temporalUnreachableScenario } from './scenarios/temporal-unreachable.js';
import { benchConfig } from './support/bench-config.js';
import { startStack } from './support/stack.js';
import { fmt, infoRow, type Row } from './support/stats.js';

export interface FaultHarnessOptions {
  /** Requests per scenario. */
  requests: { kill: number; restart: number; flaky: number; unreachable: number };
  /** Scales the failures armed in scenario (c). */
  failureFactor: number;
  /** First-response target (Tier 2 P1) of scenario (b); must outlast the server's downtime. */
  firstResponseMs: number;
  downMs: number;
  /** Bound on each scenario's drive to completion. */
  deadlineMs: number;
  fuzzCases: number;
  fuzzRealServerCases: number;
  /** The scenarios to run (default all). */
  scenarios?: Scenario[];
  /**
   * Run (a) and (c) at the same time, after (d) and (b): the worker is killed while Slack and GitLab
   * fail, which is harder than either alone and takes the time of one (the short version in CI).
   */
  overlap?: boolean;
  log: (line: string) => void;
}

export type Scenario = 'unreachable' | 'kill' | 'restart' | 'flaky';

export async function runFaultHarness(opts: FaultHarnessOptions): Promise<Row[]> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tierflow-chaos-'));
  const config = benchConfig({ tier2P1: { firstResponseMs: opts.firstResponseMs, resolutionMs: 3_600_000 }, reopenWindowMs: 2_000 });
  opts.log('starting the stack: dev server on a SQLite file, emulators, worker process, intake behind a cuttable proxy');
  // Faults are injected on purpose; the emulators' modelled rate limits would only add 429s the scenarios do not judge.
  const stack = await startStack({ config, dbFile: join(dir, 'chaos.db'), intakeProxy: true, gatewayTimeoutMs: 2_000, emulatorRateLimits: false });
  opts.log(`worker output: ${stack.workerLog}`);
  const rows: Row[] = [];
  const common = { deadlineMs: opts.deadlineMs, log: opts.log };
  const run = new Set<Scenario>(opts.scenarios ?? ['unreachable', 'kill', 'restart', 'flaky']);
  try {
    const kill = () => killWorkerScenario(stack, { ...common, requests: opts.requests.kill });
    const restart = () =>
      serverRestartScenario(stack, { ...common, requests: opts.requests.restart, firstResponseMs: opts.firstResponseMs, downMs: opts.downMs });
    const flaky = () => flakyIntegrationsScenario(stack, { ...common, requests: opts.requests.flaky, failureFactor: opts.failureFactor });
    if (run.has('unreachable')) rows.push(...(await temporalUnreachableScenario(stack, { ...common, requests: opts.requests.unreachable })));
    if (opts.overlap) {
      if (run.has('restart')) rows.push(...(await restart()));
      const [killed, failing] = await Promise.all([run.has('kill') ? kill() : [], run.has('flaky') ? flaky() : []]);
      rows.push(...killed, ...failing);
    } else {
      if (run.has('kill')) rows.push(...(await kill()));
      if (run.has('restart')) rows.push(...(await restart()));
      // Last: failures armed but never met would otherwise leak into the next scenario.
      if (run.has('flaky')) rows.push(...(await flaky()));
    }
    if (opts.fuzzCases > 0 || opts.fuzzRealServerCases > 0) {
      const fuzz = await runFuzzHarness({ cases: opts.fuzzCases, realServerCases: opts.fuzzRealServerCases, stack, log: opts.log });
      rows.push(...fuzz.rows);
    }
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(infoRow('fault harness wall time', `${fmt((Date.now() - started) / 1000, 0)} s`, `${process.platform} ${process.arch}, Node ${process.version}`));
  return rows;
}
