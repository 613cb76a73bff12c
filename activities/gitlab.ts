/**
 * GitLab activities over an injected `@gitbeaker/rest` client (built with the single-attempt
 * requester of `workers/clients.ts`, so nothing is sent twice behind our back).
 *
 * Both activities are idempotent under Temporal's retries, also after an "ambiguous" failure
 * (GitLab did the work, the answer was lost). On a retry (attempt > 1, or `mayHaveRun`):
 * - `createTrackerIssue` searches for the request's marker before creating the issue;
 * - `syncTrackerIssue` looks for the effect's marker among the issue's latest notes before adding
 *   its note.
 * A first attempt writes without looking: nothing can be there yet. Labels and state are edited
 * only where the issue differs from the request, on every attempt.
 * Markers are text anyone can copy (request ids show in every Slack thread), so an issue or note
 * counts as an earlier attempt's only when tierflow's own GitLab user (the token's) wrote it: a
 * person's issue or note carrying a copied marker is never adopted, never suppresses a note.
 *
 * Issues open from the tracker's own issue templates (see `tracker-templates.ts`), whose quick
 * actions label the issue and assign the system owners; a reassignment rewrites tierflow's
 * description for the new system and its template.
 */
import type { Gitlab } from '@gitbeaker/rest';
import { Context } from '@temporalio/activity';

import type { RequestEvent, RequestState } from '../domain/request.js';
import { activityAttempt, classifyGitlabError, mayHaveWritten } from './errors.js';
import { stateTime } from './event-text.js';
import { hasEffectMarker, hasRequestMarker, requestMarker } from '../contracts/tracker-marker.js';
import { issueDescription, issueTitle, templateNameOf, trackerNoteText, whyHereLine } from './gitlab-text.js';
import { desiredLabels, entersNewTier, isNoop, planTrackerEdit, sameDescription, type IssueSnapshot } from './tracker-sync.js';
import { createTemplateReader, templateAssignees } from './tracker-templates.js';

export type GitlabClient = InstanceType<typeof Gitlab>;

/** What the GitLab activities are built from. */
export interface GitlabDeps {
  gitlab: GitlabClient;
  /** The tracker project, path (`group/project`) or numeric id. */
  project: string;
  /** Clock in epoch ms: the window of recent issues, the template cache, and note text when the state has no timeline (default `Date.now`). */
  now?: () => number;
  /** Where an issue opened or rewritten without its template is reported (default: the activity's logger, else the console). */
  warn?: (message: string, meta: Record<string, unknown>) => void;
  /** The running attempt, 1 on the first (default: the activity Context's `info.attempt`, 1 outside an activity). */
  attempt?: () => number;
}

/** The request's issue in the tracker. */
export interface TrackerIssueRef {
  iid: number;
  webUrl: string;
  /** GitLab's numeric id of the project the issue is in (absent in results recorded before it was returned). */
  projectId?: number;
  /**
   * Set when the issue did not open from the system's template (none configured, not found in the
   * project, not readable) and has tierflow's built-in body instead: for the request's timeline.
   */
  warning?: string;
}

/** Arguments of `createTrackerIssue`. */
export interface CreateTrackerIssueArgs {
  state: RequestState;
  /** Why the request reached the tracker (escalation reason, or "change request starts at Tier 3"). */
  reason: string;
  slackThread: string | null;
  /** An earlier run may have opened it (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
}

/** Arguments of `syncTrackerIssue`. */
export interface SyncTrackerIssueArgs {
  iid: number;
  /** The effect's id, unique within the request: the note's marker. */
  effectId: string;
  state: RequestState;
  event: RequestEvent;
  note?: string;
  /**
   * GitLab group paths (no `@`) to cc on the note, exactly these (invalid paths dropped, each once).
   * Absent (effects decided before the domain chose them): the system owners, when an escalation
   * enters a tier the issue was not at yet.
   */
  mentions?: string[];
  /** An earlier run may have added the note (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
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
  assignees?: Array<{ username: string }> | null;
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

const BUILT_IN_BODY = "opened with tierflow's built-in body";
const BUILT_IN_REWRITE = "rewrote the description with tierflow's built-in body";

/** Logs through the activity's logger when running in an activity, else the console. */
function defaultWarn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    console.warn(message, meta);
  }
}

