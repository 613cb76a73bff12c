/**
 * The one place tierflow is assembled: settings in, running parts out, and an ordered stop.
 * `npm start` (`main.ts`), the standalone worker and intake (`worker.ts`, `intake.ts`), the
 * benchmark's processes and the tests' worker harness all start what they run here, choosing the
 * parts and overriding what a test or a benchmark must control (task queue, workflow bundle,
 * registry, worker tuning, emulators, listen ports, Slack directory, Temporal connections).
 *
 * Start order: the Temporal runtime (before any worker connection), the registry, the Slack and
 * GitLab emulators, the dev server (only without a Temporal address), the connections, the
 * Schedules, the worker, the intake and its metrics listener. `stop()` goes the other way: the
 * intake stops taking requests, the worker drains (its `run()` settles), the connections close,
 * the dev server stops, the emulators close.
 */
import { join } from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { createLogger } from '../config/logger.js';
import { required, type Entry, type Settings } from '../config/settings.js';
import { HELP_REQUEST_TASK_QUEUE } from '../contracts/help-request.js';
import type { TierflowConfig } from '../domain/config.js';
import type { EffectLane } from '../contracts/help-request.js';
import { createIntakeMetrics } from '../intake/metrics.js';
import { createMetricsApp } from '../intake/metrics-server.js';
import { createSlackDirectory, type SlackDirectory } from '../intake/slack-directory.js';
import { readSlaReport } from '../queries/sla-report.js';
import { loadConfig } from '../registry/load.js';
import { startSandbox, usergroupsFor, type Sandbox, type SandboxOptions } from '../sandbox/index.js';
import { buildClients, buildSlackClient, type IntegrationClients } from './clients.js';
import { freePort, startDevServer, type DevServer, type DevServerOptions } from './dev-server.js';
import { createHelpDeskWorkers, type WorkerTuning } from './help-desk-worker.js';
import { buildIntake, listenAt } from './intake-app.js';
import { fetchRuntimeMetrics, installRuntime } from './metrics.js';
import { mentionedGroups } from './sandbox-groups.js';
import { ensureSchedules } from './schedules.js';

/** What a stack runs. Defaults come from the settings' entry and mode (see {@link defaultParts}). */
export interface StackParts {
  /** The Slack and GitLab emulators, with every Slack and GitLab client pointed at them. */
  sandbox: boolean;
  /** A worker polling the task queue in this process. */
  worker: boolean;
  /** The Schedules tierflow relies on (the tracker reconciliation). */
  schedules: boolean;
  /** The intake app and its Prometheus listener. */
  intake: boolean;
}

/** What tests and the benchmark control; every field is optional and defaults to the settings'. */
export interface StackOverrides {
  parts?: Partial<StackParts>;
  /** The registry (default: loaded from `TIERFLOW_CONFIG`, its warnings logged). */
  config?: TierflowConfig;
  /** The worker's task queue, the intake's and the Schedules' (default `HELP_REQUEST_TASK_QUEUE`). */
  taskQueue?: string;
  /** A pre-built workflow bundle (default: bundled at start). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
  /** Activities per second on the Slack and GitLab lanes (default: the settings'; tests raise them). */
  rates?: Record<EffectLane, number>;
  /** The embedded dev server, started when the settings name no Temporal address. */
  devServer?: Partial<Omit<DevServerOptions, 'namespace'>>;
  /** The emulators' project id and user groups (the tracker project is `GITLAB_PROJECT`). */
  sandbox?: Omit<SandboxOptions, 'project'>;
  /** Slack and GitLab base URLs of emulators started elsewhere (default: the settings', or the sandbox's). */
  emulatorUrls?: { slackApiUrl: string; gitlabUrl: string };
  /**
   * The process-wide Temporal runtime. Default, with a worker: installed with its Prometheus
   * exporter on `WORKER_METRICS_ADDRESS` (standalone worker) or a free loopback port served through
   * the intake's metrics listener (`npm start`). `'installed'`: the caller has installed it.
   */
  runtime?: { metricsAddress: string | null } | 'installed';
  /** Where the intake listens (default `PORT` on `HOST`) and its metrics listener (default `METRICS_ADDRESS`; null: none). */
  listen?: { port?: number; metricsAddress?: string | null };
  /** Connections to use instead of connecting; `stop()` leaves them open. */
  temporal?: { client: Client; nativeConnection?: NativeConnection };
  /** Deadline of each intake call to Temporal (the gateway's default otherwise). */
  gatewayTimeoutMs?: number;
  /** Who a clicking Slack user is (default: read from Slack with the bot token, when the Slack source is on). */
  slackDirectory?: SlackDirectory;
  /** The stack's logger (default: at `LOG_LEVEL`, in `LOG_FORMAT`: pretty at a terminal, JSON lines otherwise); null: the intake logs nothing. */
  logger?: Logger | null;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when `run()` does: resolves once the worker has drained, rejects when it failed. */
  done: Promise<void>;
}

