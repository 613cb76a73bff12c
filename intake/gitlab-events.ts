/**
 * What one GitLab Issue Hook or Note Hook asks of Temporal, decided from the payload and, where
 * needed, from what tierflow itself recorded about the issue (looked up through the gateway).
 *
 * Only the tracker project (`GITLAB_PROJECT`) counts. An issue is named by the numbers GitLab sets
 * — its project's id and its iid — and never by text a user can write: a description can carry a
 * copy of tierflow's hidden marker (`<!-- tierflow-request: <id> -->`; request ids show in every
 * Slack thread), so the marker never picks a request. An issue's request is
 * - the request started from the issue (an issue someone opened: `req-gitlab-<project id>-<iid>`), or
 * - the request that records the issue as its tracker issue (the `TrackerIssue` search attribute,
 *   set from GitLab's answer when tierflow opened it).
 *
 * - close → `resolve`, reopen → `reopen`, a note → `comment` (actor: the GitLab username, source
 *   `gitlab`), on the issue's request; an issue no request records is acknowledged and ignored;
 * - open → a new request about that issue (`gitlabIssue`), its type and priority from `type::…` /
 *   `priority::…` labels (default type `change`: the seed sends change and configuration requests to
 *   the tracker), its system from a `corpsys::…` label if any — unless a request already records
 *   the issue, or the issue is tierflow's own still being opened (its marker names a request that
 *   has no tracker issue yet: GitLab's hook can arrive before GitLab's answer does);
 * - system notes and notes tierflow wrote (effect marker), anything else → acknowledged and ignored;
 * - tierflow's post-incident review issues (review marker) are opened by tierflow: no request starts.
 */
