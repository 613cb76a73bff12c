/**
 * The Temporal server process: `temporal-server --config-file <file> start` (all four services in
 * one process, as the compose stack's `temporalio/server` container runs them), in a process group
 * of its own so a SIGKILL takes all of it, its output appended to a log file in the run's folder.
 * Ready when the frontend's gRPC health check answers SERVING.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

import { Connection } from '@temporalio/client';

import { killGroup, onTeardown } from './teardown.js';

export interface ServerProcess {
  pid: number;
  /** SIGKILL to its process group; resolves once it is gone. */
  kill(): Promise<void>;
  readonly exited: Promise<void>;
}

/** Whether the frontend at `address` reports SERVING. */
export async function frontendServing(address: string): Promise<boolean> {
  let connection: Connection | null = null;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const answer = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
    return answer.status === 1; // SERVING
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Starts the server and waits until its frontend serves; on failure kills it and names the log.
 * @example const server = await startServerProcess({ binary, configFile, address: '127.0.0.1:7233', logFile });
 */
export async function startServerProcess(opts: {
  binary: string;
  configFile: string;
  address: string;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const out = openSync(opts.logFile, 'a');
  const child = spawn(opts.binary, ['--config-file', opts.configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  const pid = child.pid!;
  const forget = onTeardown('temporal server', () => killGroup(pid));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(forget);
  const kill = async () => {
    killGroup(pid);
    await exited;
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Temporal server exited (${child.exitCode ?? child.signalCode}) before it was ready; its log: ${opts.logFile}`);
    }
    if (await frontendServing(opts.address)) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`the Temporal server at ${opts.address} was not ready in time; its log: ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { pid, kill, exited };
}