/** Builds the GitLab activities. */
export function createGitlabActivities(deps: GitlabDeps) {
  const { gitlab, project } = deps;
  const now = deps.now ?? Date.now;
  const warn = deps.warn ?? defaultWarn;
  const attempt = deps.attempt ?? activityAttempt;
  const templates = createTemplateReader(gitlab, project, now);

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

  /**
   * Whether tierflow's note for the effect is among the issue's latest notes. Only tierflow's own
   * note counts as written: a person's note ending with a copied effect marker must not keep
   * tierflow's (an escalation's mention of the owners, say) off the issue.
   */
  const noteWritten = async (iid: number, effectId: string): Promise<boolean> => {
    const notes = (await gitlab.IssueNotes.all(project, iid, RECENT_NOTES)) as unknown as NoteJson[];
    const me = await selfUser();
    return notes.some((n) => !n.system && byTierflow(n, me) && hasEffectMarker(n.body, effectId));
  };

  /**
   * The description of tierflow's issue after a reassignment: the facts for the new system, its
   * template (whose quick actions assign and label the new owners), the earlier template's
   * assignees unassigned, the "why here" and the requester's description kept. Undefined when the
   * issue already says so (a retry), or is not tierflow's (a person's issue is theirs to write).
   */
  const reassignedDescription = async (issue: IssueJson, state: RequestState, me: UserJson): Promise<string | undefined> => {
    if (!byTierflow(issue, me) || !hasRequestMarker(issue.description, state.id)) return undefined;
    const choice = await templates.choose(state, BUILT_IN_REWRITE);
    if (choice.warning) warn(`Tracker issue #${issue.iid} of ${state.id}: ${choice.warning}`, { requestId: state.id, iid: issue.iid, project });
    const previous = templateNameOf(issue.description);
    const stale = previous && previous !== choice.template?.name ? await templates.content(previous) : null;
    const staying = new Set(choice.template ? templateAssignees(choice.template.content) : []);
    const assigned = new Set((issue.assignees ?? []).map((a) => a.username));
    const unassign = stale ? templateAssignees(stale).filter((user) => assigned.has(user) && !staying.has(user)) : [];
    const reason = `reassigned to ${state.system?.name ?? 'Corporate Security triage'}`;
    const wanted = issueDescription(state, reason, state.links.slackThread, {
      template: choice.template,
      unassign,
      whyHereLine: whyHereLine(issue.description),
    });
    return sameDescription(issue.description, wanted) ? undefined : wanted;
  };

  return {
    /**
     * Opens the request's issue in the Corporate Security tracker, once, from the system's issue
     * template (the access request template for access requests): the template's quick actions
     * label the issue and assign the system owners, and tierflow sets its system, tier, priority
     * and type labels too. Without a usable template the issue has tierflow's built-in body and the
     * result says why (`warning`). A retry finds the issue by the request marker hidden in its
     * description, among the issues tierflow's user wrote, and returns it (two reads before a
     * create; a first attempt creates at once). The result carries GitLab's project id and iid:
     * what the request records, and what GitLab hooks are matched with.
     */
    async createTrackerIssue(args: CreateTrackerIssueArgs): Promise<TrackerIssueRef> {
      const { state } = args;
      try {
        // Chosen before the search, so a retry that finds the issue reports the same warning.
        const choice = await templates.choose(state, BUILT_IN_BODY);
        const warning = choice.warning ? { warning: choice.warning } : {};
        const existing = mayHaveWritten(attempt(), args.mayHaveRun) ? await findIssue(state.id) : undefined;
        if (existing) return { iid: existing.iid, webUrl: existing.web_url, projectId: existing.project_id, ...warning };
        const issue = (await gitlab.Issues.create(project, issueTitle(state), {
          description: issueDescription(state, args.reason, args.slackThread, { template: choice.template }),
          labels: [...desiredLabels(state), `type::${state.type}`].join(','),
        })) as unknown as IssueJson;
        if (choice.warning) warn(`Tracker issue #${issue.iid} of ${state.id}: ${choice.warning}`, { requestId: state.id, iid: issue.iid, project });
        return { iid: issue.iid, webUrl: issue.web_url, projectId: issue.project_id, ...warning };
      } catch (err) {
        throw classifyGitlabError(err, `creating the tracker issue for ${state.id} in ${project}`);
      }
    },

    /**
     * Brings the request's issue up to date after an event: adds a note (once per effect) and, in
     * one edit made only when something differs, swaps the `tier::`, `priority::` and `corpsys::`
     * labels, closes or reopens the issue and, on a reassignment, rewrites tierflow's description
     * for the new system. The note ccs the `mentions` given; without them (older effects),
     * escalations into a tier the issue was not at yet mention the system owners.
     */
    async syncTrackerIssue(args: SyncTrackerIssueArgs): Promise<void> {
      const { iid, state } = args;
      try {
        // Read once, before writing: the note's mentions and the edit are both decided from this.
        const issue = (await gitlab.Issues.show(iid, { projectId: project })) as unknown as IssueJson & IssueSnapshot;
        if (!(mayHaveWritten(attempt(), args.mayHaveRun) && (await noteWritten(iid, args.effectId)))) {
          const cc = args.mentions ? { mentions: args.mentions } : { mentionOwners: args.event === 'escalated' && entersNewTier(issue, state) };
          const body = trackerNoteText(state, args.event, { effectId: args.effectId, note: args.note, ...cc, now: stateTime(state, now()) });
          await gitlab.IssueNotes.create(project, iid, body);
        }
        const edit = planTrackerEdit(issue, state);
        const description = args.event === 'reassigned' ? await reassignedDescription(issue, state, await selfUser()) : undefined;
        if (!isNoop(edit) || description !== undefined) {
          await gitlab.Issues.edit(project, iid, {
            ...(edit.addLabels.length > 0 ? { addLabels: edit.addLabels.join(',') } : {}),
            ...(edit.removeLabels.length > 0 ? { removeLabels: edit.removeLabels.join(',') } : {}),
            ...(edit.stateEvent ? { stateEvent: edit.stateEvent } : {}),
            ...(description !== undefined ? { description } : {}),
          });
        }
      } catch (err) {
        throw classifyGitlabError(err, `updating tracker issue #${iid} of ${state.id} (${args.event}) in ${project}`);
      }
    },
  };
}
