/**
 * The modals tierflow shows in Slack (Block Kit views, opened with `views.open`): the new-request
 * form of `/it-help`, the confirmation that replaces it once the request is open, and the reason an
 * escalation asks for. Inputs are read back by block id and `INPUT_ACTION` (`slack-views.ts`).
 */
import type { KnownBlock, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';

import { PRIORITIES, REQUEST_TYPES, type Priority, type RequestType } from '../domain/types.js';
import { ESCALATE_VIEW, NEW_REQUEST_VIEW } from '../contracts/slack-ids.js';

/** A registry system as the form offers it. */
export interface SystemChoice {
  id: string;
  name: string;
}

/** The `action_id` of every input of tierflow's modals (the block id names the field). */
export const INPUT_ACTION = 'value';
/** Block ids of the new-request form: the field names a validation error points at. */
export const NEW_REQUEST_FIELDS = ['system', 'type', 'priority', 'summary', 'description'] as const;
export type NewRequestField = (typeof NEW_REQUEST_FIELDS)[number];
/** Block id of the escalation reason. */
export const REASON_FIELD = 'reason';
/** The system choice for "I don't know which system". */
export const NOT_SURE = 'not-sure';
/** Longest summary the form takes (a request keeps up to 200; the form asks for a short one). */
export const MAX_FORM_SUMMARY_CHARS = 150;
/** Longest description or reason a modal input takes (Slack's own limit for a text input). */
export const MAX_MODAL_TEXT_CHARS = 3_000;
/** Slack shows at most 100 options in a static select; one is "Not sure". */
const MAX_SYSTEM_OPTIONS = 99;

const TYPE_LABELS: Record<RequestType, string> = {
  question: 'Question: how do I…?',
  access: 'Access: I need access to…',
  change: 'Change: configure or change a system',
  crisis: 'Crisis: many people are affected now',
};
const PRIORITY_LABELS: Record<Priority, string> = { P1: 'P1: critical', P2: 'P2: high', P3: 'P3: normal', P4: 'P4: low' };

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: false });
/** Option texts are at most 75 characters. */
const option = (text: string, value: string): PlainTextOption => ({ text: plain(text.length > 75 ? `${text.slice(0, 74)}…` : text), value });

/**
 * The form `/it-help` opens: system (the registry's, or "Not sure"), type, optional priority, a
 * required summary and an optional description.
 */
export function newRequestModal(systems: readonly SystemChoice[]): ModalView {
  const notSure = option('Not sure', NOT_SURE);
  const question = option(TYPE_LABELS.question, 'question');
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'system',
      label: plain('System'),
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        placeholder: plain('Pick the system'),
        options: [...systems.slice(0, MAX_SYSTEM_OPTIONS).map((s) => option(s.name, s.id)), notSure],
        initial_option: notSure,
      },
    },
    {
      type: 'input',
      block_id: 'type',
      label: plain('Type'),
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        options: REQUEST_TYPES.map((t) => option(TYPE_LABELS[t], t)),
        initial_option: question,
      },
    },
    {
      type: 'input',
      block_id: 'priority',
      optional: true,
      label: plain('Priority'),
      hint: plain('Leave it empty for the usual priority of the type.'),
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        placeholder: plain('Usual priority'),
        options: PRIORITIES.map((p) => option(PRIORITY_LABELS[p], p)),
      },
    },
    {
      type: 'input',
      block_id: 'summary',
      label: plain('Summary'),
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: MAX_FORM_SUMMARY_CHARS,
        placeholder: plain('Locked out of Okta after the MFA reset'),
      },
    },
    {
      type: 'input',
      block_id: 'description',
      optional: true,
      label: plain('Description'),
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: MAX_MODAL_TEXT_CHARS },
    },
  ];
  return { type: 'modal', callback_id: NEW_REQUEST_VIEW, title: plain('IT & security help'), submit: plain('Open request'), close: plain('Cancel'), blocks };
}

/**
 * What replaces the form once the request is open: a link to the requester's status page and the
 * help channel where the help desk answers.
 * @example requestOpenedView({ id: 'req-slack-modal-V1', url: 'https://…', helpChannel: 'C0ITHELP', duplicate: false })
 */
export function requestOpenedView(opts: { id: string; url: string; helpChannel: string; duplicate: boolean }): ModalView {
  const verb = opts.duplicate ? 'is already open' : 'is open';
  return {
    type: 'modal',
    title: plain('Request opened'),
    close: plain('Done'),
    blocks: [
      {
        type: 'section',
        block_id: 'opened',
        text: { type: 'mrkdwn', text: `Request <${opts.url}|${opts.id}> ${verb}. The help desk answers in its thread in <#${opts.helpChannel}>.` },
      },
    ],
  };
}

/** The reason an escalation asks for; `private_metadata` carries the request id. */
export function escalateModal(requestId: string): ModalView {
  return {
    type: 'modal',
    callback_id: ESCALATE_VIEW,
    private_metadata: requestId,
    title: plain('Escalate request'),
    submit: plain('Escalate'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        block_id: 'request',
        text: { type: 'mrkdwn', text: `Escalate \`${requestId}\` to the next tier. The reason is recorded on the request and posted in its thread.` },
      },
      {
        type: 'input',
        block_id: REASON_FIELD,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: true,
          max_length: MAX_MODAL_TEXT_CHARS,
          placeholder: plain('Needs an Okta admin: the MFA factor cannot be reset from the help desk'),
        },
      },
    ],
  };
}
