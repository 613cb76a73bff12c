/**
 * Standalone intake process (the compose stack runs it beside separate workers).
 * `npm start` embeds the same app in one process with the worker and a dev server.
 */
import { pathToFileURL } from 'node:url';

import { Client, Connection } from '@temporalio/client';

import { createLogger } from '../workers/logger.js';
import { describeSettings, loadSettings, type Settings } from '../workers/settings.js';
import { createApp, type IntakeDeps } from './app.js';
import { createTemporalGateway } from './temporal-gateway.js';

/**
 * Builds the intake app for the given settings and Temporal client. Slack and GitLab webhooks need
 * their secrets (`SLACK_SIGNING_SECRET`, `GITLAB_WEBHOOK_SECRET`) even in sandbox mode: without
 * them those routes answer 401 naming the variable, and the sandbox is driven through
 * `POST /webhooks/requests` instead.
 */
export function buildIntake(settings: Settings, client: Client, extra: Partial<IntakeDeps> = {}) {
  const logger = extra.logger ?? createLogger(settings.logLevel, 'tierflow-intake');
  return createApp({
    gateway: createTemporalGateway(client),
    logger,
    options: {
      intakeSecret: settings.intakeSecret,
      apiToken: settings.apiToken,
      publicUrl: settings.publicUrl ?? `http://localhost:${settings.port}`,
      slack: { signingSecret: settings.slack.signingSecret, helpChannel: settings.slack.helpChannel },
      gitlab: { webhookSecret: settings.gitlab.webhookSecret, project: settings.gitlab.project },
    },
    ...extra,
  });
}

async function main(): Promise<void> {
  const settings = loadSettings();
  if (!settings.temporal.address) throw new Error('TEMPORAL_ADDRESS is required for a standalone intake (npm start embeds one)');
  const logger = createLogger(settings.logLevel, 'tierflow-intake');
  logger.info({ settings: describeSettings(settings) }, 'starting intake');
  // Lazy: the intake starts (and answers 503) even while Temporal is still coming up.
  const connection = Connection.lazy({ address: settings.temporal.address });
  const client = new Client({ connection, namespace: settings.temporal.namespace });
  const app = buildIntake(settings, client, { logger });
  await app.listen({ port: settings.port, host: '0.0.0.0' });
  const stop = async () => {
    await app.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
