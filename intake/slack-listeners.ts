/**
 * Bolt listeners: transport only. Each reads its payload, asks a pure decision (`slack-events.ts`,
 * `slack-actions.ts`, `slack-views.ts`) what it means, makes one bounded Temporal call (or opens a
 * modal), records the outcome and acknowledges. Their `ack()` is deferred by the receivers until
 * the listener has settled (`slack-delivery.ts`): a Temporal failure is thrown, so Slack is never
 * told "done" about something Temporal does not have.
 */
import type { AllMiddlewareArgs, App } from '@slack/bolt';
import type { ModalView } from '@slack/types';

import { ESCALATE_VIEW, NEW_REQUEST_VIEW } from '../contracts/slack-ids.js';
import { onCallSummary } from '../domain/on-call.js';
import type { ShiftConfig } from '../domain/shifts.js';
import { decideClick, decideCommand, usageText } from './slack-actions.js';
import { accepted, deliveryOf, ignored, type SlackDelivery } from './slack-delivery.js';
import type { SlackDirectory } from './slack-directory.js';
import { decideSlackEvent, type SlackEventDecision } from './slack-events.js';
import { escalateModal, newRequestModal, REASON_FIELD, requestOpenedView, type SystemChoice } from './slack-modals.js';
import { onCallText } from './slack-on-call.js';
import { escapeMrkdwn, type SlackResponder } from './slack-respond.js';
import { blockActionsSchema, eventCallbackSchema, slashCommandSchema, viewSubmissionSchema } from './slack-schemas.js';
import { decideEscalation, decideNewRequest } from './slack-views.js';
import { GatewayError, type CallOptions, type RequestGateway } from './temporal-gateway.js';

/** Temporal calls made while Slack waits are bounded well inside its 3 s. */
export const SLACK_CALL: CallOptions = { timeoutMs: 2_500 };

/** What the listeners work with. */
export interface SlackListenerDeps {
  gateway: RequestGateway;
  /** Channel id of `#it_help`. */
  helpChannel: string;
  /** The registry's systems: the form's choices and the words `/it-help` recognises. */
  systems: readonly SystemChoice[];
  directory: SlackDirectory;
  /** Ephemeral replies to a click's `response_url` (never Bolt's `respond`, which calls any URL). */
  respond: SlackResponder;
  /** The requester's status page of a request. */
  statusUrl: (requestId: string) => string;
  /** The registry's shifts, for `/it-help oncall` (absent: it answers that none are configured). */
  shifts?: ShiftConfig | undefined;
  /** Clock of `/it-help oncall`, epoch ms (default `Date.now`). */
  now?: (() => number) | undefined;
}

type Logger = AllMiddlewareArgs['logger'];

