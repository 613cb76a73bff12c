/**
 * A worker in its own process, started by `startStack` exactly as the standalone worker is (same
 * settings checks, real Slack and GitLab client libraries pointed at the emulators), so the
 * benchmark can read its RSS and the fault harness can `kill -9` it. Started by `spawnWorker` in
 * `stack.ts` with the path of a JSON spec and a production environment (`emulator-env.ts`:
 * SLACK_API_URL and GITLAB_URL at the emulators, strong generated secrets); tells the parent
 * "ready" over IPC once it polls. With `floor` in its spec it also runs the floor workflow
 * (`bench/floor/`) on a second `Worker` of its own task queue, with the same tuning, so the
 * benchmark compares tierflow with the floor in one process.
 */
import { readFileSync } from 'node:fs';

import { NativeConnection, Worker } from '@temporalio/worker';

import { loadSettings, required, type Settings } from '../../config/settings.js';
import type { TierflowConfig } from '../../domain/config.js';
import type { WorkerTuning } from '../../workers/help-desk-worker.js';
import { startStack } from '../../workers/stack.js';
import { floorActivities } from '../floor/activities.js';

/** What the parent tells the worker process besides its environment (the settings). */
export interface WorkerProcessSpec {
  taskQueue: string;
  /** JSON file holding the `TierflowConfig`. */
  configFile: string;
  /** Pre-built workflow bundle (bundled once by the parent). */
  bundlePath: string;
  /** Serve the runtime's Prometheus metrics on WORKER_METRICS_ADDRESS. */
  metrics: boolean;
  tuning: WorkerTuning;
  /** Also run the floor workflow on this task queue from this pre-built bundle. */
  floor?: { taskQueue: string; bundlePath: string };
}

/** Messages the worker process sends its parent. */
export type WorkerProcessMessage = { type: 'ready'; pid: number } | { type: 'failed'; error: string };

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as WorkerProcessSpec;
  const settings = loadSettings(process.env, { entry: 'worker' });
  const stack = await startStack(settings, {
    parts: { worker: true, schedules: false, intake: false, sandbox: false },
    config: JSON.parse(readFileSync(spec.configFile, 'utf8')) as TierflowConfig,
    taskQueue: spec.taskQueue,
    workflowBundle: { codePath: spec.bundlePath },
    tuning: spec.tuning,
    runtime: { metricsAddress: spec.metrics ? settings.workerMetricsAddress : null },
    logger: null,
  });
  // After the stack: its runtime (and Prometheus exporter) is installed, and serves the floor's metrics too.
  const floor = spec.floor ? await startFloorWorker(settings, spec.floor, spec.tuning) : null;
  process.send?.({ type: 'ready', pid: process.pid } satisfies WorkerProcessMessage);
  // SIGTERM, or the parent going away (or closing the channel), stops the worker cleanly.
  const stop = () => {
    floor?.stop();
    void stack.stop().catch(() => undefined);
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  await Promise.all([stack.worker?.done, floor?.done]);
  await stack.stop();
}

/** The floor's worker: the floor workflow and its no-op activities, tuned as tierflow's worker is. */
async function startFloorWorker(settings: Settings, floor: NonNullable<WorkerProcessSpec['floor']>, tuning: WorkerTuning) {
  const connection = await NativeConnection.connect({ address: required(settings.temporal.address, 'TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: floor.taskQueue,
    workflowBundle: { codePath: floor.bundlePath },
    activities: floorActivities,
    ...tuning,
  });
  const done = worker.run().finally(() => connection.close());
  return {
    done,
    stop: () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}

main(process.argv[2] ?? '').then(
  () => process.exit(0),
  (err: unknown) => {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.send?.({ type: 'failed', error } satisfies WorkerProcessMessage);
    console.error(`bench worker failed: ${error}`);
    process.exit(1);
  },
);
