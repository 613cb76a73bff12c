/**
 * The worker: runs `helpRequestWorkflow` and its activities. `createHelpDeskWorker` is used by the
 * embedded default (`npm start`) and the tests; run this file directly for a standalone worker.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

import { createActivities, type ActivityDeps } from '../activities/index.js';
import { loadConfig } from '../registry/load.js';
import { HELP_REQUEST_TASK_QUEUE } from '../workflows/contracts.js';
import { buildClients } from './clients.js';
import { loadSettings } from './settings.js';

/** Path of the workflow entry the bundler starts from. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface HelpDeskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A pre-built bundle (tests bundle once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createHelpDeskWorker(opts: HelpDeskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts.deps),
  });
}

async function main(): Promise<void> {
  const settings = loadSettings();
  if (!settings.temporal.address) throw new Error('TEMPORAL_ADDRESS is required for a standalone worker (npm start embeds one)');
  if (settings.slack.sandbox || settings.gitlab.sandbox) {
    throw new Error('a standalone worker needs SLACK_BOT_TOKEN and GITLAB_TOKEN (sandbox mode runs only under npm start)');
  }
  const config = loadConfig(settings.configDir ?? undefined);
  const clients = buildClients(settings);
  const connection = await NativeConnection.connect({ address: settings.temporal.address });
  const worker = await createHelpDeskWorker({
    connection,
    namespace: settings.temporal.namespace,
    deps: { config, ...clients, helpChannel: settings.slack.helpChannel, gitlabProject: settings.gitlab.project },
  });
  await worker.run();
  await connection.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
