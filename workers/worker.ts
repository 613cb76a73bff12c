/**
 * The standalone worker (the compose stack runs it beside a standalone intake): production mode
 * only (`loadSettings` refuses sandbox mode and names every missing or weak variable:
 * TEMPORAL_ADDRESS, SLACK_BOT_TOKEN, SLACK_HELP_CHANNEL, GITLAB_TOKEN). Its runtime serves the
 * SDK's and the SLA metrics at WORKER_METRICS_ADDRESS/metrics. SIGINT/SIGTERM drain it, then close
 * its connections (`shutdown.ts`).
 */
import { createLogger } from '../config/logger.js';
import { describeSettings, loadSettings, SettingsError } from '../config/settings.js';
import { stopOnSignals } from './shutdown.js';
import { startStack } from './stack.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'worker' });
  const logger = createLogger(settings.logLevel, 'tierflow-worker');
  const stack = await startStack(settings, { logger });
  stopOnSignals(stack, logger);
  logger.info({ settings: describeSettings(settings) }, 'worker is running');
}

main().catch((err: unknown) => {
  console.error(err instanceof SettingsError ? err.message : `tierflow worker failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
