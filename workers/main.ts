/**
 * `npm start`: the embedded default. One process runs a Temporal dev server (Web UI on, SQLite in
 * the data folder, our search attributes registered) unless TEMPORAL_ADDRESS is set, the worker,
 * the intake server and its metrics listener. With nothing configured (or TIERFLOW_SANDBOX=1) it
 * runs in sandbox mode, announced: Slack and GitLab are local emulators and everything binds
 * loopback. Anything else is production mode, which refuses to start with a gap in its settings.
 * Ctrl-C stops all of it cleanly.
 */
import { join } from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import { createIntakeMetrics } from '../intake/metrics.js';
import { createMetricsApp } from '../intake/metrics-server.js';
import { buildIntake, listenAt } from '../intake/server.js';
import { createSlackDirectory } from '../intake/slack-directory.js';
import { loadConfig } from '../registry/load.js';
import { startSandbox, usergroupsFor } from '../sandbox/index.js';
import { buildClients } from './clients.js';
import { freePort, startDevServer, type DevServer } from './dev-server.js';
import { createLogger } from './logger.js';
import { fetchRuntimeMetrics, installRuntimeMetrics } from './metrics.js';
import { mentionedGroups } from './sandbox-groups.js';
import { ensureSchedules } from './schedules.js';
import { describeSettings, loadSettings, required, SANDBOX_API_TOKEN, SettingsError } from './settings.js';
import { createHelpDeskWorker } from './worker.js';

/** What to stop on the way out, newest first. */
const stops: Array<() => Promise<unknown>> = [];

async function stopAll(onError: (err: unknown) => void): Promise<void> {
  for (const stop of stops.splice(0)) await stop().catch(onError);
}

async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'embedded' });
  const logger = createLogger(settings.logLevel);
  // First, before any connection: the SDK's and the workflows' metrics, appended to the metrics listener's.
  const workerMetricsAddress = `127.0.0.1:${await freePort()}`;
  installRuntimeMetrics({ bindAddress: workerMetricsAddress });
  const config = loadConfig(settings.configDir ?? undefined);
  for (const warning of config.warnings) logger.warn(warning);

  const sandboxMode = settings.mode === 'sandbox';
  const sandbox = sandboxMode ? await startSandbox({ project: settings.gitlab.project, usergroups: usergroupsFor(mentionedGroups(config)) }) : null;
  if (sandbox) stops.unshift(() => sandbox.close());

  let devServer: DevServer | null = null;
  let address = settings.temporal.address;
  if (!address) {
    devServer = await startDevServer({
      dbFile: join(settings.dataDir, 'temporal.db'),
      port: 7233,
      uiPort: settings.temporal.uiPort,
      namespace: settings.temporal.namespace,
      logFile: join(settings.dataDir, 'temporal.log'),
    });
    address = devServer.address;
    const server = devServer;
    stops.unshift(() => server.stop());
  }

  // Sandbox mode: both Slack and GitLab are the emulators (never one real, one emulated).
  const clients = buildClients(settings, sandbox ? { slackApiUrl: sandbox.slack.url, gitlabUrl: sandbox.gitlab.url } : {});
  const connection = await Connection.connect({ address });
  stops.unshift(() => connection.close());
  const client = new Client({ connection, namespace: settings.temporal.namespace });
  await ensureSchedules(client);
  const nativeConnection = await NativeConnection.connect({ address });
  stops.unshift(() => nativeConnection.close());
  const worker = await createHelpDeskWorker({
    connection: nativeConnection,
    namespace: settings.temporal.namespace,
    deps: { config, ...clients, client, helpChannel: required(settings.slack.helpChannel, 'SLACK_HELP_CHANNEL'), gitlabProject: settings.gitlab.project },
  });
  const workerDone = worker.run();
  stops.unshift(async () => {
    // The SDK drains the worker on SIGINT/SIGTERM by itself; shutting down a draining worker throws.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone;
  });

  const metrics = createIntakeMetrics();
  const app = buildIntake(settings, client, {
    logger,
    metrics,
    // Who clicks a Slack button is checked against their Slack user groups (the emulator's in sandbox mode).
    slackDirectory: createSlackDirectory(clients.slack),
    ...(sandbox ? { sandboxSnapshot: () => sandbox.snapshot() } : {}),
  });
  await app.listen({ port: settings.port, host: settings.host });
  stops.unshift(() => app.close());
  // Prometheus: the intake's metrics and the worker runtime's, on their own (loopback by default) listener.
  const metricsApp = createMetricsApp({ metrics, logger, extraMetrics: () => fetchRuntimeMetrics(workerMetricsAddress), loopbackHostsOnly: sandboxMode });
  const metricsUrl = await listenAt(metricsApp, settings.metricsAddress);
  stops.unshift(() => metricsApp.close());

  logger.info({ settings: describeSettings(settings) }, 'tierflow is running');
  const intakeUrl = `http://localhost:${settings.port}`;
  console.log(`\n  tierflow intake   ${intakeUrl}   (POST /webhooks/requests, GET /requests/:id)`);
  console.log(`  Metrics           ${metricsUrl}/metrics`);
  if (devServer?.uiUrl) console.log(`  Temporal UI       ${devServer.uiUrl}   (data in ${settings.dataDir})`);
  else console.log(`  Temporal          ${address}`);
  if (sandbox) {
    const unsigned = settings.intakeSecret ? '' : 'unsigned JSON webhooks are accepted (INTAKE_SECRET unset); ';
    const token = settings.apiToken === SANDBOX_API_TOKEN ? `API token: "${SANDBOX_API_TOKEN}"` : 'API token: API_TOKEN';
    logger.warn({ mode: 'sandbox' }, `SANDBOX MODE: Slack and GitLab are local emulators, loopback only; ${unsigned}${token}. Not for real use.`);
    console.log(`  SANDBOX MODE: Slack and GitLab are local emulators; see what they received at ${intakeUrl}/sandbox`);
    console.log(`  Loopback only. ${unsigned ? 'Unsigned webhooks are accepted (INTAKE_SECRET unset); ' : ''}${token}`);
    console.log('  (configure Slack, GitLab and secrets for production mode: see README "Modes")');
  }
  console.log('  Ctrl-C stops everything.\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stopAll((err) => logger.error({ err }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch(async (err) => {
  console.error(err instanceof SettingsError ? err.message : `tierflow failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(() => undefined);
  process.exit(1);
});
