/**
 * tierflow's processes of the scale-out run, each its own OS process against the cluster:
 * workers (the benchmark's worker process, `bench/support/worker-process.ts`: the standalone
 * worker's stack and settings checks, with a pre-built workflow bundle and the run's registry, so
 * a restart takes seconds) and intakes (the standalone `workers/intake.ts`, production mode, on a
 * fixed loopback port each so the balancer in front finds a restarted one). A process that exits
 * when nobody killed it is counted and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT, SETTINGS_VARIABLES } from '../config/settings.js';
import { spawnWorker, type WorkerProcess } from '../bench/support/stack.js';
import { sleep } from '../bench/support/load.js';
import { onTeardown } from './teardown.js';

export type Kind = 'worker' | 'intake';

interface Running {
  pid: number;
  exited: Promise<void>;
  kill(): Promise<void>;
}

export interface FleetOptions {
  workers: number;
  intakes: number;
  /** The worker processes' spec file (task queue, registry, bundle) and settings. */
  workerSpecFile: string;
  workerEnv: Record<string, string>;
  /** Settings of every intake; each gets its own PORT and METRICS_ADDRESS. */
  intakeEnv: Record<string, string>;
  intakePorts: number[];
  intakeMetricsPorts: number[];
  logDir: string;
  log: (line: string) => void;
}

export interface Fleet {
  intakePorts: number[];
  /** Slots by kind: how many of each run. */
  size: Record<Kind, number>;
  /** SIGKILLs the process in a slot and starts a new one there; resolves once the new one is ready. */
  killAndRestart(kind: Kind, slot: number): Promise<{ pid: number; readyMs: number }>;
  /** The pids of the processes of a kind running now (a slot being restarted holds its old one until the new one is ready). */
  pids(kind: Kind): number[];
  /** Processes that exited without being killed by us (each was restarted). */
  readonly unplannedExits: ReadonlyArray<{ kind: Kind; slot: number; pid: number }>;
  stop(): Promise<void>;
}

const INTAKE_ENTRY = join(PROJECT_ROOT, 'workers', 'intake.ts');

/** Our environment without any tierflow setting (a developer's shell may hold some), plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTINGS_VARIABLES.includes(name))), ...settings };
}

async function startIntake(env: Record<string, string>, port: number, logFile: string): Promise<Running> {
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', INTAKE_ENTRY], {
    cwd: PROJECT_ROOT,
    env: childEnv(env),
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`an intake exited (${child.exitCode ?? child.signalCode}) before it was ready; its log: ${logFile}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`an intake on port ${port} was not ready in 60 s; its log: ${logFile}`);
    }
    await sleep(200);
  }
  return { pid: child.pid!, exited, kill };
}

function fromWorker(worker: WorkerProcess): Running {
  return { pid: worker.pid, exited: worker.exited, kill: () => worker.kill('SIGKILL') };
}

/**
 * Starts every process and keeps them running until `stop()`.
 * @example const fleet = await startFleet({ workers: 3, intakes: 2, ... });
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const slots: Record<Kind, Array<Running | null>> = { worker: Array(opts.workers).fill(null), intake: Array(opts.intakes).fill(null) };
  const planned = new Set<number>();
  const unplannedExits: Array<{ kind: Kind; slot: number; pid: number }> = [];
  let stopping = false;

  const start = async (kind: Kind, slot: number): Promise<Running> => {
    const logFile = join(opts.logDir, `${kind}-${slot + 1}.log`);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const running =
          kind === 'worker'
            ? fromWorker(await spawnWorker(opts.workerSpecFile, opts.workerEnv, logFile))
            : await startIntake(
                { ...opts.intakeEnv, PORT: String(opts.intakePorts[slot]), METRICS_ADDRESS: `127.0.0.1:${opts.intakeMetricsPorts[slot]}` },
                opts.intakePorts[slot]!,
                logFile,
              );
        const forget = onTeardown(`${kind} ${slot + 1}`, () => {
          try {
            process.kill(running.pid, 'SIGKILL');
          } catch {
            // Gone already.
          }
        });
        slots[kind][slot] = running;
        void running.exited.then(() => {
          forget();
          if (stopping || planned.delete(running.pid)) return;
          unplannedExits.push({ kind, slot, pid: running.pid });
          opts.log(`${kind} ${slot + 1} (pid ${running.pid}) exited on its own; starting it again`);
          void start(kind, slot).catch((err: unknown) => opts.log(`${kind} ${slot + 1} could not be started again: ${String(err)}`));
        });
        return running;
      } catch (err) {
        // E.g. the Temporal server was restarting while a worker connected: try again, a few times.
        if (stopping || attempt >= 5) throw err;
        opts.log(`${kind} ${slot + 1} did not start (attempt ${attempt}): ${err instanceof Error ? err.message : String(err)}; retrying`);
        await sleep(2_000);
      }
    }
  };

  await Promise.all([...slots.worker.keys()].map((slot) => start('worker', slot)));
  await Promise.all([...slots.intake.keys()].map((slot) => start('intake', slot)));

  return {
    intakePorts: opts.intakePorts,
    size: { worker: opts.workers, intake: opts.intakes },
    async killAndRestart(kind, slot) {
      const victim = slots[kind][slot];
      if (victim) {
        planned.add(victim.pid);
        await victim.kill();
      }
      const t0 = Date.now();
      const running = await start(kind, slot);
      return { pid: running.pid, readyMs: Date.now() - t0 };
    },
    pids: (kind) => slots[kind].flatMap((running) => (running ? [running.pid] : [])),
    unplannedExits,
    async stop() {
      stopping = true;
      await Promise.all([...slots.worker, ...slots.intake].map((running) => running?.kill()));
    },
  };
}
