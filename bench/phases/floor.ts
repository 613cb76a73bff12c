/**
 * Tierflow against a floor, in one run: the floor workflow (`bench/floor/`) makes the calls a
 * tierflow request's lifecycle (open → warning → breach → escalation) makes, counted from tierflow's
 * own histories in this run, with empty activities and one timer, on a second worker in the same
 * worker process with the same tuning. Each figure is printed as a ratio with both absolutes:
 *
 * - worker CPU per lifecycle: the worker process's utime + stime over a window in which N workflows
 *   of one kind run their whole lifecycle, divided by N (the kinds one after the other);
 * - workflow-task execution: the worker's `temporal_workflow_task_execution_latency` over the
 *   window, per task queue (cache hits), and replay after eviction (`Worker.runReplayHistories`
 *   here, over a sample of each kind's histories, per workflow task);
 * - memory per cached workflow: the least-squares slope of the worker's RSS over its sticky cache
 *   size, K workflows of each kind parked on a long timer at several fill levels, on a fresh worker.
 *
 * It runs on a stack of its own ({@link floorStackOptions}): the lanes at {@link FAST_LANES} and the
 * emulators without rate limits, so the comparison is about workflow cost, not about waiting for
 * Slack; a short Tier 2 P1 first-response target on the always-open calendar.
 */
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

import type { WorkerTuning } from '../../workers/help-desk-worker.js';
import {
  countOf,
  FAST_LANES,
  floorKind,
  keysOf,
  settle,
  steadyRss,
  shapeOf,
  startAll,
  terminateAll,
  tierflowKind,
  workerMetrics,
  type Kind,
  type LifecycleShape,
} from '../floor/measure.js';
import type { FloorInput } from '../floor/workflows.js';
import { mapLimit, openLoop, sleep, waitFor } from '../support/load.js';
import { histogramBetween, metricSum } from '../support/prom.js';
import { benchConfig } from '../support/bench-config.js';
import type { Stack, StackOptions } from '../support/stack.js';
import { fmt, infoRow, median, MiB, slope, targetRow, type Row } from '../support/stats.js';

export interface FloorOptions {
  /** N: workflows of each kind run through their whole lifecycle in the CPU window. */
  lifecycles: number;
  /** Lifecycles of each kind run first, unmeasured (JIT, pools); tierflow's set the floor's calls. */
  warmup: number;
  /** K: workflows of each kind parked for the memory slope (at most the worker's cache size). */
  parked: number;
  /** Fill levels sampled while parking. */
  levels: number;
  /** Histories of each kind replayed after eviction. */
  replaySample: number;
  startConcurrency: number;
  log: (line: string) => void;
}

const WFT_EXECUTION = 'temporal_workflow_task_execution_latency';
const QUIET_MS = 2_000;
/** Starts per second of the low-load windows: a lifecycle's tasks rarely wait for another's. */
const LOW_LOAD_PER_SECOND = 4;
const KiB = 1024;
const ms = (v: number) => `${fmt(v, 2)} ms`;
const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;

/**
 * The stack the phase runs on: floor worker beside tierflow's, metrics, fast lanes, emulators
 * without rate limits, and a Tier 2 P1 first-response target of `firstResponseMs` (the floor sleeps
 * as long), always-open calendar.
 */
export function floorStackOptions(firstResponseMs: number, tuning: WorkerTuning): StackOptions {
  return {
    config: benchConfig({ tier2P1: { firstResponseMs, resolutionMs: 24 * 3_600_000 }, reopenWindowMs: 2_000 }),
    workerMetrics: true,
    tuning,
    floor: true,
    laneRates: FAST_LANES,
    emulatorRateLimits: false,
  };
}

interface Window {
  kind: Kind;
  ids: string[];
  cpuMs: number;
  seconds: number;
  wft: { count: number; mean: number };
  shapes: LifecycleShape[];
  /** A sample of the histories, for the counts and the replay. */
  histories: Array<{ workflowId: string; history: temporal.api.history.v1.IHistory }>;
}

