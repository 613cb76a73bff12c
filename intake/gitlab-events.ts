/**
 * What one GitLab Issue Hook or Note Hook asks of Temporal, decided from the payload alone.
 *
 * Only the tracker project (`GITLAB_PROJECT`) counts. The request of an issue is named by the
 * hidden marker tierflow writes at the end of its issues (`<!-- tierflow-request: <id> -->`), or,
 * for an issue someone opened in the tracker, derived from it: `req-gitlab-<project id>-<iid>`.
 * - close → `resolve`, reopen → `reopen` (actor: the GitLab username, source `gitlab`);
 * - open without our marker → a new request about that issue (`gitlabIssue`), its type and
 *   priority from `type::…` / `priority::…` labels (default type `change`: the seed sends change
 *   and configuration requests to the tracker), its system from a `corpsys::…` label if any;
 * - a note on an issue → `comment`, except system notes and notes tierflow wrote (effect marker);
 * - anything else → acknowledged and ignored.
 */
import { hasRequestMarker } from '../activities/gitlab-text.js';
import type { ActionArgs } from '../domain/request-actions.js';
import type { EngineerActionName, HelpRequestInput } from '../workflows/contracts.js';
import type { IssueHook, NoteHook } from './gitlab-schemas.js';
import { clip, MAX_TEXT_CHARS, summaryOf } from './incoming-text.js';
import { requestIdFor } from './request-id.js';
import { gitlabRequester } from './requesters.js';

/** What intake does with one hook. */
export type GitlabDecision =
  | { kind: 'ignore'; label: string; reason: string }
  | { kind: 'start'; input: HelpRequestInput }
  | { kind: 'act'; id: string; action: EngineerActionName; args: ActionArgs };

/** What the decision needs besides the payload. */
export interface GitlabContext {
  /** The tracker project: its path (`group/project`) or numeric id. */
  project: string;
}

const REQUEST_TYPES = ['question', 'access', 'change', 'crisis'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
/** Type of a request opened as a tracker issue without a `type::` label. */
export const DEFAULT_GITLAB_TYPE = 'change';

// Markers are written by `issueDescription` (activities/gitlab-text.ts); `hasRequestMarker` confirms.
const MARKER = /<!-- tierflow-request: (req-[A-Za-z0-9._-]{1,120}) -->/g;
const EFFECT_MARKER = /<!-- tierflow-effect: [^<>]*? -->\s*$/;

/** The request an issue description names with tierflow's marker (the last one), or null. */
export function markedRequestId(description: string | null | undefined): string | null {
  const ids = [...(description ?? '').matchAll(MARKER)].map((m) => m[1]!);
  const id = ids.at(-1);
  return id && hasRequestMarker(description, id) ? id : null;
}

/** The request id of an issue opened in the tracker by someone. */
export function gitlabIssueRequestId(projectId: number, iid: number): string {
  return requestIdFor('gitlab', `${projectId}-${iid}`);
}

/** True when the hook's project is the tracker. */
function isTracker(project: { id: number; path_with_namespace: string }, ctx: GitlabContext): boolean {
  const wanted = ctx.project.trim().toLowerCase();
  return wanted === String(project.id) || wanted === project.path_with_namespace.toLowerCase();
}

/** The request an issue of the tracker belongs to: marked, else derived. */
function requestOf(projectId: number, iid: number, description: string | null | undefined): string {
  return markedRequestId(description) ?? gitlabIssueRequestId(projectId, iid);
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
  switch (issue.action) {
    case 'close':
      return { kind: 'act', id: requestOf(project.id, issue.iid, issue.description), action: 'resolve', args: { ...args, note: 'issue closed in GitLab' } };
    case 'reopen':
      return { kind: 'act', id: requestOf(project.id, issue.iid, issue.description), action: 'reopen', args: { ...args, note: 'issue reopened in GitLab' } };
    case 'open': {
      if (markedRequestId(issue.description)) return { kind: 'ignore', label: 'own_issue', reason: 'issue opened by tierflow' };
      const labels = (hook.labels ?? []).map((l) => l.title);
      const system = labels.find((l) => /^corpsys::/i.test(l));
      const priority = labelValue(labels, 'priority::', PRIORITIES);
      const description = (issue.description ?? '').trim();
      return {
        kind: 'start',
        input: {
          id: gitlabIssueRequestId(project.id, issue.iid),
          source: 'gitlab',
          requester: gitlabRequester(user),
          summary: summaryOf(issue.title, `GitLab issue #${issue.iid}`),
          ...(description ? { description: clip(description, MAX_TEXT_CHARS) } : {}),
          ...(system ? { system } : {}),
          type: labelValue(labels, 'type::', REQUEST_TYPES) ?? DEFAULT_GITLAB_TYPE,
          ...(priority ? { priority } : {}),
          gitlabIssue: { iid: issue.iid, url: issue.url },
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
  // Loop guard: tierflow's own notes end with an effect marker.
  if (EFFECT_MARKER.test(note.note)) return { kind: 'ignore', label: 'own_note', reason: 'note written by tierflow' };
  if (!isTracker(project, ctx)) return { kind: 'ignore', label: 'other_project', reason: 'not the tracker project' };
  const text = note.note.trim();
  if (!text) return { kind: 'ignore', label: 'empty_text', reason: 'empty note' };
  return {
    kind: 'act',
    id: requestOf(project.id, issue.iid, issue.description),
    action: 'comment',
    args: { actor: user.username, note: clip(text, MAX_TEXT_CHARS), source: 'gitlab' },
  };
}
