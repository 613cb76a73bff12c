/**
 * The standalone intake (the compose stack runs it beside separate workers). Production mode only:
 * it refuses to start, naming every missing or weak variable, and listens on `HOST` (loopback
 * unless configured), with its Prometheus metrics on `METRICS_ADDRESS`. It connects to Temporal
 * lazily, so it starts (and answers 503) while Temporal is still coming up. `npm start` runs the
 * same app in one process with the worker and a dev server.
 */
import { createLogger } from '../config/logger.js';
import { describeSettings, loadSettings, SettingsError } from '../config/settings.js';
import { stopOnSignals } from './shutdown.js';
import { startStack } from './stack.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'intake' });
  const logger = createLogger(settings.logLevel, 'tierflow-intake');
  logger.info({ settings: describeSettings(settings) }, 'starting intake');
  const stack = await startStack(settings, { logger });
  stopOnSignals(stack, logger);
}

main().catch((err: unknown) => {
  console.error(err instanceof SettingsError ? err.message : `tierflow intake failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
