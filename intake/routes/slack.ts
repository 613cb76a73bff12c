/**
 * Slack routes, all signed (v0): `POST /slack/events` (Events API), `POST /slack/commands`
 * (`/it-help`), `POST /slack/interactions` (status-message buttons). Each verifies, parses,
 * decides from the payload (`slack-events.ts`, `slack-actions.ts`), makes one bounded Temporal
 * call and answers within Slack's 3 seconds; nothing here calls the Slack API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { IntakeDeps } from '../deps.js';
import { ignoredAnswer, parsedOr400 } from '../answers.js';
import { HttpError } from '../http-errors.js';
import { noteOutcome } from '../metrics.js';
import { rawBodyOf, formBody, jsonBody } from '../raw-body.js';
import { decideClick, decideCommand } from '../slack-actions.js';
import { decideSlackEvent, type SlackEventDecision } from '../slack-events.js';
import { NO_SLACK_DIRECTORY } from '../slack-directory.js';
import { escapeMrkdwn, fetchResponder, SLACK_RESPONSE_URL_BASE } from '../slack-respond.js';
import {
  blockActionsSchema,
  envelopeTypeSchema,
  eventCallbackSchema,
  interactionKindSchema,
  slashCommandSchema,
  urlVerificationSchema,
} from '../slack-schemas.js';
import { checkSlackSignature } from '../slack-signature.js';
import { GatewayError, type CallOptions } from '../temporal-gateway.js';

/** Temporal calls made while Slack waits are bounded well inside its 3 s. */
export const SLACK_CALL: CallOptions = { timeoutMs: 2_500 };

