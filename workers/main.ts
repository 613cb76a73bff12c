/**
 * `npm start`: the embedded default. One process runs a Temporal dev server (Web UI on, SQLite in
 * the data folder, our search attributes registered) unless TEMPORAL_ADDRESS is set, the worker,
 * the intake server and its metrics listener. With nothing configured (or TIERFLOW_SANDBOX=1) it
 * runs in sandbox mode, announced: Slack and GitLab are local emulators and everything binds
 * loopback. Anything else is production mode, which refuses to start with a gap in its settings.
 * Ctrl-C stops all of it in order (`shutdown.ts`).
 */
import { createLogger } from '../config/logger.js';
import { describeSettings, loadSettings, SANDBOX_API_TOKEN, SettingsError, type Settings } from '../config/settings.js';
import { stopOnSignals } from './shutdown.js';
import { startStack, type Stack } from './stack.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'embedded' });
  const logger = createLogger(settings.logLevel);
  const stack = await startStack(settings, { logger });
  stopOnSignals(stack, logger);
  logger.info({ settings: describeSettings(settings) }, 'tierflow is running');
  announce(stack, settings);
}

/** What is where, for the person who ran `npm start`. */
function announce(stack: Stack, settings: Settings): void {
  const intakeUrl = `http://localhost:${settings.port}`;
  console.log(`\n  tierflow intake   ${intakeUrl}   (POST /webhooks/requests, GET /requests, GET /requests/:id, GET /reports/sla)`);
  console.log(`  Metrics           ${stack.intake?.metricsUrl}/metrics`);
  if (stack.devServer?.uiUrl) console.log(`  Temporal UI       ${stack.devServer.uiUrl}   (data in ${settings.dataDir})`);
  else console.log(`  Temporal          ${stack.address}`);
  if (stack.sandbox) {
    const unsigned = settings.intakeSecret ? '' : 'unsigned JSON webhooks are accepted (INTAKE_SECRET unset); ';
    const token = settings.apiToken === SANDBOX_API_TOKEN ? `API token: "${SANDBOX_API_TOKEN}"` : 'API token: API_TOKEN';
    stack.logger?.warn({ mode: 'sandbox' }, `SANDBOX MODE: Slack and GitLab are local emulators, loopback only; ${unsigned}${token}. Not for real use.`);
    console.log(`  SANDBOX MODE: Slack and GitLab are local emulators; see what they received at ${intakeUrl}/sandbox`);
    console.log(`  Slack viewer      ${stack.sandbox.slack.viewerUrl}   (what tierflow posted: channels, threads, modals)`);
    console.log(`  Loopback only. ${unsigned ? 'Unsigned webhooks are accepted (INTAKE_SECRET unset); ' : ''}${token}`);
    console.log('  (configure Slack, GitLab and secrets for production mode: see README "Modes")');
  }
  console.log('  Ctrl-C stops everything.\n');
}

main().catch((err: unknown) => {
  // startStack has stopped whatever it had started.
  console.error(err instanceof SettingsError ? err.message : `tierflow failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
