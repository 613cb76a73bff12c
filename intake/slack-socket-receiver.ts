/**
 * Socket Mode (`SLACK_APP_TOKEN`): Bolt's `SocketModeReceiver` opens a WebSocket to Slack
 * (`apps.connections.open` with the app-level token, at the configured Slack API base) and gets
 * the same deliveries the HTTP routes get, as envelopes. It is used as it is, with one change: it
 * acknowledges an envelope only once the listeners settled (`slack-delivery.ts`), carrying what
 * they acked (a command's reply, a view's `response_action`). A delivery Temporal could not take
 * is not acknowledged, so Slack delivers it again; a malformed one is acknowledged and dropped.
 */
import { SocketModeReceiver, type App, type Logger, type ReceiverEvent, type SocketModeReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';

import { HttpError } from './http-errors.js';
import { originalError } from './slack-bolt.js';
import { checkDelivery, processDelivery, SOCKET_MODE_KINDS } from './slack-delivery.js';
import { GatewayError } from './temporal-gateway.js';

/** Where the envelope type travels from the Socket Mode client to our `processEvent`. */
const ENVELOPE_TYPE = 'socketModeEnvelopeType';

/** What the receiver connects with. */
export interface SocketModeOptions {
  /** The app-level token (`xapp-…`, scope `connections:write`). */
  appToken: string;
  /** Base URL of the Slack Web API (`SLACK_API_URL`), where `apps.connections.open` is called. */
  apiUrl?: string | undefined;
  logger: Logger;
}

/**
 * Whether a delivery that failed is acknowledged anyway: yes when another attempt cannot mend it
 * (a malformed payload, an argument Temporal refuses), no when Temporal was away (Slack retries).
 */
export async function acknowledgeFailed({ error, logger }: Pick<SocketModeReceiverProcessEventErrorHandlerArgs, 'error' | 'logger'>): Promise<boolean> {
  const cause = originalError(error);
  if (cause instanceof HttpError || (cause instanceof GatewayError && cause.code !== 'unavailable')) {
    logger.warn(`Socket Mode delivery refused and acknowledged: ${cause.message}`);
    return true;
  }
  logger.error(`Socket Mode delivery failed and is not acknowledged, so Slack delivers it again: ${cause instanceof Error ? cause.message : String(cause)}`);
  return false;
}

/** Bolt's Socket Mode receiver with acknowledgements deferred until Temporal has the delivery. */
export class DeferredAckSocketModeReceiver extends SocketModeReceiver {
  private readonly log: Logger;

  constructor(opts: SocketModeOptions) {
    super({
      appToken: opts.appToken,
      logger: opts.logger,
      // The Socket Mode client's WebClient: our base URL; a few quick retries of apps.connections.open.
      installerOptions: {
        clientOptions: { ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}), retryConfig: { retries: 3, factor: 1.5, maxTimeout: 5_000 } },
      },
      customPropertiesExtractor: (args: { type?: unknown }) => ({ [ENVELOPE_TYPE]: args.type }),
      processEventErrorHandler: acknowledgeFailed,
    });
    this.log = opts.logger;
  }

  /** Hands Bolt's receiver a stand-in app whose `processEvent` defers the acknowledgement. */
  override init(app: App): void {
    const standIn = Object.create(app) as App;
    standIn.processEvent = (event: ReceiverEvent) => this.deliver(app, event);
    super.init(standIn);
  }

  /** Waits for the WebSocket's close handshake (Bolt's own `stop` does not). */
  override async stop(): Promise<void> {
    await this.client.disconnect();
  }

  private async deliver(app: App, event: ReceiverEvent): Promise<void> {
    const type = String(event.customProperties?.[ENVELOPE_TYPE] ?? '');
    const kind = SOCKET_MODE_KINDS[type];
    if (!kind) {
      this.log.debug(`Socket Mode envelope of type ${type.slice(0, 60)} acknowledged and ignored`);
      return event.ack();
    }
    const checked = checkDelivery(kind, event.body);
    if (checked.kind === 'answer') return event.ack();
    const { ackBody, delivery } = await processDelivery(app, {
      body: checked.body,
      ...(event.retryNum !== undefined ? { retryNum: event.retryNum } : {}),
      ...(event.retryReason ? { retryReason: event.retryReason } : {}),
    });
    this.log.debug(`Socket Mode ${kind} delivery: ${delivery.outcome?.outcome ?? 'ignored'} ${delivery.outcome?.reason ?? ''}`);
    await event.ack(ackBody ?? undefined);
  }
}
