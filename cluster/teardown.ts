/**
 * Leaves nothing behind: every process group, database and folder the cluster starts is registered
 * here, and torn down synchronously (so it also works from an `exit` handler) on `stop()`, on
 * SIGINT/SIGTERM/SIGHUP, and on an uncaught error. Steps run newest first; each is tried.
 *
 * Synchronous on purpose: a signal handler or an uncaught exception gives no time to await, and
 * `process.kill` of a process group, `pg_ctl stop -m immediate` and `rmSync` need none.
 */

type Step = { name: string; run: () => void };

const steps: Step[] = [];
let installed = false;

/**
 * Registers a teardown step; the returned function removes it (its owner stopped the thing itself).
 * @example const forget = onTeardown('temporal server', () => killGroup(pid));
 */
export function onTeardown(name: string, run: () => void): () => void {
  const step = { name, run };
  steps.push(step);
  return () => {
    const at = steps.indexOf(step);
    if (at >= 0) steps.splice(at, 1);
  };
}

/** Runs every registered step, newest first, and forgets them; failures are reported, not thrown. */
export function teardownNow(report: (line: string) => void = (line) => console.error(line)): void {
  for (const step of steps.splice(0).reverse()) {
    try {
      step.run();
    } catch (err) {
      report(`cluster teardown: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** SIGKILLs a process group (a child spawned `detached` leads its own); quiet when it is gone already. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

/**
 * Installs the handlers once: a signal tears down and exits 128+n, an uncaught error tears down
 * and exits 1, and a plain exit tears down whatever is still registered.
 */
export function installTeardownHandlers(log: (line: string) => void): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    log(`cluster: ${signal}: tearing everything down`);
    teardownNow(log);
    process.exit(128 + code);
  };
  process.once('SIGINT', () => onSignal('SIGINT', 2));
  process.once('SIGTERM', () => onSignal('SIGTERM', 15));
  process.once('SIGHUP', () => onSignal('SIGHUP', 1));
  const onError = (err: unknown) => {
    log(`cluster: uncaught error, tearing everything down: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    teardownNow(log);
    process.exit(1);
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('exit', () => teardownNow(log));
}
