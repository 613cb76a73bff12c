/**
 * Everything a benchmark or fault scenario runs against, on loopback: a Temporal dev server
 * (headless; in memory or on a SQLite file), the Slack and GitLab emulators, a worker in a child
 * process (optionally with the floor workflow's worker beside tierflow's, `bench/floor/`), and the intake app with a real Temporal client (optionally through a proxy that can cut
 * Temporal off). Stops by itself: `close()` ends every process it started.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';

import { loadSettings, SETTINGS_VARIABLES, type Settings } from '../../config/settings.js';
import type { EffectLane } from '../../contracts/help-request.js';
import type { TierflowConfig } from '../../domain/config.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freePort } from '../../workers/dev-server.js';
import { WORKFLOW_BUNDLE_OPTIONS, type WorkerTuning } from '../../workers/help-desk-worker.js';
import { startStack as startParts, type Stack as Parts } from '../../workers/stack.js';
import { emulatorEnv, strongSecret } from './emulator-env.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import type { WorkerProcessMessage, WorkerProcessSpec } from './worker-process.js';

/** The intake's secrets: strong and fresh per process, as production requires. */
export const INTAKE_SECRET = strongSecret();
export const API_TOKEN = strongSecret();
export const HELP_CHANNEL = 'C0ITHELP';
export const TRACKER = 'gitlab-com/gl-security/corp/issue-tracker';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const FLOOR_WORKFLOWS_PATH = fileURLToPath(new URL('../floor/workflows.ts', import.meta.url));

export interface StackOptions {
  config: TierflowConfig;
  /** Use this running server instead of starting one (tests share theirs). */
  temporalAddress?: string;
  /** SQLite file of an owned dev server; unset keeps it in memory. */
  dbFile?: string;
  tuning?: WorkerTuning;
  /** Serve the worker's Prometheus metrics (SDK + SLA) on a loopback port. */
  workerMetrics?: boolean;
  /** Route the intake's Temporal client through a proxy the scenario can cut. */
  intakeProxy?: boolean;
  /** Deadline of each intake call to Temporal (the gateway's default otherwise). */
  gatewayTimeoutMs?: number;
  /** Task queue; a unique one by default so runs on a shared server never meet. */
  taskQueue?: string;
  /** Where the worker's own output goes: a file (default, in the OS temp folder) or `inherit`. */
  workerOutput?: 'file' | 'inherit';
  /** Also run the floor workflow (`bench/floor/`) in the worker process, on a task queue of its own. */
  floor?: boolean;
  /** Activities per second on the worker's Slack and GitLab lanes (default: the settings' defaults). */
  laneRates?: Record<EffectLane, number>;
  /** The emulators keep to Slack's and GitLab.com's rate limits (default: the sandbox's, on). */
  emulatorRateLimits?: boolean;
}

/** How a worker restart stops the running worker, and what it changes. */
export interface WorkerRestart {
  /** Default `SIGKILL`: the kill -9 of the fault harness. */
  signal?: NodeJS.Signals;
  /** The new worker's tuning (default: unchanged). */
  tuning?: WorkerTuning;
}

/** The worker child process. */
export interface WorkerProcess {
  pid: number;
  /** Resident set size now, in bytes (Linux `/proc`). */
  rssBytes(): number;
  /** Highest resident set size so far, in bytes. */
  peakRssBytes(): number;
  /** CPU time the process has used so far, user + system, all threads, in ms (Linux `/proc`). */
  cpuMs(): number;
  /** Sends a signal and waits until the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<void>;
}

export interface Stack {
  address: string;
  namespace: string;
  taskQueue: string;
  config: TierflowConfig;
  /** The worker's tuning now (a restart may change it). */
  readonly tuning: WorkerTuning;
  /** Activities per second on the worker's lanes; null: the settings' defaults. */
  laneRates: Record<EffectLane, number> | null;
  /** A client of its own, for raw `workflow.start` and for inspecting requests. */
  client: Client;
  sandbox: Sandbox;
  /** The intake, starting requests on the worker's task queue. */
  intakeUrl: string;
  app: FastifyInstance;
  /** Another intake on the same Temporal client, starting requests on `taskQueue`. */
  startIntake(taskQueue: string): Promise<string>;
  proxy: TcpProxy | null;
  worker: WorkerProcess;
  /** `host:port` of the worker's Prometheus endpoint, if asked for. */
  workerMetricsAddress: string | null;
  /** The file receiving the worker processes' output, if any (kept after `close`). */
  workerLog: string | null;
  /** The workflow bundles the worker process runs: tierflow's, and the floor's when asked for. */
  bundles: { tierflow: string; floor: string | null };
  /** The floor workflow's task queue, when the stack runs it. */
  floorTaskQueue: string | null;
  /** Stops the worker process (`SIGKILL` unless told) and starts a new one: a fresh cache and heap. */
  restartWorker(how?: WorkerRestart): Promise<WorkerProcess>;
  /** Stops the owned dev server, waits `downMs`, starts it again on the same port and file. */
  restartServer(downMs: number): Promise<void>;
  close(): Promise<void>;
}

