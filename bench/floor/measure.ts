/**
 * What the floor phase and the cache table share: the two kinds of workflow they run (a tierflow
 * request, the floor workflow), waiting until the worker has nothing left to do, the calls a
 * lifecycle's history records, and parking and terminating workflows.
 */
import type { temporal } from '@temporalio/proto';

import type { EffectLane } from '../../contracts/help-request.js';
import type { Priority } from '../../domain/types.js';
import { fetchRuntimeMetrics } from '../../workers/metrics.js';
import { mapLimit, sleep } from '../support/load.js';
import { metricSum } from '../support/prom.js';
import { inputOf, rawStart, requestIdOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { median } from '../support/stats.js';
import type { FloorInput, floorWorkflow } from './workflows.js';

/**
 * Lane rates for measuring workflow cost: high enough that no Slack or GitLab activity waits for
 * the lanes' rate limit (the rate-limited behaviour is measured elsewhere).
 */
export const FAST_LANES: Record<EffectLane, number> = { slack: 1000, gitlab: 1000 };

/** One kind of workflow: how it starts, its workflow ids, and what "its lifecycle is over" is in visibility. */
export interface Kind {
  name: 'tierflow' | 'floor';
  taskQueue: string;
  /** The workflow bundle the worker runs it from (replayed against, too). */
  bundlePath: string;
  /** The workflow id started under `key` (a prefix of keys gives a prefix of ids). */
  idOf(key: string): string;
  start(key: string): Promise<void>;
  /** Visibility condition of a workflow whose lifecycle is over. */
  lifecycleOver: string;
}

/** Tierflow requests of one priority, started as the intake starts them. */
export function tierflowKind(stack: Stack, priority: Priority): Kind {
  return {
    name: 'tierflow',
    taskQueue: stack.taskQueue,
    bundlePath: stack.bundles.tierflow,
    idOf: requestIdOf,
    start: (key) => rawStart(stack.client, stack.taskQueue, inputOf({ key, priority })),
    // Escalated: the breach of the Tier 2 first-response clock moved it to Tier 3.
    lifecycleOver: 'Tier = 3',
  };
}

/** The floor workflow making the calls `input` asks for. */
export function floorKind(stack: Stack, input: FloorInput): Kind {
  const taskQueue = stack.floorTaskQueue;
  const bundlePath = stack.bundles.floor;
  if (!taskQueue || !bundlePath) throw new Error('the floor needs a stack started with { floor: true }');
  const idOf = (key: string) => `floor-${key}`;
  return {
    name: 'floor',
    taskQueue,
    bundlePath,
    idOf,
    start: async (key) => void (await stack.client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue, workflowId: idOf(key), args: [input] })),
    lifecycleOver: `ExecutionStatus = 'Completed'`,
  };
}

/** How many workflows of `kind` whose key starts with `keyPrefix` match `condition` (NaN when visibility fails). */
export function countOf(stack: Stack, kind: Kind, keyPrefix: string, condition: string): Promise<number> {
  const query = `TaskQueue = '${kind.taskQueue}' AND WorkflowId STARTS_WITH '${kind.idOf(keyPrefix)}' AND ${condition}`;
  return stack.client.workflow.count(query).then(
    (c) => c.count,
    () => Number.NaN,
  );
}

/** The worker's Prometheus text (SDK runtime metrics of both workers). */
export function workerMetrics(stack: Stack): Promise<string> {
  if (!stack.workerMetricsAddress) throw new Error('the floor needs a stack started with { workerMetrics: true }');
  return fetchRuntimeMetrics(stack.workerMetricsAddress, 10_000);
}

/** Workflow tasks, activities and local activities the worker process has completed so far. */
const tasksDone = (metrics: string) =>
  metricSum(metrics, 'temporal_workflow_task_execution_latency_count') +
  metricSum(metrics, 'temporal_activity_execution_latency_count') +
  metricSum(metrics, 'temporal_local_activity_execution_latency_count');

/**
 * Waits until the worker has completed no task for `quietMs` (nothing left of what was started);
 * answers when it was last seen completing one (epoch ms) and its CPU time then. Throws after `timeoutMs`.
 */
export async function settle(stack: Stack, quietMs: number, timeoutMs: number): Promise<{ at: number; cpuMs: number }> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let cpuMs = Number.NaN;
  let since = Date.now();
  while (Date.now() < deadline) {
    const done = tasksDone(await workerMetrics(stack));
    const cpu = stack.worker.cpuMs();
    if (done !== last) [last, cpuMs, since] = [done, cpu, Date.now()];
    else if (Date.now() - since >= quietMs) return { at: since, cpuMs };
    await sleep(250);
  }
  throw new Error(`the worker was still busy after ${timeoutMs / 1000} s`);
}

/** The worker's RSS once it is idle: the median of five readings a quarter second apart, after a second. */
export async function steadyRss(stack: Stack): Promise<number> {
  await sleep(1_000);
  const readings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    readings.push(stack.worker.rssBytes());
    await sleep(250);
  }
  return median(readings);
}

/** The calls a lifecycle's history records. */
export interface LifecycleShape {
  /** Local activities (`core_local_activity` markers). */
  localActivities: number;
  /** Activities scheduled before the first timer fired. */
  before: number;
  /** Activities scheduled after it. */
  after: number;
  timersFired: number;
  workflowTasks: number;
  events: number;
}

/** Counts the calls of a history (of a running or a closed workflow). */
export function shapeOf(history: temporal.api.history.v1.IHistory): LifecycleShape {
  const shape: LifecycleShape = { localActivities: 0, before: 0, after: 0, timersFired: 0, workflowTasks: 0, events: 0 };
  for (const event of history.events ?? []) {
    shape.events += 1;
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') shape.localActivities += 1;
    if (event.timerFiredEventAttributes) shape.timersFired += 1;
    if (event.workflowTaskCompletedEventAttributes) shape.workflowTasks += 1;
    if (event.activityTaskScheduledEventAttributes) shape[shape.timersFired === 0 ? 'before' : 'after'] += 1;
  }
  return shape;
}

/** `count` keys under `prefix`: `<prefix>0`, `<prefix>1`, … */
export const keysOf = (prefix: string, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

/** Starts a workflow of `kind` per key, `concurrency` at a time; answers how many failed to start. */
export async function startAll(kind: Kind, keys: string[], concurrency: number): Promise<number> {
  let failed = 0;
  await mapLimit(keys, concurrency, (key) => kind.start(key).catch(() => void (failed += 1)));
  return failed;
}

/** Terminates the workflows of `ids` that still run (the benchmark's leftovers). */
export async function terminateAll(stack: Stack, ids: string[]): Promise<void> {
  await mapLimit(ids, 32, (id) =>
    stack.client.workflow
      .getHandle(id)
      .terminate('benchmark: measured')
      .catch(() => undefined),
  );
}
