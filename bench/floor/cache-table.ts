/**
 * Cache sizing (`npm run bench -- floor --cache-table`): the worker's RSS against
 * `maxCachedWorkflows`, each size on a fresh worker process with as many open requests parked
 * (P2, first response hours away), then the sizing target itself: `open` requests open at once on
 * a worker caching `cached` of them, its peak RSS against 1 GiB. Same stack as the floor phase
 * (fast lanes, emulators without rate limits), without the floor's worker.
 */
import { sleep } from '../support/load.js';
import { metricSum } from '../support/prom.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, MiB, slope, targetRow, type Row } from '../support/stats.js';
import { keysOf, settle, startAll, steadyRss, terminateAll, tierflowKind, workerMetrics } from './measure.js';

export interface CacheTableOptions {
  /** The `maxCachedWorkflows` values measured, each with as many requests parked. */
  sizes: number[];
  /** The target: this many open requests … */
  open: number;
  /** … on a worker caching this many, within 1 GiB. */
  cached: number;
  startConcurrency: number;
  log: (line: string) => void;
}

const KiB = 1024;

/** Parks `count` P2 requests on a fresh worker caching `size`; RSS before and after, peak, and what was cached. */
async function parkOnFreshWorker(stack: Stack, size: number, count: number, keyPrefix: string, opts: CacheTableOptions) {
  await stack.restartWorker({ signal: 'SIGTERM', tuning: { ...stack.tuning, maxCachedWorkflows: size } });
  const baseline = await steadyRss(stack);
  const kind = tierflowKind(stack, 'P2');
  const keys = keysOf(keyPrefix, count);
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, stack.worker.rssBytes());
      await sleep(500);
    }
  })();
  const t0 = Date.now();
  const failed = await startAll(kind, keys, opts.startConcurrency);
  await settle(stack, 3_000, 300_000 + count * 200);
  const seconds = (Date.now() - t0) / 1000;
  const rss = await steadyRss(stack);
  sampling = false;
  await sampler;
  const cached = metricSum(await workerMetrics(stack), 'temporal_sticky_cache_size', { task_queue: stack.taskQueue });
  opts.log(
    `cache table: maxCachedWorkflows ${size}: ${count - failed} parked in ${fmt(seconds, 0)} s, ${cached} cached, RSS ${fmt(rss / MiB, 0)} MiB (peak ${fmt(peak / MiB, 0)})`,
  );
  await terminateAll(stack, keys.map(kind.idOf));
  return { baseline, rss, peak, cached, parked: count - failed, seconds };
}

/** Measures the table; one row per size, the slope over them, and the target's verdict. */
export async function measureCacheTable(stack: Stack, opts: CacheTableOptions): Promise<Row[]> {
  const run = Date.now().toString(36);
  const rows: Row[] = [];
  const points: Array<{ x: number; y: number }> = [];
  for (const size of opts.sizes) {
    const r = await parkOnFreshWorker(stack, size, size, `ct-${run}-${size}-`, opts);
    points.push({ x: r.cached, y: r.rss });
    rows.push(
      infoRow(
        `worker RSS, maxCachedWorkflows = ${fmt(size, 0)}`,
        `${fmt(r.rss / MiB, 0)} MiB`,
        `${fmt(r.parked, 0)} open requests parked, ${fmt(r.cached, 0)} cached; fresh worker ${fmt(r.baseline / MiB, 0)} MiB, peak ${fmt(r.peak / MiB, 0)} MiB; ${fmt((r.rss - r.baseline) / Math.max(1, r.cached) / KiB, 0)} KiB per cached`,
      ),
    );
  }
  if (points.length >= 2) {
    const perCached = slope(points);
    rows.push(infoRow('RSS per cached workflow (slope over the sizes)', `${fmt(perCached / KiB, 0)} KiB`, `least squares over ${points.length} fresh workers`));
  }
  opts.log(`cache table: the target, ${opts.open} open requests on a worker caching ${opts.cached}`);
  const target = await parkOnFreshWorker(stack, opts.cached, opts.open, `ct-${run}-target-`, opts);
  rows.push(
    targetRow(
      `${fmt(opts.open, 0)} open requests, maxCachedWorkflows = ${fmt(opts.cached, 0)}: peak worker RSS`,
      `${fmt(target.peak / MiB, 0)} MiB`,
      `≤ 1,024 MiB, ${fmt(opts.cached, 0)} cached`,
      target.peak <= 1024 * MiB && target.cached >= opts.cached,
      `${fmt(target.parked, 0)} parked in ${fmt(target.seconds, 0)} s, ${fmt(target.cached, 0)} cached after; RSS settled at ${fmt(target.rss / MiB, 0)} MiB`,
    ),
  );
  return rows;
}