const quiet = () => undefined;
const bundles = new Map<string, Promise<string>>();

/**
 * A workflow bundle, built once per process (tierflow's with the worker's own bundler options) and
 * written into `dir`, where the stack's worker processes read it.
 */
async function workflowBundlePath(dir: string, kind: 'tierflow' | 'floor'): Promise<string> {
  const options = kind === 'tierflow' ? WORKFLOW_BUNDLE_OPTIONS : { workflowsPath: FLOOR_WORKFLOWS_PATH };
  let code = bundles.get(kind);
  if (!code) {
    code = bundleWorkflowCode({ ...options, logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet } }).then(
      (b) => b.code,
    );
    bundles.set(kind, code);
  }
  const file = join(dir, `${kind}-workflow-bundle.js`);
  writeFileSync(file, await code);
  return file;
}

/** Clock ticks per second of `/proc/<pid>/stat` and `/proc/stat` times (`getconf CLK_TCK`; 100 on Linux in practice). */
let clockTicks: number | null = null;
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * The fields of a `/proc/<pid>/stat` line from field 3 (state) on, so field n is at index n − 3
 * (ppid 4 → 1, utime 14 → 11, stime 15 → 12). The command name before them is in parentheses and
 * may itself hold spaces and ')': they start after the last ')'.
 * @example procStatFields('42 (a) b) S 1 42 ...') // ['S', '1', '42', ...]
 */
