/**
 * What to change on a tracker issue so it matches its request: scoped labels for the tier, the
 * priority and the system, and the open/closed state. Pure: compares the issue as read with the
 * request's state and returns the one edit to make (or none), so a retry computes nothing new.
 */
import type { RequestState, RequestStatus } from '../domain/request.js';

/** Label scopes tierflow owns on tracker issues; other labels are left as people set them. */
export const MANAGED_SCOPES = ['tier', 'priority', 'corpsys'] as const;

/** Statuses in which the request's issue is closed; in every other status it is open. */
export const ENDED_STATUSES: readonly RequestStatus[] = ['resolved', 'cancelled', 'closed'];

/** The parts of a GitLab issue the sync reads. */
export interface IssueSnapshot {
  labels: string[];
  state: 'opened' | 'closed' | string;
}

/** One `PUT /issues/:iid` worth of changes; all empty when the issue already matches. */
export interface TrackerEdit {
  addLabels: string[];
  removeLabels: string[];
  stateEvent: 'close' | 'reopen' | null;
}

const scopeOf = (label: string): string | null => {
  const cut = label.lastIndexOf('::');
  return cut > 0 ? label.slice(0, cut) : null;
};

/** The managed labels a request's issue should carry: `tier::<n>`, `priority::<P>` and the system's `corpsys::` label. */
export function desiredLabels(state: RequestState): string[] {
  return [`tier::${state.tier}`, `priority::${state.priority}`, ...(state.system ? [state.system.gitlabLabel] : [])];
}

/**
 * The edit that brings `issue` in line with `state`. Scoped labels are swapped explicitly (GitLab
 * Free does not evict `tier::3` when `tier::4` is added; Premium does). A request without a system
 * leaves `corpsys::` labels alone (someone may have triaged on GitLab). The issue closes when the
 * request is resolved, cancelled or closed, and reopens when the request is active again.
 */
export function planTrackerEdit(issue: IssueSnapshot, state: RequestState): TrackerEdit {
  const wanted = desiredLabels(state);
  const wantedScopes = new Set(wanted.map(scopeOf));
  const addLabels = wanted.filter((label) => !issue.labels.includes(label));
  const removeLabels = issue.labels.filter((label) => {
    const scope = scopeOf(label);
    return scope !== null && (MANAGED_SCOPES as readonly string[]).includes(scope) && wantedScopes.has(scope) && !wanted.includes(label);
  });
  const active = !ENDED_STATUSES.includes(state.status);
  const stateEvent = active && issue.state === 'closed' ? 'reopen' : !active && issue.state === 'opened' ? 'close' : null;
  return { addLabels, removeLabels, stateEvent };
}

/** True when the edit changes nothing. */
export function isNoop(edit: TrackerEdit): boolean {
  return edit.addLabels.length === 0 && edit.removeLabels.length === 0 && edit.stateEvent === null;
}

/**
 * Whether an escalation note should mention the system owners: when the issue was not at the
 * request's tier yet. An issue opened by this escalation already carries the tier's label and
 * its description mentioned the owners, so they are pinged once, not twice.
 */
export function entersNewTier(issue: IssueSnapshot, state: RequestState): boolean {
  return !issue.labels.includes(`tier::${state.tier}`);
}

// Lines GitLab may have run as quick actions and removed from the stored text.
const QUICK_ACTION_LINE = /^\/[A-Za-z_]+(?:\s|$)/;
const meaningful = (text: string): string =>
  text
    .replace(/\r/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !QUICK_ACTION_LINE.test(line))
    .join('\n');

/**
 * Whether the stored description already says what tierflow would write: GitLab runs the quick
 * actions of a description and stores it without their lines (and the blank lines after them), so
 * both are compared without quick-action and blank lines. A retried rewrite then edits nothing.
 */
export function sameDescription(stored: string | null | undefined, wanted: string): boolean {
  return meaningful(stored ?? '') === meaningful(wanted);
}
