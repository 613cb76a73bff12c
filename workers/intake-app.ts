/**
 * The intake app as the settings configure it: which sources are on, which secrets they check, the
 * loopback guard of sandbox mode. `intake/` stays transport only and never reads settings; this is
 * where settings become its options.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';

import { parseListenAddress, required, type Settings } from '../config/settings.js';
import { createApp } from '../intake/app.js';
import type { IntakeDeps, IntakeOptions } from '../intake/deps.js';
import { createTemporalGateway } from '../intake/temporal-gateway.js';

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

/** Where the intake's gateway starts requests and how long each Temporal call may take. */
export interface GatewayOverrides {
  taskQueue?: string;
  timeoutMs?: number;
}

/**
 * Builds the intake app for the given settings and Temporal client. Slack and GitLab webhooks need
 * their secrets (`SLACK_SIGNING_SECRET`, `GITLAB_WEBHOOK_SECRET`): in sandbox mode, which has
 * none, those routes answer 401 naming the variable, and the sandbox is driven through
 * `POST /webhooks/requests` instead.
 */
export function buildIntake(
  settings: Settings,
  client: Client,
  extra: Omit<IntakeDeps, 'gateway' | 'options'> = {},
  gateway: GatewayOverrides = {},
): FastifyInstance {
  return createApp({ gateway: createTemporalGateway(client, gateway), options: intakeOptions(settings), ...extra });
}

/** Listens on a `host:port` address (as `METRICS_ADDRESS` gives it); answers the URL. */
export async function listenAt(app: FastifyInstance, address: string): Promise<string> {
  const at = parseListenAddress(address);
  if (!at) throw new Error(`not a host:port address: ${address}`);
  return app.listen({ host: at.host, port: at.port });
}