export function procStatFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process (all its threads), in ms; NaN when it cannot be read. */
function readCpuMs(pid: number): number {
  try {
    const fields = procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

function readRss(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Our environment without any tierflow setting (a developer's shell may hold some), plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTINGS_VARIABLES.includes(name)));
  return { ...inherited, ...settings };
}

/**
 * Starts a worker process from `specFile` with the tierflow settings `env` (a production
 * environment, see `emulator-env.ts`) and waits until it polls. Its output (the SDK's warnings
 * about failed activity attempts, expected under faults) goes to `logFile`, or to ours if null.
 */
export async function spawnWorker(specFile: string, env: Record<string, string>, logFile: string | null, readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  // BENCH_WORKER_NODE_ARGS: extra Node flags for the worker (e.g. `--cpu-prof`), for profiling a run.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', WORKER_ENTRY, specFile], {
    env: childEnv(env),
    stdio: logFile ? ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a'), 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let peak = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker process did not become ready in time')), readyTimeoutMs);
    child.on('message', (message: WorkerProcessMessage) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve();
      else reject(new Error(`the worker process failed: ${message.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited with code ${code} before it was ready`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const pid = child.pid!;
  return {
    pid,
    exited,
    rssBytes() {
      const { rss, peak: hwm } = readRss(pid);
      peak = Math.max(peak, hwm);
      return rss;
    },
    peakRssBytes() {
      peak = Math.max(peak, readRss(pid).peak);
      return peak;
    },
    cpuMs: () => readCpuMs(pid),
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(force);
    },
  };
}

/**
 * The parent's settings: production, every secret strong, the intake's JSON source only (its
 * Slack and GitLab routes are off, as the benchmark drives `POST /webhooks/requests`).
 */
function parentSettings(temporalAddress: string | undefined, namespace: string): Settings {
  const env = {
    ...emulatorEnv({ ...(temporalAddress ? { temporalAddress } : {}), namespace, helpChannel: HELP_CHANNEL, project: TRACKER }),
    INTAKE_SECRET,
    API_TOKEN,
    PUBLIC_URL: 'http://tierflow.bench',
    TIERFLOW_SOURCES: 'webhook',
  };
  return loadSettings(env, { entry: 'embedded' });
}

/**
 * Starts the whole stack with `workers/stack.ts`: in this process the dev server (unless one is
 * given) and the emulators, then the worker process, then each intake as a stack of its own on the
 * intake's Temporal client (through the proxy when asked).
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'tierflow-bench-'));
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err: unknown) => console.error('bench: error while stopping', err));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const namespace = 'default';
    const settings = parentSettings(opts.temporalAddress, namespace);
    const base: Parts = await startParts(settings, {
      parts: { sandbox: true, worker: false, schedules: false, intake: false },
      config: opts.config,
      ...(opts.emulatorRateLimits === undefined ? {} : { sandbox: { rateLimits: opts.emulatorRateLimits } }),
      devServer: { dbFile: opts.dbFile ?? null, port: await freePort(), uiPort: null, readyTimeoutMs: 90_000, logFile: undefined },
      logger: null,
    });
    stops.push(() => base.stop());
    const { client, devServer } = base;
    const sandbox = base.sandbox!;
    const address = base.address!;

    const taskQueue = opts.taskQueue ?? `tierflow-bench-${process.pid}-${Date.now().toString(36)}`;
    const floorTaskQueue = opts.floor ? `${taskQueue}-floor` : null;
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify(opts.config));
    const workerMetricsAddress = opts.workerMetrics ? `127.0.0.1:${await freePort()}` : null;
    const tierflowBundle = await workflowBundlePath(dir, 'tierflow');
    const floorBundle = floorTaskQueue ? await workflowBundlePath(dir, 'floor') : null;
    let spec: WorkerProcessSpec = {
      taskQueue,
      configFile,
      bundlePath: tierflowBundle,
      metrics: workerMetricsAddress !== null,
      tuning: opts.tuning ?? {},
      ...(floorTaskQueue && floorBundle ? { floor: { taskQueue: floorTaskQueue, bundlePath: floorBundle } } : {}),
    };
    // A standalone worker's production settings, with Slack and GitLab at the emulators.
    const workerEnv = {
      ...emulatorEnv({
        temporalAddress: address,
        namespace,
        slackApiUrl: sandbox.slack.url,
        gitlabUrl: sandbox.gitlab.url,
        helpChannel: HELP_CHANNEL,
        project: TRACKER,
      }),
      ...(workerMetricsAddress ? { WORKER_METRICS_ADDRESS: workerMetricsAddress } : {}),
      ...(opts.laneRates ? { SLACK_ACTIVITIES_PER_SECOND: String(opts.laneRates.slack), GITLAB_ACTIVITIES_PER_SECOND: String(opts.laneRates.gitlab) } : {}),
    };
    const specFile = join(dir, 'worker.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const workerLog = opts.workerOutput === 'inherit' ? null : join(tmpdir(), `tierflow-bench-worker-${process.pid}-${Date.now().toString(36)}.log`);
    let worker = await spawnWorker(specFile, workerEnv, workerLog);
    stops.push(() => worker.kill('SIGTERM'));

    const proxy = opts.intakeProxy ? await startTcpProxy(address) : null;
    if (proxy) stops.push(() => proxy.close());
    const intakeConnection = await Connection.connect({ address: proxy?.address ?? address });
    stops.push(() => intakeConnection.close());
    const intakeClient = new Client({ connection: intakeConnection, namespace });
    const startIntake = async (queue: string) => {
      const intake = await startParts(settings, {
        parts: { sandbox: false, worker: false, schedules: false, intake: true },
        config: opts.config,
        temporal: { client: intakeClient },
        taskQueue: queue,
        ...(opts.gatewayTimeoutMs ? { gatewayTimeoutMs: opts.gatewayTimeoutMs } : {}),
        listen: { port: 0, metricsAddress: null },
        logger: null,
      });
      stops.push(() => intake.stop());
      return intake.intake!;
    };
    const { app, url: intakeUrl } = await startIntake(taskQueue);

    return {
      address,
      namespace,
      taskQueue,
      config: opts.config,
      get tuning() {
        return spec.tuning;
      },
      laneRates: opts.laneRates ?? null,
      client,
      sandbox,
      intakeUrl,
      app,
      startIntake: async (queue) => (await startIntake(queue)).url,
      proxy,
      get worker() {
        return worker;
      },
      workerMetricsAddress,
      workerLog,
      bundles: { tierflow: tierflowBundle, floor: floorBundle },
      floorTaskQueue,
      async restartWorker(how = {}) {
        await worker.kill(how.signal ?? 'SIGKILL');
        if (how.tuning) {
          spec = { ...spec, tuning: how.tuning };
          writeFileSync(specFile, JSON.stringify(spec));
        }
        worker = await spawnWorker(specFile, workerEnv, workerLog);
        return worker;
      },
      async restartServer(downMs) {
        if (!devServer) throw new Error('restartServer needs a dev server owned by the stack');
        await devServer.restart(downMs);
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