export interface RunningIntake {
  app: FastifyInstance;
  url: string;
  metricsApp: FastifyInstance | null;
  metricsUrl: string | null;
}

export interface Stack {
  settings: Settings;
  config: TierflowConfig;
  namespace: string;
  /** The worker's, the intake's and the Schedules' task queue. */
  taskQueue: string;
  /** The Temporal frontend: the settings' address or the embedded dev server's (null with given connections). */
  address: string | null;
  client: Client;
  logger: Logger | null;
  devServer: DevServer | null;
  sandbox: Sandbox | null;
  worker: RunningWorker | null;
  intake: RunningIntake | null;
  /** Where this process's runtime serves Prometheus metrics, if the stack installed it with an exporter. */
  runtimeMetricsAddress: string | null;
  /** Stops everything the stack started, in order; every step is tried, the first failure is thrown after. Idempotent. */
  stop(): Promise<void>;
}

const LOGGER_NAMES: Record<Entry, string> = { embedded: 'tierflow', intake: 'tierflow-intake', worker: 'tierflow-worker' };

/** What each entry runs unless told otherwise: `npm start` everything, the standalone processes their half. */
export function defaultParts(settings: Settings): StackParts {
  const worker = settings.entry !== 'intake';
  return { sandbox: settings.mode === 'sandbox', worker, schedules: worker, intake: settings.entry !== 'worker' };
}

/** Steps of `stop()`, newest first. */
class Stops {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private stopping: Promise<void> | null = null;

  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }

  run(): Promise<void> {
    this.stopping ??= (async () => {
      const failures: unknown[] = [];
      for (const step of this.steps.splice(0)) await step().catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw failures[0];
    })();
    return this.stopping;
  }
}

/**
 * Starts the parts of tierflow `settings` and `overrides` ask for; on a failure, stops what it had
 * started and throws.
 * @example
 * const stack = await startStack(loadSettings(process.env, { entry: 'embedded' }));
 * // ... later, on SIGINT:
 * await stack.stop();
 */
export async function startStack(settings: Settings, overrides: StackOverrides = {}): Promise<Stack> {
  const stops = new Stops();
  try {
    return await assemble(settings, overrides, stops);
  } catch (err) {
    await stops.run().catch(() => undefined);
    throw err;
  }
}

