/**
 * The post-incident review issue of a request resolved at Tier 5 (see `domain/review.ts`), opened
 * in the tracker over the injected `@gitbeaker/rest` client: prefilled with the request's facts
 * (times in the calendar's zone, time to first response and to resolution in coverage time,
 * escalations), links to the Slack thread, the swarm channel and the tracker issue, the timeline
 * as a table, and the review's headings to fill in, the way incident tools such as Netflix's
 * Dispatch close an incident.
 *
 * Owners: GitLab assigns people, never a group, so the Tier 5 group is mentioned (`cc`) and its
 * direct members are assigned when the token may list them (`GroupMembers.all`); when it may not
 * (401/403/404), the issue opens unassigned and the result says why (`warning`).
 *
 * User text (summary, names, timeline notes) is made inert ({@link inertGitlabLine}; table cells
 * also escape `|`): it can never run a quick action, mention anyone or break out of its cell.
 * Idempotent like `createTrackerIssue`: on a retry (or an effect carried across continue-as-new)
 * the issue is looked up by its hidden review marker, among the issues tierflow's own user wrote,
 * before one is created. The review marker is not the request marker, so the review is never
 * taken for the request's tracker issue, and intake does not start a request from it.
 */
import { Context } from '@temporalio/activity';

import { hasReviewMarker, reviewMarker, reviewMarkerComment } from '../contracts/tracker-marker.js';
import { formatInstantWithDate } from '../domain/calendar.js';
import { formatDuration } from '../domain/duration.js';
import type { RequestState, TimelineEntry } from '../domain/request.js';
import type { SlaOutcome } from '../domain/sla-outcome.js';
import type { CoverageCalendar } from '../domain/types.js';
import { activityAttempt, classifyGitlabError, mayHaveWritten } from './errors.js';
import { TIER_NAMES, truncate } from './event-text.js';
import type { GitlabClient } from './gitlab.js';
import { ccLine, gitlabMention, inertGitlabLine, MAX_TITLE_CHARS } from './gitlab-text.js';
import { isUsername } from './tracker-templates.js';

/** The label every review issue carries, so the reviews can be listed and counted. */
export const REVIEW_LABEL = 'post-incident-review';

/** The review's headings, in order; the timeline table goes under "Timeline". */
export const REVIEW_HEADINGS = ['Summary', 'Impact', 'Timeline', 'Root cause', 'What went well', 'What went wrong', 'Action items', 'Follow-ups'] as const;

/** Most members assigned (the most senior first): enough for a leadership group, far below GitLab's 200. */
export const MAX_REVIEW_ASSIGNEES = 20;

