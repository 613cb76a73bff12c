/**
 * The help desk's Temporal workers: `helpRequestWorkflow`, the reconciliation workflow and their
 * activities on the request task queue, and beside it one activity worker per effect lane (Slack,
 * GitLab) on its own task queue, rate-limited by the server. All are built from injected clients
 * and share one set of activities. `startStack` (`stack.ts`) runs them for `npm start`, the
 * standalone worker, the benchmark's worker process and the tests.
 */
import { fileURLToPath } from 'node:url';

import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';

import { attemptClock } from '../activities/attempt-time.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { EFFECT_LANES, HELP_REQUEST_TASK_QUEUE, laneTaskQueue, type EffectLane } from '../contracts/help-request.js';

/** Path of the workflow entry the bundler starts from. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const domainModule = (name: string) => fileURLToPath(new URL(`../domain/${name}.ts`, import.meta.url));

/**
 * Modules loaded once into the worker's reusable V8 context and shared by every cached workflow,
 * instead of being instantiated again for each one: luxon (the time-zone database's interface, the
 * largest module the workflows use) and the pure domain modules. All are deterministic and keep no
 * per-request state at module level (the time-zone memo only caches what the zone database
 * answers), which is what sharing requires. See `bench/cache-memory.ts` for what it saves.
 */
export const WORKFLOW_PRELOAD_MODULES: string[] = [
  'luxon',
  ...[
    'types',
    'duration',
    'time-zone',
    'coverage-intervals',
    'calendar',
    'sla-policy',
    'sla-clock',
    'decision-events',
    'coverage-hold',
    'request',
    'request-actions',
    'request-timers',
    'status-view',
    'text-safety',
    'tracker-issue',
  ].map(domainModule),
];

/** The bundler options of the workflows: the entry and the shared modules (the worker, the tests and the benchmark bundle alike). */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, preloadModules: WORKFLOW_PRELOAD_MODULES };

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
  /** Activities started per second on each lane's task queue, for every worker at once (the server enforces it). */
  rates: Record<EffectLane, number>;
}

/** The request worker and the lane workers. */
export interface HelpDeskWorkers {
  /** Workflows, the plan's local activity, and every activity for runs started before the lanes. */
  main: Worker;
  /** Slack and GitLab activities on their own, rate-limited task queues. */
  lanes: Worker[];
}

export async function createHelpDeskWorkers(opts: HelpDeskWorkerOptions): Promise<HelpDeskWorkers> {
  const taskQueue = opts.taskQueue ?? HELP_REQUEST_TASK_QUEUE;
  const activities = createActivities(opts.deps);
  const main = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: WORKFLOW_PRELOAD_MODULES } }),
    activities,
    interceptors: { activity: [attemptClock] },
    ...opts.tuning,
  });
  const lanes = await Promise.all(
    EFFECT_LANES.map((lane) =>
      Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: laneTaskQueue(taskQueue, lane),
        activities,
        interceptors: { activity: [attemptClock] },
        maxTaskQueueActivitiesPerSecond: opts.rates[lane],
        ...(opts.tuning?.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: opts.tuning.maxConcurrentActivityTaskExecutions } : {}),
      }),
    ),
  );
  return { main, lanes };
}
