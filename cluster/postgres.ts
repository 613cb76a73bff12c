/**
 * A scratch PostgreSQL cluster for one run: its own data folder in the run's temp folder, a free
 * loopback port, its socket in that folder too, trust authentication on loopback (nothing else can
 * reach it). Debian's server binaries (`/usr/lib/postgresql/<n>/bin`, or `PG_BIN`). PostgreSQL
 * refuses to run as root, so when we are root, initdb and pg_ctl run as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freeLoopbackPorts } from './ports.js';
import { killGroup, onTeardown } from './teardown.js';

/** The database user Temporal connects as (the compose stack's `POSTGRES_USER`). */
export const PG_USER = 'temporal';
export const PG_PASSWORD = 'temporal';

export interface ScratchPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Its server log. */
  logFile: string;
  /** `pg_ctl stop -m immediate`; idempotent. */
  stop(): void;
}

/** The cluster `startPostgres` runs: its connection, and its process. */
export interface RunningPostgres extends ScratchPostgres {
  /** The postmaster's pid (the parent of every backend), or null while it is not running. */
  pid(): number | null;
}

/** The newest installed server's binaries, or `PG_BIN`. */
export function postgresBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server found under ${root} (apt-get install postgresql, or set PG_BIN)`);
  return join(root, versions[0]!, 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the `postgres` user when we are root. */
function asPostgres(bin: string, args: string[]): string {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

function ownedByPostgres(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (!isRoot()) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  chmodSync(dir, 0o700);
}

/** The postmaster's pid: the first line of `postmaster.pid` in the data folder; null without one. */
function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * initdb + pg_ctl start in `dir` (which must be traversable by `postgres`); registers its teardown.
 * @example const pg = await startPostgres('/tmp/tierflow-cluster-x'); // pg.port, later pg.stop()
 */
export async function startPostgres(dir: string): Promise<RunningPostgres> {
  const bin = postgresBin();
  const root = join(dir, 'postgres');
  const data = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  ownedByPostgres(root);
  asPostgres(join(bin, 'initdb'), ['-D', data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const [port] = await freeLoopbackPorts(1);
  // Enough connections for every Temporal service's pools (20 + 10 per store, per service) and the SQL tool.
  const options = [`-c listen_addresses=127.0.0.1`, `-c port=${port!}`, `-c unix_socket_directories=${root}`, '-c max_connections=300'];
  const pid = () => postmasterPid(data);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgres(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
    } catch {
      // pg_ctl could not: kill the postmaster and its children.
      const postmaster = pid();
      if (postmaster) killGroup(postmaster);
    }
  };
  const forget = onTeardown('postgres', stop);
  try {
    asPostgres(join(bin, 'pg_ctl'), ['start', '-D', data, '-l', logFile, '-w', '-t', '60', '-o', options.join(' ')]);
  } catch (err) {
    stop();
    forget();
    throw new Error(`PostgreSQL did not start (log: ${logFile}): ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    host: '127.0.0.1',
    port: port!,
    user: PG_USER,
    password: PG_PASSWORD,
    logFile,
    pid,
    stop: () => {
      stop();
      forget();
    },
  };
}
