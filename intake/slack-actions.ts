/**
 * What a slash command or a button click asks of Temporal, decided from the payload alone.
 *
 * `/it-help [system] summary` starts a request (`req-slack-cmd-<trigger_id>`). The first word is
 * passed as the explicit `system` when it looks like a registry id; routing (in the workflow)
 * falls back to classifying the text when no system has that id, name, label or alias, so
 * `/it-help my laptop is slow` works too. Intake does not load the registry.
 *
 * Buttons of the status message: `action_id` = `tierflow_<action>`, `value` = the request id; the
 * update id `slack-<action_ts>-<user>` makes a redelivered click apply once.
 */
import type { ActionArgs } from '../domain/request-actions.js';
import type { HelpRequestInput } from '../contracts/help-request.js';
import { BUTTON_ACTIONS, buttonAction, buttonId, type ButtonAction } from '../contracts/slack-ids.js';
import { HttpError } from './http-errors.js';
import { clip, MAX_TEXT_CHARS, slackToPlainText, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { slackRequester } from './requesters.js';
import { requestIdSchema } from './schemas.js';
import type { BlockActions, SlashCommand } from './slack-schemas.js';

/** The note of an escalation from a button (the domain requires a reason). */
export const SLACK_ESCALATION_NOTE = 'escalated from Slack';

/** What a slash command asks. */
export type CommandDecision = { kind: 'usage'; text: string } | { kind: 'start'; input: HelpRequestInput };

/** What a click asks. */
export type ClickDecision =
  { kind: 'ignore'; label: string; reason: string } | { kind: 'act'; id: string; action: ButtonAction; args: ActionArgs; updateId: string };

const SYSTEM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The ephemeral help shown for `/it-help` without text. */
export function usageText(command: string): string {
  return [
    `*Usage:* \`${command} [system] summary\` — opens a help request and posts it in the help channel.`,
    `For example: \`${command} okta-sso locked out after the MFA reset\` or \`${command} my laptop will not join the VPN\`.`,
  ].join('\n');
}

/** Decides what a slash command asks. */
export function decideCommand(command: SlashCommand): CommandDecision {
  const text = slackToPlainText(command.text).trim();
  if (!text) return { kind: 'usage', text: usageText(command.command) };
  const [first = '', ...rest] = text.split(/\s+/);
  const system = rest.length > 0 && SYSTEM_ID.test(first) ? first : undefined;
  const summary = summaryOf(text, text);
  return {
    kind: 'start',
    input: {
      id: requestIdFor('slack-cmd', command.trigger_id),
      source: 'slack',
      requester: slackRequester(command.user_id, command.user_name),
      summary,
      ...(text !== summary ? { description: clip(text, MAX_TEXT_CHARS) } : {}),
      ...(system ? { system } : {}),
    },
  };
}

/** Decides what a `block_actions` payload asks; 400 for a tierflow button with a bad action or value. */
export function decideClick(payload: BlockActions): ClickDecision {
  const action = payload.actions.find((a) => buttonAction(a.action_id) !== null);
  if (!action) return { kind: 'ignore', label: 'other_action', reason: 'not a tierflow button' };
  const name = buttonAction(action.action_id);
  if (name === 'unknown' || name === null) {
    throw new HttpError(
      400,
      `unknown button action ${action.action_id.slice(0, 60)}; one of ${BUTTON_ACTIONS.map(buttonId).join(', ')}`,
      undefined,
      'invalid_body',
    );
  }
  const id = requestIdSchema.safeParse(action.value ?? '');
  if (!id.success)
    throw new HttpError(400, `button value must be a request id, got ${JSON.stringify((action.value ?? '').slice(0, 60))}`, undefined, 'invalid_body');
  const user = payload.user.id;
  return {
    kind: 'act',
    id: id.data,
    action: name,
    args: { actor: user, source: 'slack', ...(name === 'escalate' ? { note: SLACK_ESCALATION_NOTE } : {}) },
    updateId: `slack-${action.action_ts}-${user}`,
  };
}