/** Arguments of `openReviewIssue`. */
export interface OpenReviewIssueArgs {
  /** The request as it is when the review opens (resolved: its outcome is final). */
  state: RequestState;
  /** The request's whole (bounded) timeline: `state` is a snapshot without it. */
  timeline: TimelineEntry[];
  /** The request's calendar: instants are written in its zone. */
  calendar: CoverageCalendar;
  /** The Tier 5 GitLab group (path, no `@`) whose members are assigned; null: nobody is. */
  group: string | null;
  /** GitLab group paths (no `@`) cc'd in the description. */
  cc: string[];
  /** An earlier run may have opened it (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
}

/** The review issue as opened (or found again by a retry). */
export interface ReviewIssueRef {
  iid: number;
  webUrl: string;
  projectId?: number;
  /** Usernames assigned. */
  assignees: string[];
  /** Why nobody was assigned (the group's members could not be listed), for the request's timeline. */
  warning?: string;
}

/** What the review activity is built from. */
export interface ReviewDeps {
  gitlab: GitlabClient;
  /** The tracker project, path or numeric id. */
  project: string;
  /** Clock in epoch ms: the window of recent issues a retry looks through (default `Date.now`). */
  now?: () => number;
  /** The running attempt (default: the activity Context's). */
  attempt?: () => number;
}

interface UserJson {
  id: number;
  username?: string;
}

interface IssueJson {
  iid: number;
  project_id: number;
  web_url: string;
  author?: UserJson | null;
  description?: string | null;
  assignees?: Array<{ username: string }> | null;
}

interface MemberJson {
  id: number;
  username: string;
  state?: string;
  access_level?: number;
}

// A lost create answer is retried within minutes, hours at worst.
const RECENT_CREATE_MS = 24 * 3_600_000;
const SAFE_URL = /^https:\/\/[^\s<>()|]+$/;
// GitLab's own web URL of the tracker issue: a self-managed GitLab (or the sandbox) may serve plain http.
const GITLAB_URL = /^https?:\/\/[^\s<>()|]+$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;
const SLACK_ARCHIVES = /^(https:\/\/[a-z0-9-]+\.slack\.com)\/archives\//i;

/** A user's text in one table cell: one line, inert, its `|` escaped so it stays in its cell. */
function cell(text: string | undefined): string {
  return inertGitlabLine(text ?? '').replace(/\|/g, '\\|') || ' ';
}

const safeUrl = (url: string | null | undefined): string | null => (url && SAFE_URL.test(url) ? url : null);

/**
 * A link to a Slack channel: the workspace's own address when the thread's permalink shows it,
 * else Slack's redirect, which opens the channel in whichever workspace the reader is signed in to.
 * @example swarmChannelUrl('C0SWARM01', 'https://acme.slack.com/archives/C0ITHELP/p1') // 'https://acme.slack.com/archives/C0SWARM01'
 * @example swarmChannelUrl('C0SWARM01', null) // 'https://slack.com/app_redirect?channel=C0SWARM01'
 */
export function swarmChannelUrl(channel: string | null | undefined, slackThread: string | null | undefined): string | null {
  if (!channel || !SLACK_CHANNEL_ID.test(channel)) return null;
  const workspace = slackThread ? SLACK_ARCHIVES.exec(slackThread)?.[1] : undefined;
  return workspace ? `${workspace}/archives/${channel}` : `https://slack.com/app_redirect?channel=${channel}`;
}

/** `5m (met)`, `1h 10m (missed)`, or `—` when there was none. */
function timeTo(ms: number | null | undefined, met: boolean | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return `${formatDuration(ms)} (${met === true ? 'met' : met === false ? 'missed' : 'no target'})`;
}

/** When the request was resolved: its state's instant, else (reopened since) its latest resolution in the timeline. */
function resolvedAt(state: RequestState, timeline: readonly TimelineEntry[]): number | null {
  return state.resolvedAt ?? timeline.filter((e) => e.action === 'resolve' || e.action === 'solved').at(-1)?.at ?? null;
}

/** The review issue's title: `Post-incident review: <summary>`, one line, within GitLab's 255 characters. */
export function reviewIssueTitle(state: RequestState): string {
  return truncate(`Post-incident review: ${inertGitlabLine(state.summary)}`, MAX_TITLE_CHARS);
}

/** What {@link reviewIssueDescription} writes besides the request. */
export interface ReviewTextOptions {
  timeline: readonly TimelineEntry[];
  calendar: CoverageCalendar;
  group: string | null;
  cc: readonly string[];
  /** Usernames assigned (from GitLab's member list). */
  assignees: readonly string[];
}

/**
 * The review issue's description: the facts (one line each, user text inert), the links, who owns
 * the review, the review's headings with the timeline as a table under "Timeline" and checkboxes
 * under "Action items", and the review marker last.
 */
export function reviewIssueDescription(state: RequestState, opts: ReviewTextOptions): string {
  const at = (ms: number | null): string => (ms === null ? '—' : formatInstantWithDate(opts.calendar, ms));
  const outcome: Partial<SlaOutcome> = state.outcome ?? {};
  const thread = safeUrl(state.links.slackThread);
  const swarm = swarmChannelUrl(state.links.swarmChannel, state.links.slackThread);
  const swarmName = /^#[a-z0-9_-]{1,80}$/.exec(opts.timeline.filter((e) => e.action === 'swarm_opened').at(-1)?.note ?? '')?.[0];
  const tracker = state.links.gitlabIssue && GITLAB_URL.test(state.links.gitlabIssue) ? state.links.gitlabIssue : null;
  const group = gitlabMention(opts.group);
  const assigned = opts.assignees.filter(isUsername).map((u) => `@${u}`);
  const owners = group ? `the Tier 5 group ${group}${assigned.length > 0 ? `, assigned to ${assigned.join(' ')}` : ''}` : 'Tier 5 (no GitLab group configured)';
  const shown = opts.timeline.length;
  const omitted = Math.max(0, state.timelineTotal - shown);
  const rows = opts.timeline.map(
    (e) => `| ${cell(at(e.at))} | ${cell(e.actor)} | ${cell(e.action.replace(/_/g, ' '))} | ${e.note === undefined ? ' ' : cell(e.note)} |`,
  );
  const cc = ccLine(opts.cc);
  return [
    `**Request:** ${inertGitlabLine(state.summary)} (\`${inertGitlabLine(state.id).replace(/`/g, '')}\`)`,
    `**System:** ${state.system ? inertGitlabLine(state.system.name) : 'unknown'} · **Type:** ${state.type} · **Priority:** ${state.priority} · **Tier:** ${state.tier} (${TIER_NAMES[state.tier]})`,
    `**Opened:** ${at(state.createdAt)} · **Resolved:** ${at(resolvedAt(state, opts.timeline))}`,
    `**Time to first response:** ${timeTo(outcome.firstResponseMs, outcome.firstResponseMet)} · **Time to resolution:** ${timeTo(outcome.resolutionMs, outcome.resolutionMet)} (coverage time)`,
    `**Escalations:** ${outcome.escalations ?? 0} · **Reopens:** ${outcome.reopens ?? 0} · **SLA breached:** ${state.slaBreached ? 'yes' : 'no'}`,
    ...(thread ? [`**Slack thread:** ${thread}`] : []),
    ...(swarm ? [`**Swarm channel:** ${swarmName ? `${swarmName} ` : ''}${swarm}`] : []),
    ...(tracker ? [`**Tracker issue:** ${tracker}`] : []),
    `**Review owners:** ${owners}`,
    '',
    ...(cc ? [cc, ''] : []),
    '## Summary',
    '',
    '_What happened, in two or three sentences._',
    '',
    '## Impact',
    '',
    '_Who and what was affected, for how long._',
    '',
    '## Timeline',
    '',
    ...(omitted > 0 ? [`_${omitted} earlier entries are not shown: the full history is in the Slack thread and the tracker issue._`, ''] : []),
    '| At | Actor | Action | Note |',
    '|----|-------|--------|------|',
    ...rows,
    '',
    '## Root cause',
    '',
    '## What went well',
    '',
    '## What went wrong',
    '',
    '## Action items',
    '',
    '- [ ] ',
    '- [ ] ',
    '',
    '## Follow-ups',
    '',
    reviewMarkerComment(state.id),
  ].join('\n');
}

