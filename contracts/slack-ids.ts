/**
 * What tierflow's Slack messages carry for machines to read back: the buttons' `action_id`s (a
 * contract between the status message and `POST /slack/interactions`) and the message-metadata
 * event types by which a retried activity finds what an earlier attempt posted.
 */
import type { ActionName } from '../domain/request-actions.js';

/** Prefix of every tierflow button's `action_id`; the button's `value` is the request id. */
export const SLACK_BUTTON_PREFIX = 'tierflow_';

/**
 * Actions a button may ask for. Each acts at once for the clicking user, except `escalate`, which
 * first asks for a reason in a modal ({@link ESCALATE_VIEW}); `reopen` and `solved` belong to the requester.
 */
export const BUTTON_ACTIONS = ['acknowledge', 'pause', 'resume', 'escalate', 'resolve', 'solved', 'reopen'] as const satisfies readonly ActionName[];
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

/** The `action_id` of a button. @example buttonId('pause') // 'tierflow_pause' */
export function buttonId(action: ButtonAction): string {
  return `${SLACK_BUTTON_PREFIX}${action}`;
}

/**
 * The action a tierflow button asks for: null for another app's button, `'unknown'` for a
 * tierflow id naming no button action.
 * @example buttonAction('tierflow_pause') // 'pause'
 */
export function buttonAction(actionId: string): ButtonAction | 'unknown' | null {
  if (!actionId.startsWith(SLACK_BUTTON_PREFIX)) return null;
  const name = actionId.slice(SLACK_BUTTON_PREFIX.length);
  return (BUTTON_ACTIONS as readonly string[]).includes(name) ? (name as ButtonAction) : 'unknown';
}

/** `callback_id` of the modal `/it-help` opens without text; its submission starts a request. */
export const NEW_REQUEST_VIEW = 'tierflow_new_request';
/** `callback_id` of the modal the Escalate button opens (`private_metadata` = the request id); its submission escalates. */
export const ESCALATE_VIEW = 'tierflow_escalate';

/** Metadata event type of a request's status message (payload `request_id`). */
export const THREAD_EVENT_TYPE = 'tierflow_request';
/** Metadata event type of tierflow's thread replies (payload `effect_id`, `request_id`, `event`). */
export const EFFECT_EVENT_TYPE = 'tierflow_effect';
