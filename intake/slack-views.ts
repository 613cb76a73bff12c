/**
 * What a modal submission (`view_submission`) asks, decided from the payload alone: the new-request
 * form starts a request, the escalation form escalates with its reason. A field the person must fix
 * is answered with `response_action: 'errors'` naming its block, so the modal stays open with the
 * message under the field; a payload no Slack client would send (a forged request id) is a 400.
 */
import type { ActionArgs } from '../domain/request-actions.js';
import { PRIORITIES, REQUEST_TYPES, type Priority, type RequestType } from '../domain/types.js';
import type { HelpRequestInput } from '../contracts/help-request.js';
import { HttpError } from './http-errors.js';
import { clip, MAX_TEXT_CHARS, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { slackRequester } from './requesters.js';
import { requestIdSchema } from './schemas.js';
import { INPUT_ACTION, MAX_FORM_SUMMARY_CHARS, NOT_SURE, REASON_FIELD, type NewRequestField } from './slack-modals.js';
import type { ViewSubmission } from './slack-schemas.js';

/** Messages shown under the fields of a modal, by block id. */
export type FieldErrors = Record<string, string>;

/** What the new-request form asks. */
export type NewRequestDecision = { kind: 'errors'; errors: FieldErrors } | { kind: 'start'; input: HelpRequestInput };

/** What the escalation form asks. */
export type EscalationDecision = { kind: 'errors'; errors: FieldErrors } | { kind: 'escalate'; id: string; args: ActionArgs; updateId: string };

/** The request id of a form submission: the view's id, so a redelivered submission finds the same request. */
export function slackModalRequestId(viewId: string): string {
  return requestIdFor('slack-modal', viewId);
}

/** A text input's value, or a select's chosen value, trimmed ('' when empty). */
function valueOf(submission: ViewSubmission, block: string): string {
  const state = submission.view.state.values[block]?.[INPUT_ACTION];
  return (state?.selected_option?.value ?? state?.value ?? '').trim();
}

/** Decides what a submitted new-request form asks; `systemIds` are the registry's, which the form offered. */
export function decideNewRequest(submission: ViewSubmission, ctx: { systemIds: readonly string[] }): NewRequestDecision {
  const errors: Partial<Record<NewRequestField, string>> = {};
  const system = valueOf(submission, 'system');
  if (system !== '' && system !== NOT_SURE && !ctx.systemIds.includes(system)) errors.system = 'Pick a system from the list, or "Not sure".';
  const type = valueOf(submission, 'type') || 'question';
  if (!(REQUEST_TYPES as readonly string[]).includes(type)) errors.type = `Pick one of ${REQUEST_TYPES.join(', ')}.`;
  const priority = valueOf(submission, 'priority');
  if (priority !== '' && !(PRIORITIES as readonly string[]).includes(priority)) errors.priority = `Pick one of ${PRIORITIES.join(', ')}, or leave it empty.`;
  const text = valueOf(submission, 'summary');
  const summary = summaryOf(text, '');
  if (summary === '') errors.summary = 'Say in a few words what you need.';
  else if (text.length > MAX_FORM_SUMMARY_CHARS)
    errors.summary = `Keep the summary within ${MAX_FORM_SUMMARY_CHARS} characters; the description takes the rest.`;
  if (Object.keys(errors).length > 0) return { kind: 'errors', errors };

  const description = valueOf(submission, 'description');
  const { user, view } = submission;
  return {
    kind: 'start',
    input: {
      id: slackModalRequestId(view.id),
      source: 'slack',
      requester: slackRequester(user.id, user.name ?? user.username),
      summary,
      ...(description ? { description: clip(description, MAX_TEXT_CHARS) } : {}),
      ...(system && system !== NOT_SURE ? { system } : {}),
      type: type as RequestType,
      ...(priority ? { priority: priority as Priority } : {}),
    },
  };
}

/** Decides what a submitted escalation form asks: the request in `private_metadata`, the reason as the note. */
export function decideEscalation(submission: ViewSubmission): EscalationDecision {
  const { user, view } = submission;
  const id = requestIdSchema.safeParse(view.private_metadata);
  if (!id.success) throw new HttpError(400, 'the escalation form does not carry a request id in private_metadata', undefined, 'invalid_body');
  const reason = valueOf(submission, REASON_FIELD);
  if (reason === '') return { kind: 'errors', errors: { [REASON_FIELD]: 'Say why the request needs the next tier.' } };
  return {
    kind: 'escalate',
    id: id.data,
    args: { actor: user.id, note: clip(reason, MAX_TEXT_CHARS), source: 'slack' },
    updateId: `slack-${view.id}-${user.id}`,
  };
}
