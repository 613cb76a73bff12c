/**
 * GitLab activities over an injected `@gitbeaker/rest` client (built with the single-attempt
 * requester of `workers/clients.ts`, so nothing is sent twice behind our back).
 *
 * Both activities are idempotent under Temporal's retries, also after an "ambiguous" failure
 * (GitLab did the work, the answer was lost):
 * - `createTrackerIssue` searches for the request's marker before creating the issue;
 * - `syncTrackerIssue` looks for the effect's marker among the issue's latest notes before adding
 *   its note, and edits labels and state only where the issue differs from the request.
 * Markers are text anyone can copy (request ids show in every Slack thread), so an issue or note
 * counts as an earlier attempt's only when tierflow's own GitLab user (the token's) wrote it: a
 * person's issue or note carrying a copied marker is never adopted, never suppresses a note.
 */
import type { Gitlab } from '@gitbeaker/rest';

import type { RequestEvent, RequestState } from '../domain/request.js';
import { classifyGitlabError } from './errors.js';
import { stateTime } from './event-text.js';
import { hasEffectMarker, hasRequestMarker, requestMarker } from '../contracts/tracker-marker.js';
import { issueDescription, issueTitle, trackerNoteText } from './gitlab-text.js';
import { desiredLabels, entersNewTier, isNoop, planTrackerEdit, type IssueSnapshot } from './tracker-sync.js';

export type GitlabClient = InstanceType<typeof Gitlab>;

/** What the GitLab activities are built from. */
export interface GitlabDeps {
  gitlab: GitlabClient;
  /** The tracker project, path (`group/project`) or numeric id. */
  project: string;
  /** Clock in epoch ms: the window of recent issues, and note text when the state has no timeline (default `Date.now`). */
  now?: () => number;
}

/** The request's issue in the tracker. */
export interface TrackerIssueRef {
  iid: number;
  webUrl: string;
  /** GitLab's numeric id of the project the issue is in (absent in results recorded before it was returned). */
  projectId?: number;
}

/** Arguments of `createTrackerIssue`. */
export interface CreateTrackerIssueArgs {
  state: RequestState;
  /** Why the request reached the tracker (escalation reason, or "change request starts at Tier 3"). */
  reason: string;
  slackThread: string | null;
}

/** Arguments of `syncTrackerIssue`. */
export interface SyncTrackerIssueArgs {
  iid: number;
  /** The effect's id, unique within the request: the note's marker. */
  effectId: string;
  state: RequestState;
  event: RequestEvent;
  note?: string;
}

interface UserJson {
  id: number;
}

interface IssueJson {
  iid: number;
  project_id: number;
  web_url: string;
  author?: UserJson | null;
  description?: string | null;
  labels: string[];
  state: string;
}

interface NoteJson {
  body: string;
  system: boolean;
  author?: UserJson | null;
}

// How far back the fallback looks for an issue an earlier attempt created.
const RECENT_CREATE_MS = 24 * 3_600_000;

// A lost answer is retried within minutes; no issue gets 100 notes in between, and notes come
// newest first, so one page is enough to find an earlier attempt's note.
const RECENT_NOTES = { sort: 'desc', orderBy: 'created_at', perPage: 100, maxPages: 1 } as const;