/**
 * Runs `count` lifecycles of `kind` to their end and until the worker is idle again; CPU and WFT
 * figures over it. They start all at once (`startConcurrency` at a time), or `perSecond` when given.
 */
async function lifecycleWindow(
  stack: Stack,
  kind: Kind,
  keyPrefix: string,
  count: number,
  opts: FloorOptions,
  sample: number,
  perSecond?: number,
): Promise<Window> {
  const keys = keysOf(keyPrefix, count);
  const before = await workerMetrics(stack);
  const cpu0 = stack.worker.cpuMs();
  const t0 = Date.now();
  const failed = perSecond
    ? (await openLoop(count, perSecond, (i) => kind.start(keys[i]!).then(() => true))).filter((s) => !s.ok).length
    : await startAll(kind, keys, opts.startConcurrency);
  if (failed > 0) throw new Error(`${failed} ${kind.name} workflows did not start`);
  const timeoutMs = firstResponseMs(stack) + 120_000 + count * 200;
  const over = await waitFor(async () => (await countOf(stack, kind, keyPrefix, kind.lifecycleOver)) >= count, timeoutMs, 1_000);
  if (!over) throw new Error(`${kind.name}: not every lifecycle was over within ${timeoutMs / 1000} s`);
  const { at, cpuMs } = await settle(stack, QUIET_MS, 120_000);
  const seconds = (at - t0) / 1000;
  const wft = histogramBetween(before, await workerMetrics(stack), WFT_EXECUTION, { task_queue: kind.taskQueue });
  const ids = keys.map(kind.idOf);
  const histories = await mapLimit(ids.slice(0, sample), 8, async (workflowId) => ({
    workflowId,
    history: await stack.client.workflow.getHandle(workflowId).fetchHistory(),
  }));
  return { kind, ids, cpuMs: cpuMs - cpu0, seconds, wft, shapes: histories.map((h) => shapeOf(h.history)), histories };
}

/** Replays `histories` against `bundlePath` in this process; ms per workflow task, worker creation included. */
async function replayPerTask(bundlePath: string, histories: Window['histories'], tasks: number): Promise<number> {
  try {
    // The replay worker logs its every state change at INFO otherwise.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already (by an earlier replay, or a test process): keep it.
  }
  const t0 = performance.now();
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath } }, histories)) {
    if (result.error) throw new Error(`replay of ${result.workflowId} failed: ${result.error.message}`);
  }
  return (performance.now() - t0) / tasks;
}

/** Parks `count` workflows of `kind` in `levels` steps; RSS against the kind's cache size at each. */
async function fillLevels(stack: Stack, kind: Kind, keyPrefix: string, count: number, levels: number, opts: FloorOptions) {
  const cached = async () => metricSum(await workerMetrics(stack), 'temporal_sticky_cache_size', { task_queue: kind.taskQueue });
  const points = [{ x: await cached(), y: await steadyRss(stack) }];
  let started = 0;
  for (let level = 1; level <= levels; level += 1) {
    const upTo = Math.round((count * level) / levels);
    await startAll(kind, keysOf(keyPrefix, upTo - started, started), opts.startConcurrency);
    started = upTo;
    await settle(stack, QUIET_MS, 120_000 + count * 100);
    points.push({ x: await cached(), y: await steadyRss(stack) });
    opts.log(`floor: ${kind.name} parked ${started}/${count}: ${points.at(-1)!.x} cached, worker RSS ${fmt(points.at(-1)!.y / MiB, 0)} MiB`);
  }
  return { ids: keysOf(keyPrefix, count).map(kind.idOf), points, perCached: slope(points) };
}

const firstResponseMs = (stack: Stack) => stack.config.policy.targets['2'].P1.firstResponseMs;

const shapeText = (s: LifecycleShape) =>
  `${s.localActivities} local + ${s.before} activities before the first timer, ${s.after} after; ${s.timersFired} timer(s) fired, ${s.workflowTasks} WFTs, ${s.events} events`;