async function assemble(settings: Settings, overrides: StackOverrides, stops: Stops): Promise<Stack> {
  const parts = { ...defaultParts(settings), ...overrides.parts };
  const logger = overrides.logger === undefined ? createLogger(settings.logLevel, LOGGER_NAMES[settings.entry]) : overrides.logger;
  // First, before any worker connection: the runtime is process-wide and cannot be replaced.
  const runtimeMetricsAddress = await installRuntimeFor(settings, parts, overrides.runtime, logger);
  const config = overrides.config ?? loadConfig(settings.configDir ?? undefined);
  if (!overrides.config) for (const warning of config.warnings) logger?.warn(warning);
  const namespace = settings.temporal.namespace;

  const sandbox = parts.sandbox
    ? await startSandbox({
        project: settings.gitlab.project,
        usergroups: usergroupsFor(mentionedGroups(config)),
        systems: config.registry.systems,
        ...overrides.sandbox,
      })
    : null;
  if (sandbox) stops.add(() => sandbox.close());
  // The tiers' GitLab groups get one member each, so a crisis's post-incident review is assigned in the sandbox too.
  for (const tier of sandbox ? config.registry.tiers : []) {
    if (tier.gitlabGroup) sandbox!.gitlab.setGroupMembers(tier.gitlabGroup, [`tier${tier.tier}-lead`]);
  }
  const urls = overrides.emulatorUrls ?? (sandbox ? { slackApiUrl: sandbox.slack.url, gitlabUrl: sandbox.gitlab.url } : {});

  const devServer = !settings.temporal.address && !overrides.temporal ? await startEmbeddedDevServer(settings, overrides.devServer) : null;
  if (devServer) stops.add(() => devServer.stop());
  const address = devServer?.address ?? settings.temporal.address;
  const lazy = parts.intake && !parts.worker && !parts.schedules;
  const client = overrides.temporal?.client ?? (await connectClient(required(address, 'TEMPORAL_ADDRESS'), namespace, lazy));
  if (!overrides.temporal) stops.add(() => client.connection.close());
  // The weekly SLA digest runs on the coverage calendar's Mondays, and only with a channel to post to.
  const digest = settings.slack.digestChannel ? { timeZone: config.calendar.timezone } : null;
  if (parts.schedules) await ensureSchedules(client, { ...(overrides.taskQueue ? { taskQueue: overrides.taskQueue } : {}), digest });

  // Sandbox mode: both Slack and GitLab are the emulators (never one real, one emulated).
  const clients = parts.worker ? buildClients(settings, urls) : null;
  const worker = clients ? await startWorker(settings, overrides, { config, clients, client, address, stops }) : null;
  const intake = parts.intake ? await startIntake(settings, overrides, { client, clients, sandbox, logger, runtimeMetricsAddress, stops, config }) : null;

  return {
    settings,
    config,
    namespace,
    taskQueue: overrides.taskQueue ?? HELP_REQUEST_TASK_QUEUE,
    address,
    client,
    logger,
    devServer,
    sandbox,
    worker,
    intake,
    runtimeMetricsAddress,
    stop: () => stops.run(),
  };
}

/** A client of its own connection; the intake alone connects lazily, so it starts (and answers 503) while Temporal is still coming up. */
async function connectClient(address: string, namespace: string, lazy: boolean): Promise<Client> {
  return new Client({ connection: lazy ? Connection.lazy({ address }) : await Connection.connect({ address }), namespace });
}

/** Installs the runtime as `choice` says (see {@link StackOverrides.runtime}); answers the exporter's address. */
async function installRuntimeFor(settings: Settings, parts: StackParts, choice: StackOverrides['runtime'], logger: Logger | null): Promise<string | null> {
  if (choice === 'installed' || (!choice && !parts.worker)) return null;
  const metricsAddress = choice ? choice.metricsAddress : settings.entry === 'worker' ? settings.workerMetricsAddress : `127.0.0.1:${await freePort()}`;
  // The SDK's own lines in the stack's format (pretty at a terminal, JSON lines otherwise).
  installRuntime({ metricsAddress, logger });
  return metricsAddress;
}

/** `npm start` without `TEMPORAL_ADDRESS`: a dev server persisting to the data folder, Web UI on. */
function startEmbeddedDevServer(settings: Settings, overrides: StackOverrides['devServer'] = {}): Promise<DevServer> {
  return startDevServer({
    dbFile: join(settings.dataDir, 'temporal.db'),
    port: settings.temporal.port,
    uiPort: settings.temporal.uiPort,
    logFile: join(settings.dataDir, 'temporal.log'),
    ...overrides,
    namespace: settings.temporal.namespace,
  });
}

