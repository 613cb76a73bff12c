/**
 * The entrypoints as real processes: spawned with an environment of their own (none of the
 * developer's tierflow settings), their output kept, stopped the way a terminal or an orchestrator
 * stops them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../../../config/settings.js';

/** A process environment with no tierflow setting from ours, plus `settings`. */
export function envWith(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...settings };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running entrypoint. */
export interface EntryProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
  /**
   * Sends `signal` to the process group, as a terminal's Ctrl-C reaches every process of the
   * foreground job (npm, node and anything they started in that group).
   */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILLs the whole group if it still runs (test cleanup). */
  kill(): void;
}

/**
 * Starts `entry` (a path under the project root) as the Dockerfile does (`node --import tsx …`),
 * or `argv` as given. The process leads a process group of its own.
 */
export function startEntry(entry: string | string[], env: NodeJS.ProcessEnv): EntryProcess {
  const [command, ...args] = typeof entry === 'string' ? [process.execPath, '--import', 'tsx', entry] : entry;
  const child = spawn(command!, args, { env, cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    signalGroup: group,
    kill: () => group('SIGKILL'),
  };
}

/**
 * The command an npm script runs, as argv (e.g. `start`: `node --import tsx workers/main.ts`): what
 * npm runs after its `pre` script, without npm around it. `node` is this Node, other commands come
 * from node_modules/.bin.
 */
export function npmScriptArgv(name: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts[name] ?? '').trim().split(/\s+/);
  if (!command) throw new Error(`package.json has no "${name}" script`);
  return [command === 'node' ? process.execPath : join(PROJECT_ROOT, 'node_modules', '.bin', command), ...args];
}

/** Runs an entry to its exit (killed after `timeoutMs`, which fails the test). */
export async function runToExit(entry: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Exit> {
  const proc = startEntry(entry, env);
  const timer = setTimeout(() => proc.kill(), timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  if (exit.signal === 'SIGKILL') throw new Error(`${entry} was still running after ${timeoutMs} ms: it did not refuse to start`);
  return exit;
}

/** Polls `url` until it answers 2xx; fails when the process exits first or `timeoutMs` passes. */
export async function waitForHttp(url: string, proc: EntryProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`the process exited before ${url} answered:\n${proc.stdout}\n${proc.stderr}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${proc.stdout}\n${proc.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** pino's level numbers: 50 is `error`, 60 `fatal`. */
const ERROR_LEVEL = 50;

/**
 * What in a process's output says something went wrong while it stopped: error-level JSON log
 * lines, the SDK's complaints of two shutdowns, and any stack trace or "Error" text.
 */
export function troubleIn(output: string): string[] {
  return output.split('\n').filter((line) => {
    const trimmed = line.trim();
    if (!trimmed) return false;
    if (trimmed.startsWith('{')) {
      try {
        const entry = JSON.parse(trimmed) as { level?: number };
        if ((entry.level ?? 0) >= ERROR_LEVEL) return true;
      } catch {
        // Not a JSON log line: judged as text below.
      }
    }
    return /DRAINING|Cannot close connection|IllegalStateError|\bError\b|^\s+at /.test(trimmed);
  });
}

/** Local addresses listening on `port` (Linux /proc; IPv4 as dotted quad, IPv6 as hex). */
export function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [addr, p] = local.split(':');
      if (p !== hexPort || !addr) continue;
      found.push(
        addr.length === 8
          ? (addr.match(/../g) ?? [])
              .reverse()
              .map((b) => parseInt(b, 16))
              .join('.')
          : addr,
      );
    }
  }
  return found;
}