/** The median shape of `shapes`, field by field. */
function medianShape(shapes: LifecycleShape[]): LifecycleShape {
  const of = (field: keyof LifecycleShape) => median(shapes.map((s) => s[field]));
  return {
    localActivities: of('localActivities'),
    before: of('before'),
    after: of('after'),
    timersFired: of('timersFired'),
    workflowTasks: of('workflowTasks'),
    events: of('events'),
  };
}

/** Measures tierflow against the floor; returns the table rows. */
export async function measureFloor(stack: Stack, opts: FloorOptions): Promise<Row[]> {
  const run = Date.now().toString(36);
  const timerMs = firstResponseMs(stack);
  const cacheSize = stack.tuning.maxCachedWorkflows ?? Number.POSITIVE_INFINITY;
  // Cache hits only: the window's workflows (and the warm-up's) all fit the cache.
  const n = Math.min(opts.lifecycles, Math.max(1, cacheSize - opts.warmup));
  const k = Math.min(opts.parked, cacheSize);
  const lanes = stack.laneRates ? `lanes at ${stack.laneRates.slack}/s (Slack), ${stack.laneRates.gitlab}/s (GitLab)` : 'lanes at the default rates';
  const leftovers: string[] = [];
  try {
    const tierflow = tierflowKind(stack, 'P1');
    opts.log(`floor: warm-up, ${opts.warmup} tierflow lifecycles`);
    const warmTierflow = await lifecycleWindow(stack, tierflow, `fl-${run}-tw-`, opts.warmup, opts, opts.warmup);
    leftovers.push(...warmTierflow.ids);
    const shape = medianShape(warmTierflow.shapes);
    const input: FloorInput = { localActivities: shape.localActivities, before: shape.before, timerMs, after: shape.after };
    const floor = floorKind(stack, input);
    opts.log(`floor: a tierflow lifecycle makes ${shapeText(shape)}; warm-up, ${opts.warmup} floor lifecycles`);
    await lifecycleWindow(stack, floor, `fl-${run}-fw-`, opts.warmup, opts, 0);

    const idle0 = stack.worker.cpuMs();
    await sleep(5_000);
    const idleMsPerSecond = (stack.worker.cpuMs() - idle0) / 5;

    opts.log(`floor: CPU window, ${n} tierflow lifecycles (P1 → warning → breach → Tier 3)`);
    const tf = await lifecycleWindow(stack, tierflow, `fl-${run}-tc-`, n, opts, opts.replaySample);
    leftovers.push(...tf.ids);
    opts.log(`floor: CPU window, ${n} floor lifecycles`);
    const fl = await lifecycleWindow(stack, floor, `fl-${run}-fc-`, n, opts, opts.replaySample);

    opts.log(`floor: low load, ${opts.warmup} lifecycles of each kind started ${LOW_LOAD_PER_SECOND}/s`);
    const lowTf = await lifecycleWindow(stack, tierflow, `fl-${run}-tl-`, opts.warmup, opts, 0, LOW_LOAD_PER_SECOND);
    leftovers.push(...lowTf.ids);
    const lowFl = await lifecycleWindow(stack, floor, `fl-${run}-fl-`, opts.warmup, opts, 0, LOW_LOAD_PER_SECOND);

    opts.log(`floor: replaying ${tf.histories.length} + ${fl.histories.length} histories here`);
    const tasks = (w: Window) => w.shapes.reduce((a, s) => a + s.workflowTasks, 0);
    const replayTf = await replayPerTask(tierflow.bundlePath, tf.histories, tasks(tf));
    const replayFl = await replayPerTask(floor.bundlePath, fl.histories, tasks(fl));
    await terminateAll(stack, leftovers.splice(0));

    opts.log(`floor: memory, a fresh worker; ${k} of each kind parked in ${opts.levels} steps`);
    await stack.restartWorker({ signal: 'SIGTERM' });
    await sleep(2_000);
    const parkedTierflow = tierflowKind(stack, 'P2');
    const parkedFloor = floorKind(stack, { ...input, timerMs: 6 * 3_600_000 });
    const memTf = await fillLevels(stack, parkedTierflow, `fl-${run}-tm-`, k, opts.levels, opts);
    leftovers.push(...memTf.ids);
    const memFl = await fillLevels(stack, parkedFloor, `fl-${run}-fm-`, k, opts.levels, opts);
    leftovers.push(...memFl.ids);

    const cpuTf = tf.cpuMs / n;
    const cpuFl = fl.cpuMs / n;
    const kibTf = memTf.perCached / KiB;
    const kibFl = memFl.perCached / KiB;
    const lastX = (points: Array<{ x: number }>) => points.at(-1)!.x;
    const window = (w: Window) => `${fmt(w.seconds, 0)} s`;
    return [
      infoRow('lifecycle calls, tierflow (P1 open → escalation)', shapeText(medianShape(tf.shapes)), `median of ${tf.shapes.length} histories`),
      infoRow('lifecycle calls, floor', shapeText(medianShape(fl.shapes)), `given the tierflow warm-up's counts; one ${timerMs / 1000} s timer`),
      targetRow(
        'worker CPU per lifecycle, tierflow / floor',
        ratio(cpuTf, cpuFl),
        '≤ 2×',
        cpuTf <= 2 * cpuFl,
        `tierflow ${ms(cpuTf)}, floor ${ms(cpuFl)} (utime+stime over ${n} lifecycles each, windows ${window(tf)} / ${window(fl)}; per WFT ${ms(tf.cpuMs / tf.wft.count)} / ${ms(fl.cpuMs / fl.wft.count)}; idle worker ${fmt(idleMsPerSecond)} ms/s; ${lanes})`,
      ),
      infoRow(
        'WFT execution mean (cache hit), tierflow / floor',
        ratio(tf.wft.mean, fl.wft.mean),
        `tierflow ${ms(tf.wft.mean)} (n=${tf.wft.count}), floor ${ms(fl.wft.mean)} (n=${fl.wft.count})`,
      ),
      targetRow(
        'WFT execution mean (cache hit), tierflow',
        ms(tf.wft.mean),
        '≤ 10 ms',
        tf.wft.mean <= 10,
        `${WFT_EXECUTION} over the window, task_queue ${tierflow.taskQueue}`,
      ),
      infoRow(
        'WFT execution mean at low load, tierflow / floor',
        ratio(lowTf.wft.mean, lowFl.wft.mean),
        `tierflow ${ms(lowTf.wft.mean)} (n=${lowTf.wft.count}), floor ${ms(lowFl.wft.mean)} (n=${lowFl.wft.count}); ${opts.warmup} lifecycles each, started ${LOW_LOAD_PER_SECOND}/s`,
      ),
      infoRow(
        'replay after eviction per WFT, tierflow / floor',
        ratio(replayTf, replayFl),
        `tierflow ${ms(replayTf)}, floor ${ms(replayFl)} (Worker.runReplayHistories over ${tf.histories.length} histories each, ${tasks(tf)} / ${tasks(fl)} WFTs, replay worker creation included)`,
      ),
      infoRow(
        'memory per cached workflow, tierflow / floor',
        ratio(kibTf, kibFl),
        `tierflow ${fmt(kibTf, 0)} KiB, floor ${fmt(kibFl, 0)} KiB (RSS slope over sticky cache size, ${opts.levels} fill levels up to ${lastX(memTf.points)} / ${lastX(memFl.points)} cached)`,
      ),
      targetRow(
        'memory per cached workflow, tierflow',
        `${fmt(kibTf, 0)} KiB`,
        '≤ 400 KiB',
        kibTf > 0 && kibTf <= 400, // a slope at or below 0 is RSS noise (too few parked), not a pass
        `P2 requests parked (first response hours away); worker RSS ${fmt(memTf.points[0]!.y / MiB, 0)} → ${fmt(memTf.points.at(-1)!.y / MiB, 0)} MiB`,
      ),
    ];
  } finally {
    await terminateAll(stack, leftovers);
  }
}
