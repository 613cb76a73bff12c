/**
 * The Temporal server and its SQL tool, built from source with the local Go toolchain into a
 * git-ignored folder the first time and reused after (a stamp file records the version). The
 * module's own source (the PostgreSQL schemas) comes from the Go module cache.
 *
 * Why build: no Docker engine runs here, and the server ships no other installable form. Only
 * versions whose `go.mod` the local Go accepts can be built: v1.32.0 and v1.32.1 build with Go
 * 1.26.8, newer patch releases ask for a newer Go. v1.32.0 is the one run here because it is the
 * one docker-compose.yml can run: `temporalio/server:1.32.0` and `temporalio/admin-tools:1.32.0`
 * are published images (1.32.1's configuration templates and schemas are the same as 1.32.0's;
 * its fixes are in matching and replication).
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../config/settings.js';

/** The Temporal server version the cluster runs: docker-compose.yml runs the same (test/deploy/compose.test.ts checks). */
export const TEMPORAL_SERVER_VERSION = '1.32.0';
const MODULE = 'go.temporal.io/server';
/** Git-ignored (`.tools/` is in .gitignore). */
export const SERVER_TOOLS_DIR = join(PROJECT_ROOT, '.tools', 'temporal-server');
const STAMP = join(SERVER_TOOLS_DIR, 'stamp.json');

export interface ServerBinaries {
  /** `temporal-server` (built as `server`). */
  server: string;
  /** `temporal-sql-tool` (built as `sql`). */
  sql: string;
  /** The module's source folder: `schema/postgresql/v12/...`. */
  moduleDir: string;
  version: string;
  /** Whether this call built them (a cold start), and how long it took. */
  built: boolean;
  buildSeconds: number;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The version a binary reports (`temporal version 1.32.0`, `sql version 1.32.0`), or null. */
function reportedVersion(path: string): string | null {
  try {
    return /version\s+(\S+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** True when both binaries are there and of `version`: the stamp says so, or (no stamp yet) the binaries do. */
function upToDate(server: string, sql: string, version: string): boolean {
  if (!executable(server) || !executable(sql)) return false;
  if (existsSync(STAMP)) {
    try {
      return (JSON.parse(readFileSync(STAMP, 'utf8')) as { version?: string }).version === version;
    } catch {
      return false;
    }
  }
  const ok = reportedVersion(server) === version && reportedVersion(sql) === version;
  if (ok) writeStamp(version);
  return ok;
}

function writeStamp(version: string): void {
  writeFileSync(STAMP, `${JSON.stringify({ version, module: MODULE, builtWith: goVersion() }, null, 2)}\n`);
}

function goVersion(): string {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Runs `go` with its output on ours (a cold build takes minutes: the person waiting sees it move). */
function go(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => reject(new Error(`cannot run go (is the Go toolchain installed?): ${err.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go ${args.join(' ')} exited with code ${code}`))));
  });
}

/** The module's source folder in the module cache, downloading it if needed. */
export function moduleDir(version = TEMPORAL_SERVER_VERSION): string {
  try {
    const cached = join(execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(), `${MODULE}@v${version}`);
    if (existsSync(join(cached, 'schema'))) return cached;
  } catch {
    // No go env: the download below says why.
  }
  const out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@v${version}`], { encoding: 'utf8', cwd: SERVER_TOOLS_DIR });
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${MODULE}@v${version} gave no folder: ${out}`);
  return dir;
}

/**
 * The server and SQL tool of `version`: reused when the stamp says they are that version, built
 * with `go install` otherwise (≈ 5 min and ≈ 2.6 GB of memory on two cores).
 * @example const { server, sql, moduleDir } = await ensureServerBinaries(console.log);
 */
export async function ensureServerBinaries(log: (line: string) => void, version = TEMPORAL_SERVER_VERSION): Promise<ServerBinaries> {
  mkdirSync(SERVER_TOOLS_DIR, { recursive: true });
  const server = join(SERVER_TOOLS_DIR, 'server');
  const sql = join(SERVER_TOOLS_DIR, 'sql');
  let built = false;
  const started = Date.now();
  if (!upToDate(server, sql, version)) {
    log(`building Temporal server v${version} and temporal-sql-tool with ${goVersion()} into ${SERVER_TOOLS_DIR} (first run only: ≈ 5 min, ≈ 2.6 GB)`);
    await go(['install', `${MODULE}/cmd/server@v${version}`, `${MODULE}/cmd/tools/sql@v${version}`], { GOBIN: SERVER_TOOLS_DIR });
    const got = reportedVersion(server);
    if (got !== version) throw new Error(`the server built into ${SERVER_TOOLS_DIR} reports version ${got}, expected ${version}`);
    writeStamp(version);
    built = true;
  }
  return { server, sql, moduleDir: moduleDir(version), version, built, buildSeconds: (Date.now() - started) / 1000 };
}
