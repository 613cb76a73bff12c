/**
 * How a tierflow process ends. On the first SIGINT or SIGTERM its stack stops in order (the intake
 * stops taking requests, the worker drains, the connections close, the dev server stops) and the
 * process exits 0. A worker that fails on its own stops the rest and exits 1. The SDK's own
 * shutdown-signal handling is off (`installRuntime`), so this is the only handler that acts.
 */
import type { Logger } from 'pino';

import type { Stack } from './stack.js';

/**
 * Stops `stack` on SIGINT/SIGTERM (a second signal while stopping changes nothing) or when its
 * worker fails, then exits.
 * @example stopOnSignals(await startStack(settings), logger);
 */
export function stopOnSignals(stack: Stack, logger: Logger): void {
  let stopping = false;
  const stopAndExit = async (reason: Record<string, unknown>, code: number) => {
    stopping = true;
    logger.info(reason, 'stopping');
    try {
      await stack.stop();
      logger.info('stopped');
      process.exit(code);
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) logger.info({ signal }, 'already stopping: the worker is draining');
    else void stopAndExit({ signal }, 0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  stack.worker?.done.then(
    () => void (stopping || stopAndExit({ reason: 'the worker stopped' }, 0)),
    (err: unknown) => {
      if (stopping) return;
      logger.error({ err }, 'the worker failed');
      void stopAndExit({ reason: 'the worker failed' }, 1);
    },
  );
}
