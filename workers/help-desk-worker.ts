/**
 * The help desk's Temporal worker: `helpRequestWorkflow`, the reconciliation workflow and their
 * activities, built from injected clients. `startStack` (`stack.ts`) runs it for `npm start`, the
 * standalone worker, the benchmark's worker process and the tests.
 */
import { fileURLToPath } from 'node:url';

import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';

import { createActivities, type ActivityDeps } from '../activities/index.js';
import { HELP_REQUEST_TASK_QUEUE } from '../contracts/help-request.js';

/** Path of the workflow entry the bundler starts from. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The worker options that size a worker for its load. */
export type WorkerTuning = Pick<
  WorkerOptions,
  'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions'
>;

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
