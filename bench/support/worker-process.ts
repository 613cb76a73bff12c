/**
 * A worker in its own process, wired like `workers/main.ts` (same factory, real Slack and GitLab
 * client libraries pointed at the emulators), so the benchmark can read its RSS and the fault
 * harness can `kill -9` it. Started by `spawnWorker` in `stack.ts` with the path of a JSON spec;
 * tells the parent "ready" over IPC once it polls.
 */
import { readFileSync } from 'node:fs';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

import type { TierflowConfig } from '../../domain/config.js';
import { buildClients } from '../../workers/clients.js';
import { installRuntimeMetrics } from '../../workers/metrics.js';
import { loadSettings } from '../../workers/settings.js';
import { createHelpDeskWorker, type WorkerTuning } from '../../workers/worker.js';

/** What the parent tells the worker process. */
export interface WorkerProcessSpec {
  address: string;
  namespace: string;
  taskQueue: string;
  slackApiUrl: string;
  gitlabUrl: string;
  helpChannel: string;
  gitlabProject: string;
  /** JSON file holding the `TierflowConfig`. */
  configFile: string;
  /** Pre-built workflow bundle (bundled once by the parent). */
  bundlePath: string;
  /** `host:port` of the worker's Prometheus endpoint, or null for none. */
  metricsAddress: string | null;
  tuning: WorkerTuning;
}

/** Messages the worker process sends its parent. */
export type WorkerProcessMessage = { type: 'ready'; pid: number } | { type: 'failed'; error: string };

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as WorkerProcessSpec;
  if (spec.metricsAddress) installRuntimeMetrics({ bindAddress: spec.metricsAddress });
  else Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = JSON.parse(readFileSync(spec.configFile, 'utf8')) as TierflowConfig;
  const settings = loadSettings({ SLACK_HELP_CHANNEL: spec.helpChannel, GITLAB_PROJECT: spec.gitlabProject });
  const clients = buildClients(settings, { slackApiUrl: spec.slackApiUrl, gitlabUrl: spec.gitlabUrl });
  const connection = await NativeConnection.connect({ address: spec.address });
  const clientConnection = await Connection.connect({ address: spec.address });
  const client = new Client({ connection: clientConnection, namespace: spec.namespace });
  const worker = await createHelpDeskWorker({
    connection,
    namespace: spec.namespace,
    taskQueue: spec.taskQueue,
    workflowBundle: { codePath: spec.bundlePath },
    tuning: spec.tuning,
    deps: { config, ...clients, client, helpChannel: spec.helpChannel, gitlabProject: spec.gitlabProject },
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
