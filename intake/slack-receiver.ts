/**
 * Bolt's HTTP receiver, as routes of the intake's fastify app: `POST /slack/events` (Events API),
 * `POST /slack/commands` (`/it-help`) and `POST /slack/interactions` (buttons and modals). Each
 * route verifies Slack's v0 signature (constant time, 5-minute window, `slack-signature.ts`) on the
 * raw bytes within its own body limit, parses, checks the envelope, and hands the delivery to Bolt
 * with the acknowledgement deferred (`slack-delivery.ts`): the answer leaves only once the
 * listeners, and so Temporal, have it. Errors map as everywhere in the intake (`http-errors.ts`):
 * 400 naming the field, 401, 503 with Retry-After while Temporal is unreachable (Slack retries).
 */
import type { App, Receiver } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { HttpError } from './http-errors.js';
import { noteOutcome } from './metrics.js';
import { formBody, jsonBody, rawBodyOf } from './raw-body.js';
import { checkDelivery, processDelivery, type ProcessedDelivery, type SlackDeliveryKind } from './slack-delivery.js';
import { checkSlackSignature } from './slack-signature.js';

/** Body limits per route: events and commands are small; a view submission carries a whole modal. */
export const SLACK_BODY_LIMITS: Readonly<Record<SlackDeliveryKind, number>> = { events: 256 * 1024, commands: 64 * 1024, interactions: 1024 * 1024 };

/** What the routes verify with. */
export interface SlackReceiverOptions {
  /** Null: every Slack request is refused with 401 naming SLACK_SIGNING_SECRET (never trusted unsigned). */
  signingSecret: string | null;
  /** Our clock, epoch ms (tests control it). */
  now: () => number;
}

/** The parser of each route's body: JSON events, form-encoded commands, a form's `payload` JSON for interactions. */
const PARSERS: Record<SlackDeliveryKind, (request: FastifyRequest) => unknown> = {
  events: jsonBody,
  commands: formBody,
  interactions: (request) => {
    const form = formBody(request);
    if (typeof form.payload !== 'string') throw new HttpError(400, 'missing form field payload (the interaction JSON)', undefined, 'invalid_body');
    try {
      return JSON.parse(form.payload) as unknown;
    } catch (err) {
      throw new HttpError(400, `malformed JSON in payload: ${(err as Error).message}`, undefined, 'invalid_body');
    }
  },
};

/** A Bolt receiver whose transport is the intake's fastify routes; fastify owns the port, so start and stop do nothing. */
export class FastifySlackReceiver implements Receiver {
  private app: App | null = null;

  constructor(private readonly options: SlackReceiverOptions) {}

  /** Called by Bolt's `App` (or, under Socket Mode, by us: the routes then feed the same app). */
  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Registers the three routes on `fastify` (bodies kept raw until verified: `raw-body.ts`). */
  register(fastify: FastifyInstance): void {
    const verify = async (request: FastifyRequest) => {
      const { signingSecret, now } = this.options;
      if (!signingSecret) throw new HttpError(401, 'Slack requests are refused: SLACK_SIGNING_SECRET is not set', undefined, 'not_configured');
      const problem = checkSlackSignature({
        signingSecret,
        rawBody: rawBodyOf(request),
        signature: request.headers['x-slack-signature'],
        timestamp: request.headers['x-slack-request-timestamp'],
        nowMs: now(),
      });
      if (problem) throw new HttpError(401, problem.message, undefined, problem.reason);
    };
    for (const kind of ['events', 'commands', 'interactions'] as const) {
      fastify.post(`/slack/${kind}`, { preHandler: verify, bodyLimit: SLACK_BODY_LIMITS[kind] }, (request, reply) => this.handle(kind, request, reply));
    }
  }

  private async handle(kind: SlackDeliveryKind, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const checked = checkDelivery(kind, PARSERS[kind](request));
    if (checked.kind === 'answer') {
      noteOutcome(request, checked.label === 'url_verification' ? 'accepted' : 'ignored', checked.label);
      return reply.code(200).send(checked.body);
    }
    if (!this.app) throw new Error('the Slack receiver has no Bolt app (init was not called)');
    const retry = header(request, 'x-slack-retry-num');
    const retryReason = header(request, 'x-slack-retry-reason');
    if (retry !== undefined) request.log.info({ retry, reason: retryReason }, 'Slack redelivery');
    const retryNum = retry !== undefined && /^\d{1,4}$/.test(retry) ? Number(retry) : undefined;
    const processed = await processDelivery(this.app, {
      body: checked.body,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
    });
    return answer(request, reply, processed);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value.slice(0, 100) : undefined;
}

/**
 * The HTTP answer of a processed delivery: what was acked (a command's reply, a view's
 * `response_action`), else what the listener recorded (an event's `{ ok, request }`), else an empty 200.
 */
function answer(request: FastifyRequest, reply: FastifyReply, { ackBody, delivery }: ProcessedDelivery): FastifyReply {
  if (delivery.outcome) noteOutcome(request, delivery.outcome.outcome, delivery.outcome.reason);
  else noteOutcome(request, 'ignored', 'unhandled');
  if (ackBody !== undefined && ackBody !== null && ackBody !== '') return reply.code(200).send(ackBody);
  if (delivery.answer !== undefined) return reply.code(200).send(delivery.answer);
  if (!delivery.outcome) return reply.code(200).send({ ok: true, ignored: 'nothing handles this delivery' });
  return reply.code(200).send();
}