/** Builds the GitLab activities. */
export function createGitlabActivities(deps: GitlabDeps) {
  const { gitlab, project } = deps;
  const now = deps.now ?? Date.now;

  // tierflow's own GitLab user (the token's), asked once per factory; a failed ask is asked again.
  let self: Promise<UserJson> | null = null;
  const selfUser = (): Promise<UserJson> => {
    self ??= (gitlab.Users.showCurrentUser() as unknown as Promise<UserJson>).catch((err: unknown) => {
      self = null;
      throw err;
    });
    return self;
  };
  const byTierflow = (item: { author?: UserJson | null }, me: UserJson) => item.author?.id === me.id;

  // GitLab's `search` is a PostgreSQL full-text search (word prefixes, words of 50+ characters
  // dropped), so a hit is confirmed against the exact marker, and a miss is double-checked among
  // the issues created lately: a lost create answer is retried within minutes, hours at worst.
  // Only an issue tierflow's user wrote counts: a person can open one with a copy of the marker.
  const findIssue = async (requestId: string): Promise<IssueJson | undefined> => {
    const me = await selfUser();
    const mine = (issues: unknown) => (issues as IssueJson[]).find((issue) => byTierflow(issue, me) && hasRequestMarker(issue.description, requestId));
    const page = { perPage: 100, maxPages: 1 } as const;
    const searched = mine(await gitlab.Issues.all({ projectId: project, search: requestMarker(requestId), in: 'description', ...page }));
    if (searched) return searched;
    const createdAfter = new Date(now() - RECENT_CREATE_MS).toISOString();
    return mine(await gitlab.Issues.all({ projectId: project, createdAfter, orderBy: 'created_at', sort: 'desc', ...page }));
  };

  return {
    /**
     * Opens the request's issue in the Corporate Security tracker, once: labelled with the system,
     * tier, priority and type, mentioning the system owners. A retry finds the issue by the
     * request marker hidden in its description, among the issues tierflow's user wrote, and returns
     * it (two reads before a create). The result carries GitLab's project id and iid: what the
     * request records, and what GitLab hooks are matched with.
     */
    async createTrackerIssue(args: CreateTrackerIssueArgs): Promise<TrackerIssueRef> {
      const { state } = args;
      try {
        const existing = await findIssue(state.id);
        if (existing) return { iid: existing.iid, webUrl: existing.web_url, projectId: existing.project_id };
        const issue = (await gitlab.Issues.create(project, issueTitle(state), {
          description: issueDescription(state, args.reason, args.slackThread),
          labels: [...desiredLabels(state), `type::${state.type}`].join(','),
        })) as unknown as IssueJson;
        return { iid: issue.iid, webUrl: issue.web_url, projectId: issue.project_id };
      } catch (err) {
        throw classifyGitlabError(err, `creating the tracker issue for ${state.id} in ${project}`);
      }
    },

    /**
     * Brings the request's issue up to date after an event: adds a note (once per effect) and, in
     * one edit made only when something differs, swaps the `tier::`, `priority::` and `corpsys::`
     * labels and closes or reopens the issue. Escalations into a tier the issue was not at yet
     * mention the system owners.
     */
    async syncTrackerIssue(args: SyncTrackerIssueArgs): Promise<void> {
      const { iid, state } = args;
      try {
        // Read once, before writing: the note's mentions and the edit are both decided from this.
        const issue = (await gitlab.Issues.show(iid, { projectId: project })) as unknown as IssueSnapshot;
        const notes = (await gitlab.IssueNotes.all(project, iid, RECENT_NOTES)) as unknown as NoteJson[];
        // Only tierflow's own note counts as written: a person's note ending with a copied effect
        // marker must not keep tierflow's (an escalation's mention of the owners, say) off the issue.
        const me = await selfUser();
        if (!notes.some((n) => !n.system && byTierflow(n, me) && hasEffectMarker(n.body, args.effectId))) {
          const mentionOwners = args.event === 'escalated' && entersNewTier(issue, state);
          const body = trackerNoteText(state, args.event, { effectId: args.effectId, note: args.note, mentionOwners, now: stateTime(state, now()) });
          await gitlab.IssueNotes.create(project, iid, body);
        }
        const edit = planTrackerEdit(issue, state);
        if (!isNoop(edit)) {
          await gitlab.Issues.edit(project, iid, {
            ...(edit.addLabels.length > 0 ? { addLabels: edit.addLabels.join(',') } : {}),
            ...(edit.removeLabels.length > 0 ? { removeLabels: edit.removeLabels.join(',') } : {}),
            ...(edit.stateEvent ? { stateEvent: edit.stateEvent } : {}),
          });
        }
      } catch (err) {
        throw classifyGitlabError(err, `updating tracker issue #${iid} of ${state.id} (${args.event}) in ${project}`);
      }
    },
  };
}
