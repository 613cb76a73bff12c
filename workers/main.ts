/**
 * `npm start`: the embedded default. One process runs a Temporal dev server (Web UI on, SQLite in
 * the data folder, our search attributes registered) unless TEMPORAL_ADDRESS is set, the worker,
 * and the intake server; Slack and GitLab are local emulators when their credentials are absent.
 * Ctrl-C stops all of it cleanly.
 */
import { join } from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import { buildIntake } from '../intake/server.js';
import { loadConfig } from '../registry/load.js';
import { startSandbox, usergroupsFor } from '../sandbox/index.js';
import { buildClients } from './clients.js';
import { freePort, startDevServer, type DevServer } from './dev-server.js';
import { createLogger } from './logger.js';
import { fetchRuntimeMetrics, installRuntimeMetrics } from './metrics.js';
import { mentionedGroups } from './sandbox-groups.js';
import { ensureSchedules } from './schedules.js';
import { describeSettings, loadSettings } from './settings.js';
import { createHelpDeskWorker } from './worker.js';

/** What to stop on the way out, newest first. */
const stops: Array<() => Promise<unknown>> = [];

async function stopAll(onError: (err: unknown) => void): Promise<void> {
  for (const stop of stops.splice(0)) await stop().catch(onError);
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const logger = createLogger(settings.logLevel);
  // First, before any connection: the SDK's and the workflows' metrics, appended to the intake's /metrics.
  const workerMetricsAddress = `127.0.0.1:${await freePort()}`;
  installRuntimeMetrics({ bindAddress: workerMetricsAddress });
  const config = loadConfig(settings.configDir ?? undefined);
  for (const warning of config.warnings) logger.warn(warning);

  const sandboxed = settings.slack.sandbox || settings.gitlab.sandbox;
  const sandbox = sandboxed ? await startSandbox({ project: settings.gitlab.project, usergroups: usergroupsFor(mentionedGroups(config)) }) : null;
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

  const clients = buildClients(settings, {
    ...(settings.slack.sandbox && sandbox ? { slackApiUrl: sandbox.slack.url } : {}),
    ...(settings.gitlab.sandbox && sandbox ? { gitlabUrl: sandbox.gitlab.url } : {}),
  });
  const connection = await Connection.connect({ address });
  stops.unshift(() => connection.close());
  const client = new Client({ connection, namespace: settings.temporal.namespace });
  await ensureSchedules(client);
  const nativeConnection = await NativeConnection.connect({ address });
  stops.unshift(() => nativeConnection.close());
  const worker = await createHelpDeskWorker({
    connection: nativeConnection,
    namespace: settings.temporal.namespace,
    deps: { config, ...clients, client, helpChannel: settings.slack.helpChannel, gitlabProject: settings.gitlab.project },
  });
  const workerDone = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await workerDone;
  });

  const app = buildIntake(settings, client, {
    logger,
    extraMetrics: () => fetchRuntimeMetrics(workerMetricsAddress),
    ...(sandbox ? { sandboxSnapshot: () => sandbox.snapshot() } : {}),
  });
  await app.listen({ port: settings.port, host: '127.0.0.1' });
  stops.unshift(() => app.close());

  logger.info({ settings: describeSettings(settings) }, 'tierflow is running');
  const intakeUrl = `http://localhost:${settings.port}`;
  console.log(`\n  tierflow intake   ${intakeUrl}   (POST /webhooks/requests, GET /requests/:id)`);
  if (devServer?.uiUrl) console.log(`  Temporal UI       ${devServer.uiUrl}   (data in ${settings.dataDir})`);
  else console.log(`  Temporal          ${address}`);
  if (sandbox) {
    const parts = [settings.slack.sandbox ? 'Slack' : null, settings.gitlab.sandbox ? 'GitLab' : null].filter(Boolean).join(' and ');
    console.log(`  SANDBOX MODE: ${parts} are local emulators (no credentials set); see what they received at ${intakeUrl}/sandbox`);
    if (!settings.intakeSecret) console.log('  Unsigned webhooks are accepted (INTAKE_SECRET unset); API token: "sandbox"');
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
  console.error(`tierflow failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(() => undefined);
  process.exit(1);
});
