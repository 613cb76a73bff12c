/**
 * The benchmark run behind `npm run bench`: one stack on loopback (dev server in memory, emulators,
 * a worker process, the intake), the phases one after another, one table of figures with each
 * target's PASS/MISS. The floor phase runs first, on a stack of its own (fast lanes, emulators
 * without rate limits). `BENCH_SCALE` (0 < scale ≤ 1) shrinks counts and durations.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { WorkerTuning } from '../workers/help-desk-worker.js';
import { measureCacheTable } from './floor/cache-table.js';
import { floorStackOptions, measureFloor, type FloorOptions } from './phases/floor.js';
import { measureFrontDoor } from './phases/front-door.js';
import { measureOpenRequests } from './phases/open-requests.js';
import { measureFirstPost, measureLifecycle } from './phases/worker-path.js';
import { benchConfig } from './support/bench-config.js';
import { startStack } from './support/stack.js';
import { fmt, infoRow, renderTable, type Row } from './support/stats.js';

/** The phases, by the names `npm run bench -- <phase>` takes. */
export const PHASES = ['floor', 'front-door', 'first-post', 'lifecycle', 'open'] as const;
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
  const tuning = { maxCachedWorkflows: opts.maxCachedWorkflows };
  const on = (phase: Phase) => opts.phases.includes(phase);
  const rows: Row[] = on('floor') ? await runFloorPhase(scale, tuning, log) : [];
  if (opts.phases.every((phase) => phase === 'floor')) return [...rows, wallTimeRow(started, scale, opts.maxCachedWorkflows)];
  log('starting the stack: dev server (in memory, headless), Slack and GitLab emulators, worker process, intake');
  const stack = await startStack({ config, workerMetrics: true, tuning });
  log(`worker output: ${stack.workerLog}`);
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
  return [...rows, wallTimeRow(started, scale, opts.maxCachedWorkflows)];
}

function wallTimeRow(started: number, scale: number, maxCachedWorkflows: number): Row {
  return infoRow(
    'benchmark wall time',
    `${fmt((Date.now() - started) / 1000, 0)} s`,
    `BENCH_SCALE=${scale}, maxCachedWorkflows=${maxCachedWorkflows}, ${process.platform} ${process.arch}, Node ${process.version}`,
  );
}

/**
 * The floor phase on a stack of its own (fast lanes, emulators without rate limits, a Tier 2 P1
 * first-response target of 20 s × scale, at least 8 s), the worker tuned as for the other phases.
 */
async function runFloorPhase(scale: number, tuning: WorkerTuning, log: (line: string) => void): Promise<Row[]> {
  log("floor: starting a stack with the floor worker beside tierflow's");
  const stack = await startStack(floorStackOptions(Math.max(8_000, Math.round(20_000 * scale)), tuning));
  log(`worker output: ${stack.workerLog}`);
  try {
    return await measureFloor(stack, floorOptions(scale, log));
  } finally {
    await stack.close();
  }
}

export interface CacheTableRun {
  /** `maxCachedWorkflows` values, each measured with as many open requests parked. */
  sizes: number[];
  /** The sizing target: `open` requests within 1 GiB with `cached` of them cached. */
  open: number;
  cached: number;
  log: (line: string) => void;
}

/** `npm run bench -- floor --cache-table`: worker RSS against the cache size, on the floor phase's kind of stack. */
export async function runCacheTable(opts: CacheTableRun): Promise<Row[]> {
  const started = Date.now();
  opts.log('cache table: starting a stack (fast lanes, emulators without rate limits)');
  const stack = await startStack({ ...floorStackOptions(3_600_000, {}), floor: false });
  opts.log(`worker output: ${stack.workerLog}`);
  try {
    const rows = await measureCacheTable(stack, { ...opts, startConcurrency: 64 });
    return [
      ...rows,
      infoRow('cache table wall time', `${fmt((Date.now() - started) / 1000, 0)} s`, `${process.platform} ${process.arch}, Node ${process.version}`),
    ];
  } finally {
    await stack.close();
  }
}

/** The floor phase's sizes at `scale`: N ≈ 500 × scale lifecycles, K ≈ 400 × scale parked, each kind. */
export function floorOptions(scale: number, log: (line: string) => void): FloorOptions {
  return {
    lifecycles: Math.max(20, Math.round(500 * scale)),
    warmup: Math.max(5, Math.round(20 * scale)),
    parked: Math.max(20, Math.round(400 * scale)),
    levels: 5,
    replaySample: Math.max(5, Math.round(100 * scale)),
    startConcurrency: 64,
    log,
  };
}

/** The calendar-arithmetic micro-benchmark (`bench/deadline.ts`), run as it is, its table returned. */
export function runDeadlineBench(): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', DEADLINE_BENCH], { encoding: 'utf8', timeout: 180_000 });
  return result.status === 0 ? result.stdout.trimEnd() : `bench/deadline.ts failed (${result.status}): ${result.stderr.trim()}`;
}

export { renderTable };
