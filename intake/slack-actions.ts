/**
 * What a slash command or a button click asks of Temporal, decided from the payload alone.
 *
 * `/it-help` without text asks for the new-request modal (`slack-modals.ts`); `/it-help oncall` (or
 * `on-call`, `on call`, alone) asks who is on call (`slack-on-call.ts`). Any other text starts a
 * request (`req-slack-cmd-<trigger_id>`): leading words in any order may set the request's type
 * (`question`, `access`, `change`, `crisis`), its priority (`P1`…`P4`) and its system (an id of the
 * registry's systems); they are taken out of the summary, as long as some text follows them. A first
 * word that only looks like an id (`figma`) is passed on as the system to try and kept in the text:
 * routing, in the workflow, falls back to classifying the text when no system answers to it.
 *
 * Buttons of the status message: `action_id` = `tierflow_<action>`, `value` = the request id; the
 * update id `slack-<action_ts>-<user>` makes a redelivered click apply once. Escalate does not act
 * at once: it asks for the reason first (`ESCALATE_VIEW`).
 */
import type { ActionArgs } from '../domain/request-actions.js';
import { REQUEST_TYPES, type Priority, type RequestType } from '../domain/types.js';
import type { HelpRequestInput } from '../contracts/help-request.js';
import { BUTTON_ACTIONS, buttonAction, buttonId, type ButtonAction } from '../contracts/slack-ids.js';
import { HttpError } from './http-errors.js';
import { clip, MAX_TEXT_CHARS, slackToPlainText, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { isOnCallText } from './slack-on-call.js';
import { slackRequester } from './requesters.js';
import { requestIdSchema } from './schemas.js';
import type { BlockActions, SlashCommand } from './slack-schemas.js';

/** What a slash command asks: the new-request modal, who is on call (`slack-on-call.ts`), or a request at once. */
export type CommandDecision = { kind: 'form'; triggerId: string } | { kind: 'on_call' } | { kind: 'start'; input: HelpRequestInput };

/** What a click asks: an action at once, the escalation modal, or nothing of ours. */
export type ClickDecision =
  | { kind: 'ignore'; label: string; reason: string }
  | { kind: 'act'; id: string; action: Exclude<ButtonAction, 'escalate'>; args: ActionArgs; updateId: string }
  | { kind: 'ask_reason'; id: string; triggerId: string };

/** What the command needs besides the payload. */
export interface CommandContext {
  /** Ids of the registry's systems (recognised case-insensitively as a leading word). */
  systemIds: readonly string[];
}

const SYSTEM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PRIORITY_WORD = /^p[1-4]$/i;

/** The ephemeral help shown when the modal cannot be opened. */
export function usageText(command: string): string {
  return [
    `*Usage:* \`${command}\` opens a form; \`${command} [type] [P1–P4] [system] summary\` opens a request at once and posts it in the help channel.`,
    `Type is one of ${REQUEST_TYPES.join(', ')} (default question); the words may come in any order before the summary.`,
    `For example: \`${command} access okta-sso I need the admin role\` or \`${command} crisis P1 everyone is locked out of Okta\`.`,
    `\`${command} oncall\` shows you (only you) who is on shift now and who is next.`,
  ].join('\n');
}

/** The words a command's text starts with that set the request's fields, and the rest. */
export interface CommandWords {
  type?: RequestType;
  priority?: Priority;
  /** A registry system named by id. */
  system?: string;
  /** A first word that only looks like a system id: passed on, and kept in `rest`. */
  systemHint?: string;
  rest: string;
}

/**
 * Splits the leading type, priority and system words off a command's text. A word counts only
 * while some text follows it, so `/it-help vpn` stays a request about "vpn".
 * @example commandWords('crisis P1 okta-sso everyone is locked out', ['okta-sso'])
 * // { type: 'crisis', priority: 'P1', system: 'okta-sso', rest: 'everyone is locked out' }
 */
export function commandWords(text: string, systemIds: readonly string[]): CommandWords {
  const known = new Map(systemIds.map((id) => [id.toLowerCase(), id]));
  const words: Omit<CommandWords, 'rest'> = {};
  let rest = text.trim();
  for (;;) {
    const match = /^(\S+)\s+(\S[\s\S]*)$/.exec(rest);
    if (!match) break;
    const [, word = '', after = ''] = match;
    const lower = word.toLowerCase();
    if (!words.priority && PRIORITY_WORD.test(word)) words.priority = word.toUpperCase() as Priority;
    else if (!words.type && (REQUEST_TYPES as readonly string[]).includes(lower)) words.type = lower as RequestType;
    else if (!words.system && known.has(lower)) words.system = known.get(lower);
    else {
      const keyword = PRIORITY_WORD.test(word) || (REQUEST_TYPES as readonly string[]).includes(lower);
      if (!words.system && !keyword && SYSTEM_ID.test(word)) words.systemHint = word;
      break;
    }
    rest = after;
  }
  return { ...words, rest };
}

/** Decides what a slash command asks. */
export function decideCommand(command: SlashCommand, ctx: CommandContext): CommandDecision {
  const text = slackToPlainText(command.text).trim();
  if (!text) return { kind: 'form', triggerId: command.trigger_id };
  if (isOnCallText(text)) return { kind: 'on_call' };
  const { type, priority, system, systemHint, rest } = commandWords(text, ctx.systemIds);
  const summary = summaryOf(rest, rest);
  // The rest is kept as the description when it says more than the summary (more lines, or cut).
  const description = rest.replace(/\s+/g, ' ').trim() !== summary ? clip(rest, MAX_TEXT_CHARS) : undefined;
  const chosen = system ?? systemHint;
  return {
    kind: 'start',
    input: {
      id: requestIdFor('slack-cmd', command.trigger_id),
      source: 'slack',
      requester: slackRequester(command.user_id, command.user_name),
      summary,
      ...(description ? { description } : {}),
      ...(chosen ? { system: chosen } : {}),
      ...(type ? { type } : {}),
      ...(priority ? { priority } : {}),
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
  if (name === 'escalate') {
    if (!payload.trigger_id) throw new HttpError(400, 'an Escalate click needs a trigger_id (to ask for the reason)', undefined, 'invalid_body');
    return { kind: 'ask_reason', id: id.data, triggerId: payload.trigger_id };
  }
  const user = payload.user.id;
  return { kind: 'act', id: id.data, action: name, args: { actor: user, source: 'slack' }, updateId: `slack-${action.action_ts}-${user}` };
}