/** Logs through the activity's logger when running in an activity, else the console. */
function warnLog(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    console.warn(message, meta);
  }
}

const statusOf = (err: unknown): number | undefined => (err as { cause?: { response?: { status?: number } } })?.cause?.response?.status;

/** Builds the review activity. */
export function createReviewActivities(deps: ReviewDeps) {
  const { gitlab, project } = deps;
  const now = deps.now ?? Date.now;
  const attempt = deps.attempt ?? activityAttempt;

  // tierflow's own GitLab user (the token's): only an issue it wrote is an earlier attempt's.
  let self: Promise<UserJson> | null = null;
  const selfUser = (): Promise<UserJson> => {
    self ??= (gitlab.Users.showCurrentUser() as unknown as Promise<UserJson>).catch((err: unknown) => {
      self = null;
      throw err;
    });
    return self;
  };

  /** The review an earlier attempt opened: by the marker's search, double-checked among the issues created lately. */
  const findReview = async (requestId: string): Promise<IssueJson | undefined> => {
    const me = await selfUser();
    const mine = (issues: unknown) => (issues as IssueJson[]).find((i) => i.author?.id === me.id && hasReviewMarker(i.description, requestId));
    const page = { perPage: 100, maxPages: 1 } as const;
    const searched = mine(await gitlab.Issues.all({ projectId: project, search: reviewMarker(requestId), in: 'description', ...page }));
    if (searched) return searched;
    const createdAfter = new Date(now() - RECENT_CREATE_MS).toISOString();
    return mine(await gitlab.Issues.all({ projectId: project, createdAfter, orderBy: 'created_at', sort: 'desc', ...page }));
  };

  /**
   * The group's direct members to assign (active, the most senior first), or why there are none.
   * A group the token may not see is not worth retrying: the review opens unassigned.
   */
  const membersOf = async (group: string): Promise<{ members: MemberJson[]; warning?: string }> => {
    let members: MemberJson[];
    try {
      members = (await gitlab.GroupMembers.all(group, { perPage: 100, maxPages: 1 })) as unknown as MemberJson[];
    } catch (err) {
      const status = statusOf(err);
      if (status === 401 || status === 403 || status === 404) {
        return {
          members: [],
          warning: `review issue unassigned: GitLab answered HTTP ${status} listing the members of ${group}; the group is mentioned instead`,
        };
      }
      throw err;
    }
    const me = await selfUser();
    const chosen = members
      .filter((m) => (m.state ?? 'active') === 'active' && m.id !== me.id && isUsername(m.username))
      .sort((a, b) => (b.access_level ?? 0) - (a.access_level ?? 0) || a.username.localeCompare(b.username))
      .slice(0, MAX_REVIEW_ASSIGNEES);
    return { members: chosen, ...(chosen.length === 0 ? { warning: `review issue unassigned: ${group} has no active members` } : {}) };
  };

  return {
    /**
     * Opens the request's post-incident review issue in the tracker, once: labelled
     * `post-incident-review` with the system and type labels, assigned to the Tier 5 group's
     * members, prefilled with the facts, the timeline and the review's headings. A retry returns
     * the issue an earlier attempt opened.
     */
    async openReviewIssue(args: OpenReviewIssueArgs): Promise<ReviewIssueRef> {
      const { state } = args;
      try {
        const existing = mayHaveWritten(attempt(), args.mayHaveRun) ? await findReview(state.id) : undefined;
        if (existing) {
          return { iid: existing.iid, webUrl: existing.web_url, projectId: existing.project_id, assignees: (existing.assignees ?? []).map((a) => a.username) };
        }
        const { members, warning } = args.group ? await membersOf(args.group) : { members: [], warning: undefined };
        const usernames = members.map((m) => m.username);
        const labels = [REVIEW_LABEL, ...(state.system ? [state.system.gitlabLabel] : []), `type::${state.type}`];
        const issue = (await gitlab.Issues.create(project, reviewIssueTitle(state), {
          description: reviewIssueDescription(state, {
            timeline: args.timeline,
            calendar: args.calendar,
            group: args.group,
            cc: args.cc,
            assignees: usernames,
          }),
          labels: labels.join(','),
          ...(members.length > 0 ? { assigneeIds: members.map((m) => m.id) } : {}),
        })) as unknown as IssueJson;
        if (warning) warnLog(`Review issue #${issue.iid} of ${state.id}: ${warning}`, { requestId: state.id, iid: issue.iid, project });
        return {
          iid: issue.iid,
          webUrl: issue.web_url,
          projectId: issue.project_id,
          assignees: (issue.assignees ?? []).map((a) => a.username),
          ...(warning ? { warning } : {}),
        };
      } catch (err) {
        throw classifyGitlabError(err, `opening the post-incident review issue for ${state.id} in ${project}`);
      }
    },
  };
}