async function startWorker(
  settings: Settings,
  overrides: StackOverrides,
  ctx: { config: TierflowConfig; clients: IntegrationClients; client: Client; address: string | null; stops: Stops },
): Promise<RunningWorker> {
  const given = overrides.temporal?.nativeConnection;
  const connection = given ?? (await NativeConnection.connect({ address: required(ctx.address, 'TEMPORAL_ADDRESS') }));
  if (!given) ctx.stops.add(() => connection.close());
  const { main: worker, lanes } = await createHelpDeskWorkers({
    connection,
    rates: overrides.rates ?? settings.rates,
    namespace: settings.temporal.namespace,
    ...(overrides.taskQueue ? { taskQueue: overrides.taskQueue } : {}),
    ...(overrides.workflowBundle ? { workflowBundle: overrides.workflowBundle } : {}),
    ...(overrides.tuning ? { tuning: overrides.tuning } : {}),
    deps: {
      config: ctx.config,
      ...ctx.clients,
      client: ctx.client,
      helpChannel: required(settings.slack.helpChannel, 'SLACK_HELP_CHANNEL'),
      gitlabProject: settings.gitlab.project,
      digest: { channel: settings.slack.digestChannel, readReport: (range) => readSlaReport(ctx.client, range) },
    },
  });
  const workers = [worker, ...lanes];
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  // Whoever awaits `done` sees a failure; nobody awaiting it is not an unhandled rejection.
  done.catch(() => undefined);
  ctx.stops.add(async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await done;
  });
  return { worker, done };
}

async function startIntake(
  settings: Settings,
  overrides: StackOverrides,
  ctx: {
    client: Client;
    clients: IntegrationClients | null;
    /** The registry the stack runs with (the `/it-help` form lists its systems). */
    config: TierflowConfig;
    sandbox: Sandbox | null;
    logger: Logger | null;
    runtimeMetricsAddress: string | null;
    stops: Stops;
  },
): Promise<RunningIntake> {
  const { sandbox, logger, runtimeMetricsAddress } = ctx;
  const metrics = createIntakeMetrics();
  // Who clicks a Slack button is checked against their Slack user groups (the emulator's in sandbox mode).
  const slackApiUrl = overrides.emulatorUrls?.slackApiUrl ?? sandbox?.slack.url;
  const slackDirectory =
    overrides.slackDirectory ?? (settings.sources.slack ? createSlackDirectory(ctx.clients?.slack ?? buildSlackClient(settings, slackApiUrl)) : undefined);
  const app = buildIntake(
    settings,
    ctx.client,
    {
      metrics,
      ...(logger ? { logger } : {}),
      ...(slackDirectory ? { slackDirectory } : {}),
      ...(sandbox ? { sandboxSnapshot: () => sandbox.snapshot() } : {}),
    },
    { ...(overrides.taskQueue ? { taskQueue: overrides.taskQueue } : {}), ...(overrides.gatewayTimeoutMs ? { timeoutMs: overrides.gatewayTimeoutMs } : {}) },
    ctx.config,
  );
  const url = await app.listen({ port: overrides.listen?.port ?? settings.port, host: settings.host });
  ctx.stops.add(() => app.close());

  const metricsAddress = overrides.listen?.metricsAddress === undefined ? settings.metricsAddress : overrides.listen.metricsAddress;
  if (metricsAddress === null) return { app, url, metricsApp: null, metricsUrl: null };
  // Prometheus: the intake's metrics and, in one process, the worker runtime's, on their own (loopback by default) listener.
  const metricsApp = createMetricsApp({
    metrics,
    ...(logger ? { logger } : {}),
    ...(runtimeMetricsAddress ? { extraMetrics: () => fetchRuntimeMetrics(runtimeMetricsAddress) } : {}),
    loopbackHostsOnly: settings.mode === 'sandbox',
  });
  const metricsUrl = await listenAt(metricsApp, metricsAddress);
  ctx.stops.add(() => metricsApp.close());
  return { app, url, metricsApp, metricsUrl };
}
