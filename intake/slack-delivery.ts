/**
 * One Slack delivery through Bolt, however it arrived (HTTP or Socket Mode), with the guarantee
 * tierflow gives every sender: Slack is answered only once Temporal has what the delivery asked.
 *
 * Bolt acknowledges Events API deliveries before their listeners run, and a listener may `ack()`
 * before its Temporal call; so the receivers hand Bolt an `ack` that only records the answer, wait
 * for `processEvent` (the listeners, Temporal calls included) to settle, and send the recorded
 * answer then. A listener that fails (Temporal unreachable) fails the delivery: HTTP answers 503,
 * Socket Mode does not acknowledge, and Slack delivers it again.
 *
 * Before Bolt sees a delivery, its envelope is checked here (url_verification and ssl_check are
 * answered, unknown kinds acknowledged, malformed ones refused naming the field): the same checks
 * for both transports.
 */
import type { App, Context } from '@slack/bolt';

import { parsedOr400 } from './answers.js';
import type { IntakeOutcome } from './metrics.js';
import {
  blockActionsSchema,
  boltRoutedEventSchema,
  envelopeTypeSchema,
  eventCallbackSchema,
  interactionKindSchema,
  slashCommandSchema,
  urlVerificationSchema,
  viewSubmissionSchema,
} from './slack-schemas.js';

/** The three kinds of Slack delivery: the HTTP routes' names and Socket Mode's envelope types. */
export type SlackDeliveryKind = 'events' | 'commands' | 'interactions';

/** Socket Mode envelope type → delivery kind. */
export const SOCKET_MODE_KINDS: Readonly<Record<string, SlackDeliveryKind>> = { events_api: 'events', slash_commands: 'commands', interactive: 'interactions' };

/** What listeners record about a delivery for the receiver that answers Slack (never sent to Bolt's ack). */
export interface SlackDelivery {
  /** The body of the HTTP answer when nothing was acked with one (an event's `{ ok, request, duplicate }`). */
  answer?: unknown;
  /** What became of it, for the intake metrics; absent: no listener took it. */
  outcome?: { outcome: IntakeOutcome; reason?: string };
}

/** Key of the delivery record in a listener's `context` (Bolt copies `customProperties` there). */
const DELIVERY = 'tierflowDelivery';

/** The delivery record of a listener's context. */
export function deliveryOf(context: Context): SlackDelivery {
  const delivery = context[DELIVERY] as SlackDelivery | undefined;
  if (!delivery) throw new Error('no tierflow delivery in the Bolt context: deliveries must come through processDelivery');
  return delivery;
}

/** Records that nothing is to be done (`label`: a metrics reason from our code, never payload text). */
export function ignored(delivery: SlackDelivery, label: string, reason: string = label.replace(/_/g, ' ')): void {
  delivery.outcome = { outcome: 'ignored', reason: label };
  delivery.answer = { ok: true, ignored: reason };
}

/** Records that Temporal took the delivery (or recognised it as a redelivery). */
export function accepted(delivery: SlackDelivery, duplicate = false, answer?: unknown): void {
  delivery.outcome = duplicate ? { outcome: 'duplicate' } : { outcome: 'accepted' };
  if (answer !== undefined) delivery.answer = answer;
}

/** A checked delivery: answered by the transport itself, or one for Bolt's listeners. */
export type CheckedDelivery = { kind: 'answer'; body: unknown; label: string } | { kind: 'bolt'; body: Record<string, unknown> };

/**
 * Checks a delivery's envelope; throws a 400 `HttpError` naming the field when it is malformed.
 * @example checkDelivery('events', { type: 'url_verification', challenge: 'x' }) // { kind: 'answer', body: { challenge: 'x' }, … }
 */
export function checkDelivery(kind: SlackDeliveryKind, body: unknown): CheckedDelivery {
  switch (kind) {
    case 'events': {
      const { type } = parsedOr400(envelopeTypeSchema.safeParse(body), 'Slack event envelope');
      if (type === 'url_verification') {
        return {
          kind: 'answer',
          label: 'url_verification',
          body: { challenge: parsedOr400(urlVerificationSchema.safeParse(body), 'url_verification').challenge },
        };
      }
      if (type !== 'event_callback') return unhandled('unhandled_event', `envelope type ${type.slice(0, 60)} is not handled`);
      const { event } = parsedOr400(eventCallbackSchema.safeParse(body), 'Slack event_callback');
      parsedOr400(boltRoutedEventSchema.safeParse(event), 'Slack event');
      return { kind: 'bolt', body: body as Record<string, unknown> };
    }
    case 'commands': {
      if ((body as Record<string, unknown>).ssl_check) return unhandled('ssl_check', 'ssl_check');
      parsedOr400(slashCommandSchema.safeParse(body), 'Slack slash command');
      return { kind: 'bolt', body: body as Record<string, unknown> };
    }
    case 'interactions': {
      const { type } = parsedOr400(interactionKindSchema.safeParse(body), 'Slack interaction');
      if (type === 'block_actions') parsedOr400(blockActionsSchema.safeParse(body), 'Slack block_actions');
      else if (type === 'view_submission') parsedOr400(viewSubmissionSchema.safeParse(body), 'Slack view_submission');
      else return unhandled('unhandled_interaction', `interaction ${type.slice(0, 60)} is not handled`);
      return { kind: 'bolt', body: body as Record<string, unknown> };
    }
  }
}

function unhandled(label: string, reason: string): CheckedDelivery {
  return { kind: 'answer', label, body: { ok: true, ignored: reason } };
}

/** What a delivery came to once its listeners have settled. */
export interface ProcessedDelivery {
  /** True when a listener (or Bolt, for events) acknowledged it. */
  acked: boolean;
  /** What `ack()` was given: a command's reply, a view's `response_action`. */
  ackBody: unknown;
  delivery: SlackDelivery;
}

/**
 * Runs a delivery through Bolt with the acknowledgement deferred until every listener settled;
 * rejects with the listener's own error (see `createSlackBolt`'s error handler).
 */
export async function processDelivery(app: App, event: { body: Record<string, unknown>; retryNum?: number; retryReason?: string }): Promise<ProcessedDelivery> {
  const delivery: SlackDelivery = {};
  let acked = false;
  let ackBody: unknown;
  await app.processEvent({
    body: event.body,
    ...(event.retryNum !== undefined ? { retryNum: event.retryNum } : {}),
    ...(event.retryReason !== undefined ? { retryReason: event.retryReason } : {}),
    customProperties: { [DELIVERY]: delivery },
    ack: async (response?: unknown) => {
      if (acked) return;
      acked = true;
      ackBody = response;
    },
  });
  return { acked, ackBody, delivery };
}