import type { ActionArgs } from '../domain/request-actions.js';
import { markedEffectId, markedRequestId, markedReviewId } from '../contracts/tracker-marker.js';
import { actionForIssueEvent } from '../domain/tracker-issue.js';
import { PRIORITIES, REQUEST_TYPES } from '../domain/types.js';
import type { ActionName, HelpRequestInput } from '../contracts/help-request.js';
import { trackerIssueValue } from '../contracts/search-attributes.js';
import type { IssueHook, NoteHook } from './gitlab-schemas.js';
import { clip, MAX_TEXT_CHARS, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { gitlabRequester } from './requesters.js';
import type { TrackerIssueRecord } from './temporal-gateway.js';

/** An issue as GitLab numbers it: the project's numeric id and the issue's iid in it. */
export interface IssueNumbers {
  projectId: number;
  iid: number;
}

/** An acknowledged delivery with nothing to do; `log` is worth a line in the intake's log. */
export interface IgnoreDecision {
  kind: 'ignore';
  label: string;
  reason: string;
  log?: string;
}

/**
 * An action on the request of an issue, once it is known which request that is: the one started
 * from the issue (`bornId`, if it exists), else the one that records the issue.
 */
export interface ActOnIssueDecision {
  kind: 'act_on_issue';
  issue: IssueNumbers;
  bornId: string;
  action: ActionName;
  args: ActionArgs;
}

/** A new request about an issue opened in the tracker, unless the issue is already a request's. */
export interface OpenIssueDecision {
  kind: 'open_issue';
  issue: IssueNumbers;
  /** The request a marker in the description names: only ever a reason to hold back, never a target. */
  markedId: string | null;
  input: HelpRequestInput;
}

/** What intake does with one hook; the `…_issue` kinds need a lookup first (see {@link decideIssueAction}, {@link decideIssueOpen}). */
export type GitlabDecision =
  | IgnoreDecision
  | { kind: 'start'; input: HelpRequestInput }
  | { kind: 'act'; id: string; action: ActionName; args: ActionArgs }
  | ActOnIssueDecision
  | OpenIssueDecision;

/** What the decision needs besides the payload. */
export interface GitlabContext {
  /** The tracker project: its path (`group/project`) or numeric id. */
  project: string;
}

/** Type of a request opened as a tracker issue without a `type::` label. */
export const DEFAULT_GITLAB_TYPE = 'change';

/** The request id of an issue opened in the tracker by someone (both numbers set by GitLab). */
export function gitlabIssueRequestId(projectId: number, iid: number): string {
  return requestIdFor('gitlab', `${projectId}-${iid}`);
}

/** True when the hook's project is the tracker. */
function isTracker(project: { id: number; path_with_namespace: string }, ctx: GitlabContext): boolean {
  const wanted = ctx.project.trim().toLowerCase();
  return wanted === String(project.id) || wanted === project.path_with_namespace.toLowerCase();
}

function actOnIssue(projectId: number, iid: number, action: ActionName, args: ActionArgs): ActOnIssueDecision {
  return { kind: 'act_on_issue', issue: { projectId, iid }, bornId: gitlabIssueRequestId(projectId, iid), action, args };
}

function labelValue<T extends string>(labels: string[], prefix: string, allowed: readonly T[]): T | undefined {
  const values = labels.filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
  return allowed.find((a) => values.some((v) => v.toLowerCase() === a.toLowerCase()));
}

/** Decides what an Issue Hook asks. */
export function decideIssueHook(hook: IssueHook, ctx: GitlabContext): GitlabDecision {
  const { object_attributes: issue, project, user } = hook;
  if (!isTracker(project, ctx)) return { kind: 'ignore', label: 'other_project', reason: 'not the tracker project' };
  const args: ActionArgs = { actor: user.username, source: 'gitlab' };
  const action = actionForIssueEvent(issue.action);
  if (action) return actOnIssue(project.id, issue.iid, action, { ...args, note: `issue ${action === 'resolve' ? 'closed' : 'reopened'} in GitLab` });
  switch (issue.action) {
    case 'open': {
      // tierflow's own post-incident review issue is about a request, not a new one. (A person who
      // copies the hidden marker only keeps their own issue from becoming a request.)
      if (markedReviewId(issue.description) !== null) return { kind: 'ignore', label: 'review_issue', reason: 'post-incident review issue opened by tierflow' };
      const labels = (hook.labels ?? []).map((l) => l.title);
      const system = labels.find((l) => /^corpsys::/i.test(l));
      const priority = labelValue(labels, 'priority::', PRIORITIES);
      const description = (issue.description ?? '').trim();
      return {
        kind: 'open_issue',
        issue: { projectId: project.id, iid: issue.iid },
        markedId: markedRequestId(issue.description),
        input: {
          id: gitlabIssueRequestId(project.id, issue.iid),
          source: 'gitlab',
          requester: gitlabRequester(user),
          summary: summaryOf(issue.title, `GitLab issue #${issue.iid}`),
          ...(description ? { description: clip(description, MAX_TEXT_CHARS) } : {}),
          ...(system ? { system } : {}),
          type: labelValue(labels, 'type::', REQUEST_TYPES) ?? DEFAULT_GITLAB_TYPE,
          ...(priority ? { priority } : {}),
          gitlabIssue: { iid: issue.iid, url: issue.url, projectId: project.id },
        },
      };
    }
    default:
      return { kind: 'ignore', label: 'unhandled_action', reason: `issue action ${(issue.action ?? 'none').slice(0, 30)} is not handled` };
  }
}

/** Decides what a Note Hook asks. */
export function decideNoteHook(hook: NoteHook, ctx: GitlabContext): GitlabDecision {
  const { object_attributes: note, project, user, issue } = hook;
  if (note.noteable_type !== 'Issue' || !issue) return { kind: 'ignore', label: 'other_noteable', reason: `note on ${note.noteable_type.slice(0, 30)}` };
  if (note.system) return { kind: 'ignore', label: 'system_note', reason: 'system note' };
  // Loop guard: tierflow's own notes end with an effect marker. (A person who ends a note with
  // one only mutes that note: it picks no request.)
  if (markedEffectId(note.note) !== null) return { kind: 'ignore', label: 'own_note', reason: 'note written by tierflow' };
  if (!isTracker(project, ctx)) return { kind: 'ignore', label: 'other_project', reason: 'not the tracker project' };
  const text = note.note.trim();
  if (!text) return { kind: 'ignore', label: 'empty_text', reason: 'empty note' };
  return actOnIssue(project.id, issue.iid, 'comment', { actor: user.username, note: clip(text, MAX_TEXT_CHARS), source: 'gitlab' });
}

/** What Temporal knows of an issue acted on: whether its born request exists, else who records it. */
export interface IssueActionFacts {
  /** The request started from the issue (`bornId`), or null when there is none. */
  born: TrackerIssueRecord | null;
  /** The request whose `TrackerIssue` is the issue (looked up only when there is no born request). */
  recordedBy: string | null;
}

/**
 * The action of a close, reopen or note, on the issue's request: the one started from the issue,
 * else the one that records it; an issue no request records is ignored (`untracked_issue`).
 */
export function decideIssueAction(decision: ActOnIssueDecision, facts: IssueActionFacts): GitlabDecision {
  const id = facts.born ? decision.bornId : facts.recordedBy;
  if (!id) return { kind: 'ignore', label: 'untracked_issue', reason: 'untracked issue' };
  return { kind: 'act', id, action: decision.action, args: decision.args };
}

/** What Temporal knows of an opened issue. */
export interface IssueOpenFacts {
  /** The request whose `TrackerIssue` is the issue, if any (visibility). */
  recordedBy: string | null;
  /** What the request the marker names records (null: no marker, or no such request). */
  marked: TrackerIssueRecord | null;
}

/**
 * Whether an opened issue starts a request:
 * - a request already records the issue → ignored (`own_issue`; a redelivery for the request the
 *   issue started goes on to `start`, which finds the same workflow);
 * - the marker names a request that records this very issue (visibility not caught up yet) →
 *   ignored; one that runs and records no issue yet (tierflow's own create in flight, or a copy
 *   of a marker; either way no other request's business) → ignored, logged;
 * - any other case (no marker, a marker naming nothing, or a request with another issue) → a new
 *   request about this issue. The request a marker names is never touched.
 */
export function decideIssueOpen(decision: OpenIssueDecision, facts: IssueOpenFacts): GitlabDecision {
  const { recordedBy, marked } = facts;
  if (recordedBy && recordedBy !== decision.input.id) return { kind: 'ignore', label: 'own_issue', reason: 'issue opened by tierflow' };
  if (!recordedBy && decision.markedId && marked) {
    const value = trackerIssueValue(decision.issue.projectId, decision.issue.iid);
    if (marked.trackerIssue === value) return { kind: 'ignore', label: 'own_issue', reason: 'issue opened by tierflow' };
    if (marked.running && marked.trackerIssue === null) {
      return {
        kind: 'ignore',
        label: 'pending_own_issue',
        reason: 'issue names a request whose tracker issue is not recorded yet',
        log: `GitLab issue ${value} names ${decision.markedId}, which has no tracker issue recorded yet: taken for tierflow's own issue being opened, not started as a request`,
      };
    }
  }
  return { kind: 'start', input: decision.input };
}
