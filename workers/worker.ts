/**
 * The worker: runs `helpRequestWorkflow` and its activities. `createHelpDeskWorker` is used by the
 * embedded default (`npm start`) and the tests; run this file directly for a standalone worker.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

import { createActivities, type ActivityDeps } from '../activities/index.js';
import { loadConfig } from '../registry/load.js';
import { HELP_REQUEST_TASK_QUEUE } from '../contracts/help-request.js';
import { buildClients } from './clients.js';
import { installRuntimeMetrics } from './metrics.js';
import { ensureSchedules } from './schedules.js';
import { loadSettings, required, SettingsError } from './settings.js';

/** Path of the workflow entry the bundler starts from. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface HelpDeskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A pre-built bundle (tests bundle once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Cache and concurrency limits (the SDK's defaults otherwise); see `bench/` for measured settings. */
  tuning?: WorkerTuning;
}

/** The worker options that size a worker for its load. */
export type WorkerTuning = Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions'>;

export async function createHelpDeskWorker(opts: HelpDeskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts.deps),
    ...opts.tuning,
  });
}

/**
 * The standalone worker: production mode only (`loadSettings` refuses sandbox mode and names every
 * missing or weak variable: TEMPORAL_ADDRESS, SLACK_BOT_TOKEN, SLACK_HELP_CHANNEL, GITLAB_TOKEN).
 */
async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'worker' });
  const address = required(settings.temporal.address, 'TEMPORAL_ADDRESS');
  const config = loadConfig(settings.configDir ?? undefined);
  const clients = buildClients(settings);
  // Before the first connection: Prometheus scrapes the SDK's and the SLA metrics at WORKER_METRICS_ADDRESS/metrics.
  installRuntimeMetrics({ bindAddress: settings.workerMetricsAddress });
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: settings.temporal.namespace });
  await ensureSchedules(client);
  const worker = await createHelpDeskWorker({
    connection,
    namespace: settings.temporal.namespace,
    deps: { config, ...clients, client, helpChannel: required(settings.slack.helpChannel, 'SLACK_HELP_CHANNEL'), gitlabProject: settings.gitlab.project },
  });
  await worker.run();
  await connection.close();
  await clientConnection.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof SettingsError ? err.message : `tierflow worker failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
