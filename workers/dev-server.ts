/**
 * Starts the Temporal CLI dev server as a child process and waits until it answers, instead of
 * relying on the SDK's 5-second start limit (which flakes on two busy cores).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

import { Connection } from '@temporalio/client';

import { CLI_TYPE, SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes.js';
import { resolveTemporalBinary } from './temporal-binaries.js';

export interface DevServerOptions {
  /** SQLite file for persistence; `null` keeps everything in memory. */
  dbFile: string | null;
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; `null` runs headless. */
  uiPort?: number | null;
  namespace?: string;
  /** How long to wait for the server to answer. */
  readyTimeoutMs?: number;
  /** File that receives the server's own log output; unset discards it. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  namespace: string;
  /** Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it is gone. */
  stop(): Promise<void>;
  /** Stops it, waits `downMs`, and starts it again on the same port and database file. */
  restart(downMs: number): Promise<void>;
}

/** Command-line flags that register our search attributes on a dev server. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(address: string, namespace: string, deadline: number, child: ChildProcess): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Temporal dev server exited with code ${child.exitCode} before it was ready`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} not ready in time: ${String(lastError)}`);
}

/**
 * Starts `temporal server start-dev` with our search attributes registered.
 * @example const server = await startDevServer({ dbFile: '.data/temporal.db', port: 7233, uiPort: 8233 });
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const binary = resolveTemporalBinary('cli', { env: opts.env });
  const namespace = opts.namespace ?? 'default';
  const port = opts.port || (await freePort());
  const executable = binary.path;
  if (!executable) return startDownloadedDevServer(opts, namespace, port);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  args.push('--namespace', namespace, ...searchAttributeFlags());
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  const uiPort = opts.uiPort === undefined ? null : opts.uiPort;
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));

  let output: number | 'ignore' = 'ignore';
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    output = openSync(opts.logFile, 'a');
  }
  const address = `127.0.0.1:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  return restartable(address, namespace, uiPort, () => spawnUntilReady(executable, args, output, { address, namespace, readyTimeoutMs }));
}

/** A dev server from the way it is started; `restart` stops it, waits, and starts it again the same way. */
async function restartable(address: string, namespace: string, uiPort: number | null, start: () => Promise<{ stop(): Promise<void> }>): Promise<DevServer> {
  let running = await start();
  return {
    address,
    namespace,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    stop: () => running.stop(),
    async restart(downMs) {
      await running.stop();
      await new Promise((r) => setTimeout(r, downMs));
      running = await start();
    },
  };
}

/**
 * Spawns the CLI and waits until it answers. The server gets a process group of its own, so the
 * terminal's Ctrl-C (sent to the whole foreground group) does not reach it: its owner stops it
 * last, after the worker has drained and the connections are closed. A process that exits without
 * stopping it (a crash) still takes it down.
 */
async function spawnUntilReady(
  binary: string,
  args: string[],
  output: number | 'ignore',
  at: { address: string; namespace: string; readyTimeoutMs: number },
): Promise<{ stop(): Promise<void> }> {
  const child = spawn(binary, args, { stdio: ['ignore', output, output], detached: true });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));
  try {
    await waitUntilReady(at.address, at.namespace, Date.now() + at.readyTimeoutMs, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/**
 * Last resort when no binary is installed: the SDK downloads the CLI (needs internet) and runs it.
 */
async function startDownloadedDevServer(opts: DevServerOptions, namespace: string, port: number): Promise<DevServer> {
  console.warn('[tierflow] no Temporal CLI found (npm run setup installs it); asking the SDK to download one');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const uiPort = opts.uiPort ?? null;
  const start = async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip: '127.0.0.1',
        port,
        namespace,
        ui: uiPort !== null,
        ...(uiPort !== null ? { uiPort } : {}),
        ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
        searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
      },
    });
    return { stop: () => env.teardown() };
  };
  return restartable(`127.0.0.1:${port}`, namespace, uiPort, start);
}
