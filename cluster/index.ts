/**
 * A production-shaped Temporal cluster on this machine, without Docker: the Temporal server (built
 * from source once, `binaries.ts`) on a scratch PostgreSQL (`postgres.ts`) with the schemas applied
 * by temporal-sql-tool (`schema.ts`), configured like the compose stack (`server-config.ts`: 4
 * history shards, SQL visibility, the compose dynamic config), the namespace and tierflow's search
 * attributes created as the compose one-shots do (`namespace.ts`). Everything lives in one temp
 * folder and is torn down on `stop()`, on a signal or on an uncaught error (`teardown.ts`).
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureServerBinaries } from './binaries.js';
import { setupNamespace } from './namespace.js';
import { startPostgres } from './postgres.js';
import { setupSchemas } from './schema.js';
import { HISTORY_SHARDS, pickServerPorts, renderServerConfig } from './server-config.js';
import { startServerProcess, type ServerProcess } from './server.js';
import { installTeardownHandlers, onTeardown, teardownNow } from './teardown.js';

export interface ClusterOptions {
  namespace?: string;
  log?: (line: string) => void;
  /** The server's log level (default `warn`). */
  serverLogLevel?: string;
}

/** Seconds each step of `startCluster` took. */
export interface ClusterTimings {
  binaries: number;
  /** True when the binaries were built (a cold start). */
  built: boolean;
  postgres: number;
  schemas: number;
  server: number;
  namespace: number;
}

export interface Cluster {
  /** The frontend, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  version: string;
  shards: number;
  /** The run's temp folder (PostgreSQL's data, the server's config and log, the processes' logs). */
  dir: string;
  /** Where the processes of a run write their logs (inside `dir`). */
  logDir: string;
  serverLog: string;
  postgresLog: string;
  timings: ClusterTimings;
  /** SIGKILLs the server, waits `downMs`, starts it again on the same database; answers the downtime in ms. */
  restartServer(downMs?: number): Promise<number>;
  /** Copies every log of the run out of the temp folder (before `stop` removes it); answers the new folder. */
  keepLogs(): string;
  /** The Temporal server process's pid now (`restartServer` replaces it). */
  serverPid(): number | null;
  /** PostgreSQL's postmaster, the parent of its backends. */
  postgresPid(): number | null;
  /** Tears everything down (server, PostgreSQL, the temp folder). Idempotent. */
  stop(): void;
}

const seconds = (since: number) => (Date.now() - since) / 1000;

/**
 * Brings the cluster up, ready for workers: namespace and search attributes in place.
 * @example
 * const cluster = await startCluster({ log: console.error });
 * // TEMPORAL_ADDRESS=cluster.address ...
 * cluster.stop();
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const namespace = opts.namespace ?? 'default';
  installTeardownHandlers(log);

  let t = Date.now();
  const binaries = await ensureServerBinaries(log);
  const timings: ClusterTimings = { binaries: seconds(t), built: binaries.built, postgres: 0, schemas: 0, server: 0, namespace: 0 };

  const dir = mkdtempSync(join(tmpdir(), 'tierflow-cluster-'));
  // PostgreSQL runs as `postgres`, which must be able to reach its folder inside this one.
  chmodSync(dir, 0o755);
  onTeardown('temp folder', () => rmSync(dir, { recursive: true, force: true }));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  let server: ServerProcess | null = null;
  try {
    t = Date.now();
    const pg = await startPostgres(dir);
    timings.postgres = seconds(t);
    log(`cluster: PostgreSQL on 127.0.0.1:${pg.port} (${seconds(t).toFixed(1)} s)`);

    t = Date.now();
    setupSchemas(binaries.sql, binaries.moduleDir, pg);
    timings.schemas = seconds(t);
    log(`cluster: schemas applied to temporal and temporal_visibility (${seconds(t).toFixed(1)} s)`);

    const ports = await pickServerPorts();
    const configFile = join(dir, 'temporal-server.yaml');
    writeFileSync(configFile, renderServerConfig({ pg, ports, ...(opts.serverLogLevel ? { logLevel: opts.serverLogLevel } : {}) }));
    const address = `127.0.0.1:${ports.services.frontend.grpc}`;
    const serverLog = join(logDir, 'temporal-server.log');
    const start = () => startServerProcess({ binary: binaries.server, configFile, address, logFile: serverLog });
    t = Date.now();
    server = await start();
    timings.server = seconds(t);
    log(`cluster: Temporal server v${binaries.version} serving at ${address} (${seconds(t).toFixed(1)} s; log ${serverLog})`);

    t = Date.now();
    await setupNamespace(address, namespace);
    timings.namespace = seconds(t);
    log(`cluster: namespace ${namespace} and tierflow's search attributes ready (${seconds(t).toFixed(1)} s)`);

    return {
      address,
      namespace,
      version: binaries.version,
      shards: HISTORY_SHARDS,
      dir,
      logDir,
      serverLog,
      postgresLog: pg.logFile,
      timings,
      async restartServer(downMs = 0) {
        const killedAt = Date.now();
        await server?.kill();
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        server = await start();
        return Date.now() - killedAt;
      },
      serverPid: () => server?.pid ?? null,
      postgresPid: () => pg.pid(),
      keepLogs: () => copyLogs(logDir, pg.logFile),
      stop: () => teardownNow(log),
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const kept = copyLogs(logDir, join(dir, 'postgres', 'postgres.log'));
    teardownNow(log);
    throw new Error(`the cluster did not come up: ${message}${kept ? ` (logs kept in ${kept})` : ''}`, { cause: err });
  }
}

/** Copies the run's logs (and PostgreSQL's) to a folder of their own that outlives the teardown. */
function copyLogs(logDir: string, postgresLog: string): string {
  const kept = join(tmpdir(), `tierflow-cluster-logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(kept, { recursive: true });
  if (existsSync(logDir)) for (const name of readdirSync(logDir)) cpSync(join(logDir, name), join(kept, name), { recursive: true });
  if (existsSync(postgresLog)) cpSync(postgresLog, join(kept, 'postgres.log'));
  return kept;
}
