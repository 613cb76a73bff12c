/**
 * Standalone intake process (the compose stack runs it beside separate workers). Production mode
 * only: it refuses to start, naming every missing or weak variable, and listens on `HOST`
 * (loopback unless configured), with its Prometheus metrics on `METRICS_ADDRESS`.
 * `npm start` embeds the same app in one process with the worker and a dev server.
 */
import { pathToFileURL } from 'node:url';

import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';

import { buildSlackClient } from '../workers/clients.js';
import { createLogger } from '../workers/logger.js';
import { describeSettings, loadSettings, parseListenAddress, required, SettingsError, type Settings } from '../workers/settings.js';
import { createApp } from './app.js';
import type { IntakeDeps, IntakeOptions } from './deps.js';
import { createIntakeMetrics } from './metrics.js';
import { createMetricsApp } from './metrics-server.js';
import { createSlackDirectory } from './slack-directory.js';
import { createTemporalGateway } from './temporal-gateway.js';

/**
 * The intake options for `settings`: switched-off sources are left out (their routes answer 404),
 * sandbox mode answers loopback names only. In production every secret an enabled source needs is
 * there (`loadSettings` refused to start otherwise); `required` only narrows the types.
 */
export function intakeOptions(settings: Settings): IntakeOptions {
  const sandbox = settings.mode === 'sandbox';
  const { sources, slack, gitlab } = settings;
  return {
    intakeSecret: sandbox || !sources.webhook ? settings.intakeSecret : required(settings.intakeSecret, 'INTAKE_SECRET'),
    webhook: sources.webhook,
    apiToken: required(settings.apiToken, 'API_TOKEN'),
    publicUrl: settings.publicUrl ?? `http://localhost:${settings.port}`,
    ...(sources.slack ? { slack: { signingSecret: slack.signingSecret, helpChannel: required(slack.helpChannel, 'SLACK_HELP_CHANNEL') } } : {}),
    ...(sources.gitlab ? { gitlab: { webhookSecret: gitlab.webhookSecret, project: gitlab.project } } : {}),
    loopbackHostsOnly: sandbox,
  };
}

/**
 * Builds the intake app for the given settings and Temporal client. Slack and GitLab webhooks need
 * their secrets (`SLACK_SIGNING_SECRET`, `GITLAB_WEBHOOK_SECRET`): in sandbox mode, which has
 * none, those routes answer 401 naming the variable, and the sandbox is driven through
 * `POST /webhooks/requests` instead.
 */
export function buildIntake(settings: Settings, client: Client, extra: Partial<IntakeDeps> = {}): FastifyInstance {
  const logger = extra.logger ?? createLogger(settings.logLevel, 'tierflow-intake');
  return createApp({ gateway: createTemporalGateway(client), logger, options: intakeOptions(settings), ...extra });
}

/** Listens on a `host:port` address (as `METRICS_ADDRESS` gives it); answers the URL. */
export async function listenAt(app: FastifyInstance, address: string): Promise<string> {
  const at = parseListenAddress(address);
  if (!at) throw new Error(`not a host:port address: ${address}`);
  return app.listen({ host: at.host, port: at.port });
}

async function main(): Promise<void> {
  const settings = loadSettings(process.env, { entry: 'intake' });
  const logger = createLogger(settings.logLevel, 'tierflow-intake');
  logger.info({ settings: describeSettings(settings) }, 'starting intake');
  // Lazy: the intake starts (and answers 503) even while Temporal is still coming up.
  const connection = Connection.lazy({ address: required(settings.temporal.address, 'TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: settings.temporal.namespace });
  const metrics = createIntakeMetrics();
  // Who clicks a Slack button is checked against their Slack user groups (SLACK_BOT_TOKEN).
  const slackDirectory = settings.sources.slack ? { slackDirectory: createSlackDirectory(buildSlackClient(settings)) } : {};
  const app = buildIntake(settings, client, { logger, metrics, ...slackDirectory });
  const metricsApp = createMetricsApp({ metrics, logger });
  await listenAt(metricsApp, settings.metricsAddress);
  await app.listen({ port: settings.port, host: settings.host });
  const stop = async () => {
    await app.close();
    await metricsApp.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof SettingsError ? err.message : `tierflow intake failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
