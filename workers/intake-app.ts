/**
 * The intake app as the settings configure it: which sources are on, which secrets they check, the
 * loopback guard of sandbox mode. `intake/` stays transport only and never reads settings; this is
 * where settings become its options.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';

import { parseListenAddress, required, type Settings } from '../config/settings.js';
import type { TierflowConfig } from '../domain/config.js';
import type { ShiftConfig } from '../domain/shifts.js';
import { createApp } from '../intake/app.js';
import { readAutomationCandidates } from '../queries/automation-candidates.js';
import type { IntakeDeps, IntakeOptions } from '../intake/deps.js';
import type { SystemChoice } from '../intake/slack-modals.js';
import { createTemporalGateway } from '../intake/temporal-gateway.js';
import { loadConfig } from '../registry/load.js';

/** The registry's systems as the `/it-help` form offers them, by name. */
export function slackSystems(config: TierflowConfig): SystemChoice[] {
  return config.registry.systems.map(({ id, name }) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The intake options for `settings`: switched-off sources are left out (their routes answer 404),
 * sandbox mode answers loopback names only. In production every secret an enabled source needs is
 * there (`loadSettings` refused to start otherwise); `required` only narrows the types. Slack gets
 * its bot token and API base (modals), the app-level token when Socket Mode is on
 * (`SLACK_APP_TOKEN`), the registry's `systems` for the `/it-help` form and its `shifts` for
 * `/it-help oncall`.
 */
export function intakeOptions(settings: Settings, systems: readonly SystemChoice[] = [], shifts?: ShiftConfig): IntakeOptions {
  const sandbox = settings.mode === 'sandbox';
  const { sources, slack, gitlab } = settings;
  return {
    intakeSecret: sandbox || !sources.webhook ? settings.intakeSecret : required(settings.intakeSecret, 'INTAKE_SECRET'),
    webhook: sources.webhook,
    apiToken: required(settings.apiToken, 'API_TOKEN'),
    publicUrl: settings.publicUrl ?? `http://localhost:${settings.port}`,
    ...(sources.slack
      ? {
          slack: {
            signingSecret: slack.signingSecret,
            helpChannel: required(slack.helpChannel, 'SLACK_HELP_CHANNEL'),
            botToken: slack.botToken,
            ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
            appToken: slack.appToken,
            systems,
            ...(shifts ? { shifts } : {}),
          },
        }
      : {}),
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
 * `POST /webhooks/requests` instead. With `SLACK_APP_TOKEN` the app opens its Socket Mode
 * connection when it is ready (`listen`) and closes it with the app. `config` is the loaded
 * registry (read from `TIERFLOW_CONFIG` when not given and the Slack source is on).
 */
export function buildIntake(
  settings: Settings,
  client: Client,
  extra: Omit<IntakeDeps, 'gateway' | 'options'> = {},
  gateway: GatewayOverrides = {},
  config?: TierflowConfig,
): FastifyInstance {
  const registry = config ?? loadConfig(settings.configDir ?? undefined);
  const options = intakeOptions(settings, slackSystems(registry), registry.shifts);
  // The SLA report shows the Tier 4 automation candidates as the daily schedule finds them (visibility only, no GitLab).
  const automationCandidates = () => readAutomationCandidates(client, registry.automation, Date.now());
  return createApp({ gateway: createTemporalGateway(client, gateway), options, automationCandidates, ...extra });
}

/** Listens on a `host:port` address (as `METRICS_ADDRESS` gives it); answers the URL. */
export async function listenAt(app: FastifyInstance, address: string): Promise<string> {
  const at = parseListenAddress(address);
  if (!at) throw new Error(`not a host:port address: ${address}`);
  return app.listen({ host: at.host, port: at.port });
}
