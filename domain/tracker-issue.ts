/**
 * What the state of a request's tracker issue means for the request: a closed issue resolves it,
 * a reopened one reopens it. Used alike for a GitLab hook (the issue just changed) and for the
 * reconciliation (the issue and the request disagree because a hook was lost).
 */
import type { ActionName } from './request-actions.js';
import { ACTIVE_STATUSES, type RequestStatus } from './request.js';

/** GitLab's issue states, and the hook actions that move an issue into them. */
export type IssueState = 'opened' | 'closed';
const STATE_AFTER: Readonly<Record<string, IssueState>> = { close: 'closed', reopen: 'opened' };

/** The request action an issue entering `state` asks for. */
export const ISSUE_STATE_ACTION: Readonly<Record<IssueState, Extract<ActionName, 'resolve' | 'reopen'>>> = { closed: 'resolve', opened: 'reopen' };

/**
 * The request action a hook's issue action (`close`, `reopen`) asks for, or null for any other.
 * @example actionForIssueEvent('close') // 'resolve'
 */
export function actionForIssueEvent(hookAction: string | null | undefined): 'resolve' | 'reopen' | null {
  const state = hookAction ? STATE_AFTER[hookAction] : undefined;
  return state ? ISSUE_STATE_ACTION[state] : null;
}

/**
 * The action that brings a request in line with its issue's state, or null when they agree: a
 * closed issue of an active request resolves it, an open issue of a resolved request reopens it.
 * @example actionForIssueState('closed', 'acknowledged') // 'resolve'
 */
export function actionForIssueState(issueState: string, status: RequestStatus | string): 'resolve' | 'reopen' | null {
  if (issueState === 'closed' && (ACTIVE_STATUSES as readonly string[]).includes(status)) return ISSUE_STATE_ACTION.closed;
  if (issueState === 'opened' && status === 'resolved') return ISSUE_STATE_ACTION.opened;
  return null;
}
