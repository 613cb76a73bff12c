/**
 * The benchmark run behind `npm run bench`: one stack on loopback (dev server in memory, emulators,
 * a worker process, the intake), the phases one after another, one table of figures with each
 * target's PASS/MISS. `BENCH_SCALE` (0 < scale ≤ 1) shrinks counts and durations.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { measureFrontDoor } from './phases/front-door.js';
import { measureOpenRequests } from './phases/open-requests.js';
import { measureFirstPost, measureLifecycle } from './phases/worker-path.js';
import { benchConfig } from './support/bench-config.js';
import { startStack } from './support/stack.js';
import { fmt, infoRow, renderTable, type Row } from './support/stats.js';

/** The phases, by the names `npm run bench -- <phase>` takes. */
export const PHASES = ['front-door', 'first-post', 'lifecycle', 'open'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchmarkOptions {
  scale: number;
  phases: readonly Phase[];
  /** Worker cache size for the run (the 10k open requests must fit 1 GiB). */
  maxCachedWorkflows: number;
  log: (line: string) => void;
}

const DEADLINE_BENCH = fileURLToPath(new URL('./deadline.ts', import.meta.url));

/** Runs every phase; returns the rows of the figures table. */
export async function runBenchmark(opts: BenchmarkOptions): Promise<Row[]> {
  const { scale, log } = opts;
  const openCount = Math.max(100, Math.round(10_000 * scale));
  // Every request must be open before the first one breaches: the start loop runs at a few hundred/s.
  const firstResponseMs = 30_000 + openCount * 10;
  const config = benchConfig({ tier2P1: { firstResponseMs, resolutionMs: 24 * 3_600_000 }, reopenWindowMs: 2_000 });
  const started = Date.now();
  log('starting the stack: dev server (in memory, headless), Slack and GitLab emulators, worker process, intake');
  const stack = await startStack({ config, workerMetrics: true, tuning: { maxCachedWorkflows: opts.maxCachedWorkflows } });
  log(`worker output: ${stack.workerLog}`);
  const rows: Row[] = [];
  const on = (phase: Phase) => opts.phases.includes(phase);
  try {
    if (on('front-door')) {
      const frontDoor = { ratePerSecond: 50, latencySeconds: Math.max(5, 20 * scale), throughputSeconds: Math.max(3, 10 * scale), concurrency: 32, log };
      rows.push(...(await measureFrontDoor(stack, frontDoor)));
    }
    if (on('first-post')) rows.push(...(await measureFirstPost(stack, { ratePerSecond: 5, seconds: Math.max(6, 30 * scale), log })));
    if (on('lifecycle')) rows.push(...(await measureLifecycle(stack, { requests: Math.max(5, Math.round(20 * scale)), log })));
    if (on('open')) {
      const open = {
        count: openCount,
        firstResponseMs,
        graceMs: Math.max(30_000, 90_000 * scale),
        startConcurrency: 64,
        sampleSize: Math.max(50, Math.round(400 * scale)),
        log,
      };
      rows.push(...(await measureOpenRequests(stack, open)));
    }
  } finally {
    await stack.close();
  }
  rows.push(
    infoRow(
      'benchmark wall time',
      `${fmt((Date.now() - started) / 1000, 0)} s`,
      `BENCH_SCALE=${scale}, maxCachedWorkflows=${opts.maxCachedWorkflows}, ${process.platform} ${process.arch}, Node ${process.version}`,
    ),
  );
  return rows;
}

/** The calendar-arithmetic micro-benchmark (`bench/deadline.ts`), run as it is, its table returned. */
export function runDeadlineBench(): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', DEADLINE_BENCH], { encoding: 'utf8', timeout: 180_000 });
  return result.status === 0 ? result.stdout.trimEnd() : `bench/deadline.ts failed (${result.status}): ${result.stderr.trim()}`;
}

export { renderTable };