/** Registers every tierflow listener on `app`. */
export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  const { gateway, helpChannel, directory } = deps;
  const systemIds = deps.systems.map((s) => s.id);

  /** A top-level message, a thread reply, a direct message; everything else is acknowledged and ignored. */
  app.event(/.*/, async ({ body, context }) => {
    const delivery = deliveryOf(context);
    await carryOut(gateway, delivery, decideSlackEvent(eventCallbackSchema.parse(body), { helpChannel }));
  });

  /** `/it-help`: the form without text, who is on call with `oncall`, a request at once with any other text. */
  app.command(/^\//, async ({ command, ack, client, context, logger }) => {
    const delivery = deliveryOf(context);
    const parsed = slashCommandSchema.parse(command);
    const decision = decideCommand(parsed, { systemIds });
    if (decision.kind === 'on_call') {
      // Answered to the asker alone, from the registry: no request, no Temporal call, nobody paged.
      const summary = deps.shifts ? onCallSummary(deps.shifts, (deps.now ?? Date.now)()) : null;
      delivery.outcome = { outcome: 'accepted', reason: 'on_call_answered' };
      await ack({ response_type: 'ephemeral', text: onCallText(summary, parsed.command) });
      return;
    }
    if (decision.kind === 'form') {
      try {
        await openModal(client, context, decision.triggerId, newRequestModal(deps.systems));
        delivery.outcome = { outcome: 'accepted', reason: 'form_opened' };
        await ack();
      } catch (err) {
        logger.warn('could not open the new-request form', err);
        ignored(delivery, 'form_unavailable', 'the form could not be opened');
        await ack({ response_type: 'ephemeral', text: `:warning: The form could not be opened just now.\n${usageText(parsed.command)}` });
      }
      return;
    }
    const started = await gateway.start(decision.input, SLACK_CALL);
    accepted(delivery, started.duplicate);
    const verb = started.duplicate ? 'is already open' : 'opened';
    await ack({ response_type: 'ephemeral', text: `Request <${deps.statusUrl(started.id)}|${started.id}> ${verb}. Follow it in <#${helpChannel}>.` });
  });

  /** Status-message buttons: act for the clicker with their Slack groups; Escalate asks for the reason first. */
  app.action({ type: 'block_actions' }, async ({ body, ack, client, context, logger }) => {
    const delivery = deliveryOf(context);
    const clicked = blockActionsSchema.parse(body);
    const decision = decideClick(clicked);
    if (decision.kind === 'ignore') {
      ignored(delivery, decision.label, decision.reason);
      return ack();
    }
    // Refused, unknown or unverifiable: tell the person who clicked, after Slack has its answer.
    const explain = (action: string, why: string) => {
      if (!clicked.response_url) return;
      const text = `:warning: Could not ${action.replace('_', ' ')} \`${escapeMrkdwn(decision.id)}\`: ${escapeMrkdwn(why)}`;
      deps
        .respond(clicked.response_url, { response_type: 'ephemeral', replace_original: false, text })
        .catch((e: unknown) => logger.warn('could not post the ephemeral refusal to response_url', e));
    };
    if (decision.kind === 'ask_reason') {
      try {
        await openModal(client, context, decision.triggerId, escalateModal(decision.id));
        delivery.outcome = { outcome: 'accepted', reason: 'form_opened' };
      } catch (err) {
        logger.warn('could not open the escalation form', err);
        explain('escalate', 'the form asking for the reason could not be opened; try again');
        ignored(delivery, 'form_unavailable', 'the escalation form could not be opened');
      }
      return ack();
    }
    const actorGroups = await groupsOrNull(directory, decision.args.actor, logger);
    if (!actorGroups) {
      explain(decision.action, 'your Slack groups could not be checked just now; try again in a minute');
      ignored(delivery, 'directory_unavailable', 'Slack user groups could not be read');
      return ack();
    }
    try {
      await gateway.act(decision.id, decision.action, { ...decision.args, actorGroups }, decision.updateId, SLACK_CALL);
      accepted(delivery);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
      explain(decision.action, err.message);
      ignored(delivery, err.code === 'conflict' ? 'refused' : 'unknown_request', err.message);
    }
    await ack();
  });

  /** The new-request form: start the request, then show where to follow it. */
  app.view(NEW_REQUEST_VIEW, async ({ body, ack, context }) => {
    const delivery = deliveryOf(context);
    const decision = decideNewRequest(viewSubmissionSchema.parse(body), { systemIds });
    if (decision.kind === 'errors') {
      ignored(delivery, 'invalid_form', 'the form has errors');
      return ack({ response_action: 'errors', errors: decision.errors });
    }
    const started = await gateway.start(decision.input, SLACK_CALL);
    accepted(delivery, started.duplicate);
    const view = requestOpenedView({ id: started.id, url: deps.statusUrl(started.id), helpChannel, duplicate: started.duplicate });
    await ack({ response_action: 'update', view });
  });

  /** The escalation form: escalate with the reason; a refusal stays in the modal, under the reason. */
  app.view(ESCALATE_VIEW, async ({ body, ack, context, logger }) => {
    const delivery = deliveryOf(context);
    const decision = decideEscalation(viewSubmissionSchema.parse(body));
    if (decision.kind === 'errors') {
      ignored(delivery, 'invalid_form', 'the form has errors');
      return ack({ response_action: 'errors', errors: decision.errors });
    }
    const refuse = (label: string, why: string) => {
      ignored(delivery, label, why);
      return ack({ response_action: 'errors', errors: { [REASON_FIELD]: escapeMrkdwn(why) } });
    };
    const actorGroups = await groupsOrNull(directory, decision.args.actor, logger);
    if (!actorGroups) return refuse('directory_unavailable', 'Your Slack groups could not be checked just now; try again in a minute.');
    try {
      await gateway.act(decision.id, 'escalate', { ...decision.args, actorGroups }, decision.updateId, SLACK_CALL);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
      return refuse(err.code === 'conflict' ? 'refused' : 'unknown_request', err.message);
    }
    accepted(delivery);
    await ack();
  });
}

/** Opens a modal for the person who just acted (their trigger id is good for 3 s); throws without a bot token. */
async function openModal(client: AllMiddlewareArgs['client'], context: AllMiddlewareArgs['context'], triggerId: string, view: ModalView): Promise<void> {
  if (!context.botToken) throw new Error('no Slack bot token (SLACK_BOT_TOKEN) to open a modal with');
  await client.views.open({ trigger_id: triggerId, view });
}

/** The clicker's Slack groups, or null when Slack cannot be asked (the click then acts for nobody). */
async function groupsOrNull(directory: SlackDirectory, userId: string, logger: Logger): Promise<string[] | null> {
  try {
    return await directory.groupsOf(userId);
  } catch (err) {
    logger.warn('could not read the Slack user groups of the acting user', err);
    return null;
  }
}

/** Runs what an event asks; refusals and unknown threads are acknowledged (Slack must not retry them). */
async function carryOut(gateway: RequestGateway, delivery: SlackDelivery, decision: SlackEventDecision): Promise<void> {
  switch (decision.kind) {
    case 'ignore':
      return ignored(delivery, decision.label, decision.reason);
    case 'start': {
      const started = await gateway.start(decision.input, SLACK_CALL);
      return accepted(delivery, started.duplicate, { ok: true, request: started.id, duplicate: started.duplicate });
    }
    case 'notice': {
      const notice = await gateway.startNotice(decision.eventId, decision.notice, SLACK_CALL);
      return accepted(delivery, notice.duplicate, { ok: true, notice: notice.id, duplicate: notice.duplicate });
    }
    case 'comment': {
      const comment = async (id: string) => {
        await gateway.act(id, 'comment', decision.args, decision.updateId, SLACK_CALL);
        accepted(delivery, false, { ok: true, request: id });
      };
      try {
        return await comment(decision.derivedId);
      } catch (err) {
        if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
        if (err.code === 'conflict') return ignored(delivery, 'refused', err.message);
      }
      try {
        const found = await gateway.findBySlackThread(decision.channel, decision.threadTs, SLACK_CALL);
        if (!found) return ignored(delivery, 'untracked_thread', 'thread of no request');
        return await comment(found);
      } catch (err) {
        if (err instanceof GatewayError && err.code === 'conflict') return ignored(delivery, 'refused', err.message);
        if (err instanceof GatewayError && err.code === 'not_found') return ignored(delivery, 'untracked_thread', 'thread of no request');
        throw err;
      }
    }
  }
}