/** Registers `/slack/events`, `/slack/commands` and `/slack/interactions` (bodies raw until verified). */
export function registerSlackRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const { gateway, options } = deps;
  const slack = options.slack;
  const now = options.now ?? Date.now;
  const respond = deps.respond ?? fetchResponder(slack?.responseUrlBase ?? SLACK_RESPONSE_URL_BASE);
  const directory = deps.slackDirectory ?? NO_SLACK_DIRECTORY;

  const verify = async (request: FastifyRequest) => {
    if (!slack?.signingSecret) {
      throw new HttpError(401, 'Slack requests are refused: SLACK_SIGNING_SECRET is not set', undefined, 'not_configured');
    }
    const problem = checkSlackSignature({
      signingSecret: slack.signingSecret,
      rawBody: rawBodyOf(request),
      signature: request.headers['x-slack-signature'],
      timestamp: request.headers['x-slack-request-timestamp'],
      nowMs: now(),
    });
    if (problem) throw new HttpError(401, problem.message, undefined, problem.reason);
    const retry = request.headers['x-slack-retry-num'];
    if (retry !== undefined) request.log.info({ retry, reason: request.headers['x-slack-retry-reason'] }, 'Slack redelivery');
  };

  /** Runs what an event asks; refusals and unknown threads are acknowledged (Slack must not retry them). */
  const carryOut = async (request: FastifyRequest, decision: SlackEventDecision) => {
    switch (decision.kind) {
      case 'ignore':
        return ignoredAnswer(request, decision.label, decision.reason);
      case 'start': {
        const started = await gateway.start(decision.input, SLACK_CALL);
        if (started.duplicate) noteOutcome(request, 'duplicate');
        return { ok: true, request: started.id, duplicate: started.duplicate };
      }
      case 'notice': {
        const notice = await gateway.startNotice(decision.eventId, decision.notice, SLACK_CALL);
        if (notice.duplicate) noteOutcome(request, 'duplicate');
        return { ok: true, notice: notice.id, duplicate: notice.duplicate };
      }
      case 'comment': {
        const comment = (id: string) => gateway.act(id, 'comment', decision.args, decision.updateId, SLACK_CALL).then(() => ({ ok: true, request: id }));
        try {
          return await comment(decision.derivedId);
        } catch (err) {
          if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
          if (err.code === 'conflict') return ignoredAnswer(request, 'refused', err.message);
        }
        try {
          const found = await gateway.findBySlackThread(decision.channel, decision.threadTs, SLACK_CALL);
          if (!found) return ignoredAnswer(request, 'untracked_thread', 'thread of no request');
          return await comment(found);
        } catch (err) {
          if (err instanceof GatewayError && err.code === 'conflict') return ignoredAnswer(request, 'refused', err.message);
          if (err instanceof GatewayError && err.code === 'not_found') return ignoredAnswer(request, 'untracked_thread', 'thread of no request');
          throw err;
        }
      }
    }
  };

  app.post('/slack/events', { preHandler: verify, bodyLimit: 256 * 1024 }, async (request) => {
    const body = jsonBody(request);
    const { type } = parsedOr400(envelopeTypeSchema.safeParse(body), 'Slack event envelope');
    if (type === 'url_verification') {
      noteOutcome(request, 'accepted', 'url_verification');
      return { challenge: parsedOr400(urlVerificationSchema.safeParse(body), 'url_verification').challenge };
    }
    if (type !== 'event_callback') return ignoredAnswer(request, 'unhandled_event', `envelope type ${type.slice(0, 60)} is not handled`);
    const envelope = parsedOr400(eventCallbackSchema.safeParse(body), 'Slack event_callback');
    return carryOut(request, decideSlackEvent(envelope, { helpChannel: slack!.helpChannel }));
  });

  app.post('/slack/commands', { preHandler: verify, bodyLimit: 64 * 1024 }, async (request) => {
    const form = formBody(request);
    if (form.ssl_check) return ignoredAnswer(request, 'ssl_check');
    const decision = decideCommand(parsedOr400(slashCommandSchema.safeParse(form), 'Slack slash command'));
    if (decision.kind === 'usage') {
      noteOutcome(request, 'ignored', 'usage');
      return { response_type: 'ephemeral', text: decision.text };
    }
    const started = await gateway.start(decision.input, SLACK_CALL);
    if (started.duplicate) noteOutcome(request, 'duplicate');
    const url = `${options.publicUrl}/requests/${started.id}`;
    const where = slack?.helpChannel ? ` Follow it in <#${slack.helpChannel}>.` : '';
    const verb = started.duplicate ? 'is already open' : 'opened';
    return { response_type: 'ephemeral', text: `Request <${url}|${started.id}> ${verb}.${where}` };
  });

  app.post('/slack/interactions', { preHandler: verify, bodyLimit: 1024 * 1024 }, async (request, reply: FastifyReply) => {
    const form = formBody(request);
    if (typeof form.payload !== 'string') throw new HttpError(400, 'missing form field payload (the interaction JSON)', undefined, 'invalid_body');
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload);
    } catch (err) {
      throw new HttpError(400, `malformed JSON in payload: ${(err as Error).message}`, undefined, 'invalid_body');
    }
    const { type } = parsedOr400(interactionKindSchema.safeParse(payload), 'Slack interaction');
    if (type !== 'block_actions')
      return reply.code(200).send(ignoredAnswer(request, 'unhandled_interaction', `interaction ${type.slice(0, 60)} is not handled`));
    const clicked = parsedOr400(blockActionsSchema.safeParse(payload), 'Slack block_actions');
    const decision = decideClick(clicked);
    if (decision.kind === 'ignore') return reply.code(200).send(ignoredAnswer(request, decision.label, decision.reason));
    // Refused, unknown or unverifiable: tell the person who clicked, after Slack has its 200.
    const explain = (why: string) => {
      const text = `:warning: Could not ${decision.action.replace('_', ' ')} \`${escapeMrkdwn(decision.id)}\`: ${escapeMrkdwn(why)}`;
      if (!clicked.response_url) return;
      // Not awaited: Slack gets its 200 now, the ephemeral message follows.
      respond(clicked.response_url, { response_type: 'ephemeral', replace_original: false, text }).catch((e: unknown) =>
        request.log.warn({ err: e }, 'could not post the ephemeral refusal to response_url'),
      );
    };
    // Who clicked, to the request's rules: the clicker's Slack groups (a failed lookup acts for nobody).
    let actorGroups: string[];
    try {
      actorGroups = await directory.groupsOf(decision.args.actor);
    } catch (err) {
      request.log.warn({ err }, 'could not read the Slack user groups of the clicking user');
      explain('your Slack groups could not be checked just now; try again in a minute');
      return reply.code(200).send(ignoredAnswer(request, 'directory_unavailable', 'Slack user groups could not be read'));
    }
    try {
      await gateway.act(decision.id, decision.action, { ...decision.args, actorGroups }, decision.updateId, SLACK_CALL);
      return reply.code(200).send();
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
      explain(err.message);
      return reply.code(200).send(ignoredAnswer(request, err.code === 'conflict' ? 'refused' : 'unknown_request', err.message));
    }
  });
}
