/**
 * Slack, the Slack way: Bolt's `App` (`slack-bolt.ts`) with tierflow's listeners, fed over HTTP by
 * `POST /slack/events`, `/slack/commands` and `/slack/interactions` (`slack-receiver.ts`) and, when
 * an app-level token is configured, over Socket Mode (`slack-socket-receiver.ts`). Under Socket Mode
 * the WebSocket opens when the intake is ready and closes with it; the HTTP routes keep feeding the
 * same app, so switching the Slack app between the two needs no redeploy.
 */
import type { FastifyInstance } from 'fastify';

import type { IntakeDeps } from '../deps.js';
import { boltLogger, createSlackBolt } from '../slack-bolt.js';
import { NO_SLACK_DIRECTORY } from '../slack-directory.js';
import { FastifySlackReceiver } from '../slack-receiver.js';
import { fetchResponder, SLACK_RESPONSE_URL_BASE } from '../slack-respond.js';
import { DeferredAckSocketModeReceiver } from '../slack-socket-receiver.js';

/** Registers the Slack routes and, with an app-level token, the Socket Mode connection's lifecycle. */
export function registerSlackRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const { options } = deps;
  const slack = options.slack;
  if (!slack) return;
  const logger = boltLogger(deps.logger);
  const http = new FastifySlackReceiver({ signingSecret: slack.signingSecret, now: options.now ?? Date.now });
  const socketMode = slack.appToken ? new DeferredAckSocketModeReceiver({ appToken: slack.appToken, apiUrl: slack.apiUrl, logger }) : null;
  const bolt = createSlackBolt({
    receiver: socketMode ?? http,
    botToken: slack.botToken ?? null,
    apiUrl: slack.apiUrl,
    logger,
    gateway: deps.gateway,
    helpChannel: slack.helpChannel,
    systems: slack.systems ?? [],
    directory: deps.slackDirectory ?? NO_SLACK_DIRECTORY,
    respond: deps.respond ?? fetchResponder(slack.responseUrlBase ?? SLACK_RESPONSE_URL_BASE),
    statusUrl: deps.statusUrl ?? ((id) => `${options.publicUrl}/requests/${id}`),
    shifts: slack.shifts,
    now: options.now,
  });
  if (socketMode) {
    http.init(bolt);
    app.addHook('onReady', async () => {
      await bolt.start();
    });
    app.addHook('onClose', async () => {
      await bolt.stop();
    });
  }
  http.register(app);
}
