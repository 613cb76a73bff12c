/**
 * End-to-end Slack intake: the worker harness on the run's dev server, and an intake listening on a
 * real port whose Slack side is complete: signed HTTP routes, a bot token for modals against the
 * harness's Slack emulator, the registry's systems and, when asked, Socket Mode on the emulator's
 * WebSocket. The helpers of `e2e.ts` (signed posts, the status API) work against it.
 */
import { WebClient } from '@slack/web-api';

import { createApp } from '../../../intake/app.js';
import { createSlackDirectory } from '../../../intake/slack-directory.js';
import { createTemporalGateway } from '../../../intake/temporal-gateway.js';
import { slackSystems } from '../../../workers/intake-app.js';
import { HELP_CHANNEL, startDevServerHarness, TRACKER } from '../../support/harness.js';
import { API_TOKEN, INTAKE_SECRET, type E2eIntake } from './e2e.js';
import { GITLAB_SECRET, SLACK_SECRET } from './signed-app.js';

/** Starts the harness and a Slack-complete intake; `appToken` puts it on Socket Mode too. */
export async function startSlackE2e(address: string, opts: { responseUrlBase?: string; appToken?: string } = {}): Promise<E2eIntake> {
  const stack = await startDevServerHarness(address);
  const { harness, client } = stack;
  const slackApiUrl = harness.sandbox.slack.url;
  const app = createApp({
    gateway: createTemporalGateway(client, { taskQueue: harness.taskQueue }),
    options: {
      intakeSecret: INTAKE_SECRET,
      apiToken: API_TOKEN,
      publicUrl: 'http://tierflow.test',
      slack: {
        signingSecret: SLACK_SECRET,
        helpChannel: HELP_CHANNEL,
        ...(opts.responseUrlBase ? { responseUrlBase: opts.responseUrlBase } : {}),
        botToken: 'xoxb-e2e-intake',
        apiUrl: slackApiUrl,
        ...(opts.appToken ? { appToken: opts.appToken } : {}),
        systems: slackSystems(harness.config),
      },
      gitlab: { webhookSecret: GITLAB_SECRET, project: TRACKER },
    },
    // Who acts: their groups, read from the Slack emulator through the real client.
    slackDirectory: createSlackDirectory(new WebClient('xoxb-e2e-intake', { slackApiUrl, retryConfig: { retries: 0 } })),
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    harness,
    client,
    app,
    baseUrl,
    async close() {
      await app.close();
      await stack.close();
    },
  };
}
