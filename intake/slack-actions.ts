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
import { SLACK_BUTTON_PREFIX, type EngineerActionName, type HelpRequestInput } from '../workflows/contracts.js';
import { HttpError } from './http-errors.js';
import { clip, MAX_TEXT_CHARS, slackToPlainText, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { slackRequester } from './requesters.js';
import { requestIdSchema } from './schemas.js';
import type { BlockActions, SlashCommand } from './slack-schemas.js';

/** Prefix of every tierflow button's `action_id`. */
export const BUTTON_PREFIX = SLACK_BUTTON_PREFIX;

/**
 * Actions a button may run: they need nothing but the clicking user (escalate gets a fixed note).
 * The status message shows acknowledge, pause, escalate, resolve and (at Tier 1) solved.
 */
export const BUTTON_ACTIONS = ['acknowledge', 'pause', 'resume', 'escalate', 'resolve', 'solved', 'reopen'] as const satisfies readonly EngineerActionName[];
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

/** The note of an escalation from a button (the domain requires a reason). */
export const SLACK_ESCALATION_NOTE = 'escalated from Slack';

/** What a slash command asks. */
export type CommandDecision = { kind: 'usage'; text: string } | { kind: 'start'; input: HelpRequestInput };

/** What a click asks. */
export type ClickDecision =
  | { kind: 'ignore'; label: string; reason: string }
  | { kind: 'act'; id: string; action: ButtonAction; args: ActionArgs; updateId: string };

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
  const action = payload.actions.find((a) => a.action_id.startsWith(BUTTON_PREFIX));
  if (!action) return { kind: 'ignore', label: 'other_action', reason: 'not a tierflow button' };
  const name = action.action_id.slice(BUTTON_PREFIX.length);
  if (!(BUTTON_ACTIONS as readonly string[]).includes(name)) {
    throw new HttpError(400, `unknown button action ${action.action_id.slice(0, 60)}; one of ${BUTTON_ACTIONS.map((a) => BUTTON_PREFIX + a).join(', ')}`, undefined, 'invalid_body');
  }
  const id = requestIdSchema.safeParse(action.value ?? '');
  if (!id.success) throw new HttpError(400, `button value must be a request id, got ${JSON.stringify((action.value ?? '').slice(0, 60))}`, undefined, 'invalid_body');
  const user = payload.user.id;
  return {
    kind: 'act',
    id: id.data,
    action: name as ButtonAction,
    args: { actor: user, source: 'slack', ...(name === 'escalate' ? { note: SLACK_ESCALATION_NOTE } : {}) },
    updateId: `slack-${action.action_ts}-${user}`,
  };
}
