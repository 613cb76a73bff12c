/**
 * A worker in its own process, wired like `workers/worker.ts` (same factory, real Slack and GitLab
 * client libraries pointed at the emulators), so the benchmark can read its RSS and the fault
 * harness can `kill -9` it. Started by `spawnWorker` in `stack.ts` with the path of a JSON spec and
 * a production environment (`emulator-env.ts`: SLACK_API_URL and GITLAB_URL at the emulators,
 * strong generated secrets), read by `loadSettings` exactly as a standalone worker reads its own;
 * tells the parent "ready" over IPC once it polls.
 */
import { readFileSync } from 'node:fs';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

import type { TierflowConfig } from '../../domain/config.js';
import { buildClients } from '../../workers/clients.js';
import { installRuntimeMetrics } from '../../workers/metrics.js';
import { loadSettings, required } from '../../workers/settings.js';
import { createHelpDeskWorker, type WorkerTuning } from '../../workers/worker.js';

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
}

/** Messages the worker process sends its parent. */
export type WorkerProcessMessage = { type: 'ready'; pid: number } | { type: 'failed'; error: string };

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as WorkerProcessSpec;
  const settings = loadSettings(process.env, { entry: 'worker' });
  if (spec.metrics) installRuntimeMetrics({ bindAddress: settings.workerMetricsAddress });
  else Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = JSON.parse(readFileSync(spec.configFile, 'utf8')) as TierflowConfig;
  const clients = buildClients(settings);
  const address = required(settings.temporal.address, 'TEMPORAL_ADDRESS');
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: settings.temporal.namespace });
  const helpChannel = required(settings.slack.helpChannel, 'SLACK_HELP_CHANNEL');
  const worker = await createHelpDeskWorker({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: spec.taskQueue,
    workflowBundle: { codePath: spec.bundlePath },
    tuning: spec.tuning,
    deps: { config, ...clients, client, helpChannel, gitlabProject: settings.gitlab.project },
  });
  const running = worker.run();
  process.send?.({ type: 'ready', pid: process.pid } satisfies WorkerProcessMessage);
  // The parent going away (or closing the channel) stops the worker cleanly.
  process.once('disconnect', () => worker.shutdown());
  await running;
  await clientConnection.close();
  await connection.close();
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
