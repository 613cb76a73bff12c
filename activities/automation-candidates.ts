/**
 * The daily Tier 4 review: read the requests resolved in the window from Temporal visibility (their
 * summaries are in the memo), group them (`domain/automation-candidates.ts`), and keep one
 * automation issue per recurring group in the tracker.
 *
 * An issue is found again by the hidden markers its description ends with (the group's system and
 * words, and the requests it lists), among the issues tierflow's own GitLab user opened: anyone can
 * copy a marker into an issue of theirs, and such an issue is never adopted, never edited. A group
 * matches the open issue of its system that lists some of its requests or whose words are similar
 * enough; a closed one (the Tier 4 team has decided) is left alone, unless the group has come back
 * since with enough new requests, which opens a new issue.
 *
 * Idempotent under retries: the description is written only when it differs from what tierflow
 * would write (it is deterministic for a group), the note saying that the group grew is added only
 * when the group lists requests the issue did not and no note of tierflow's carries its marker yet,
 * and a retry after a lost create finds the created issue by its marker.
 */
import type { Client } from '@temporalio/client';

import { AUTOMATION_MARKER, readAutomationMark, type AutomationMark, type AutomationReview } from '../contracts/automation-candidates.js';
import { SUMMARY_MEMO } from '../contracts/help-request.js';
import { requestListQuery } from '../contracts/request-list.js';
import { ResolutionSecondsKey, ResolvedAtKey, SystemKey } from '../contracts/search-attributes.js';
import { hasEffectMarker } from '../contracts/tracker-marker.js';
import { candidateOf, jaccard, recurringGroups, type AutomationPolicy, type RequestGroup, type ResolvedRequestRow } from '../domain/automation-candidates.js';
import type { TierflowConfig } from '../domain/config.js';
import { DAY_MS } from '../domain/types.js';
import { automationGrowthNote, automationIssueDescription, automationIssueTitle, growthEffectId, type AutomationSystem } from './automation-issue-text.js';
import { classifyGitlabError } from './errors.js';
import type { GitlabClient } from './gitlab.js';
import { sameDescription } from './tracker-sync.js';

/** What the review is built from. */
export interface AutomationDeps {
  gitlab: GitlabClient;
  /** The tracker project, path or numeric id. */
  project: string;
  /** The requests resolved at or after an instant (epoch ms): {@link readResolvedRequests} over the worker's client. */
  resolvedSince: (since: number) => Promise<ResolvedRequestRow[]>;
  config: Pick<TierflowConfig, 'automation' | 'registry'>;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

interface UserJson {
  id: number;
}

interface IssueJson {
  iid: number;
  web_url: string;
  title: string;
  state: string;
  closed_at?: string | null;
  author?: UserJson | null;
  description?: string | null;
}

interface NoteJson {
  body: string;
  system: boolean;
  author?: UserJson | null;
}

/** An automation issue tierflow opened, with what its markers say. */
interface MarkedIssue {
  issue: IssueJson;
  mark: AutomationMark;
}

// Automation issues are few (one per recurring kind of request); this bounds a run all the same.
const ISSUE_PAGES = { perPage: 100, maxPages: 10 } as const;
const RECENT_NOTES = { sort: 'desc', orderBy: 'created_at', perPage: 100, maxPages: 1 } as const;

/**
 * The requests resolved at or after `since`, as grouping needs them, straight from visibility
 * (the SDK's list: activities do not reach into `queries/`).
 */
export async function readResolvedRequests(client: Client, since: number): Promise<ResolvedRequestRow[]> {
  const rows: ResolvedRequestRow[] = [];
  for await (const execution of client.workflow.list({ query: requestListQuery({ resolvedSince: since }) })) {
    const attrs = execution.typedSearchAttributes;
    const summary = execution.memo?.[SUMMARY_MEMO];
    rows.push({
      id: execution.workflowId,
      system: attrs.get(SystemKey) ?? null,
      summary: typeof summary === 'string' ? summary : null,
      resolutionSeconds: attrs.get(ResolutionSecondsKey) ?? null,
      resolvedAt: attrs.get(ResolvedAtKey)?.toISOString() ?? null,
    });
  }
  return rows;
}

/**
 * The issue a group belongs to: an unclaimed issue of its system listing some of its requests or
 * with similar words; open ones first, then the most requests shared, the most similar, the oldest.
 */
function matchIssue(group: RequestGroup, issues: readonly MarkedIssue[], claimed: ReadonlySet<number>, policy: AutomationPolicy): MarkedIssue | undefined {
  const ids = new Set(group.members.map((m) => m.id));
  const stems = new Set(group.stems);
  return issues
    .filter(({ issue, mark }) => !claimed.has(issue.iid) && mark.system === group.system)
    .map((m) => ({ m, shared: m.mark.requestIds.filter((id) => ids.has(id)).length, similar: jaccard(new Set(m.mark.stems), stems) }))
    .filter(({ shared, similar }) => shared > 0 || similar >= policy.similarity)
    .sort(
      (a, b) =>
        Number(b.m.issue.state === 'opened') - Number(a.m.issue.state === 'opened') ||
        b.shared - a.shared ||
        b.similar - a.similar ||
        a.m.issue.iid - b.m.issue.iid,
    )[0]?.m;
}

/** Builds the review activity. */
export function createAutomationActivities(deps: AutomationDeps) {
  const { gitlab, project } = deps;
  const now = deps.now ?? Date.now;

  const systemOf = (id: string): AutomationSystem => {
    const system = deps.config.registry.systems.find((s) => s.id === id);
    return system
      ? { id, name: system.name, gitlabLabel: system.gitlabLabel }
      : { id, name: id === 'unknown' ? 'no recognised system' : id, gitlabLabel: null };
  };

  /** Automation issues tierflow's user opened (labelled, or found by their marker): only those carry a trusted marker. */
  const automationIssues = async (me: UserJson, policy: AutomationPolicy): Promise<MarkedIssue[]> => {
    const labelled = (await gitlab.Issues.all({ projectId: project, labels: policy.label, ...ISSUE_PAGES })) as unknown as IssueJson[];
    const searched = (await gitlab.Issues.all({ projectId: project, search: AUTOMATION_MARKER, in: 'description', ...ISSUE_PAGES })) as unknown as IssueJson[];
    const byIid = new Map([...labelled, ...searched].map((issue) => [issue.iid, issue]));
    return [...byIid.values()].flatMap((issue) => {
      const mark = issue.author?.id === me.id ? readAutomationMark(issue.description) : null;
      return mark ? [{ issue, mark }] : [];
    });
  };

  /** Whether tierflow's note for this effect is among the issue's latest notes (a person's copy does not count). */
  const noteWritten = async (iid: number, effectId: string, me: UserJson): Promise<boolean> => {
    const notes = (await gitlab.IssueNotes.all(project, iid, RECENT_NOTES)) as unknown as NoteJson[];
    return notes.some((n) => !n.system && n.author?.id === me.id && hasEffectMarker(n.body, effectId));
  };

  return {
    /**
     * Reviews the requests resolved in the automation window and opens or updates one Tier 4
     * automation issue per recurring group; answers the candidates with their issues.
     */
    async reviewAutomationCandidates(): Promise<AutomationReview> {
      const policy = deps.config.automation;
      const since = now() - policy.windowDays * DAY_MS;
      const rows = await deps.resolvedSince(since);
      const groups = recurringGroups(rows, policy, since);
      const review: AutomationReview = { since: new Date(since).toISOString(), requestsRead: rows.length, candidates: [], opened: [], updated: [], noted: [] };
      if (groups.length === 0) return review;
      try {
        const me = (await gitlab.Users.showCurrentUser()) as unknown as UserJson;
        const issues = await automationIssues(me, policy);
        const claimed = new Set<number>();
        for (const group of groups) {
          const system = systemOf(group.system);
          const found = matchIssue(group, issues, claimed, policy);
          if (found) claimed.add(found.issue.iid);
          const closedAt = found?.issue.state === 'closed' ? Date.parse(found.issue.closed_at ?? '') : null;
          // Closed: the Tier 4 team decided. Only a comeback with enough new requests opens a new issue.
          if (found && closedAt !== null && group.members.filter((m) => Date.parse(m.resolvedAt) > closedAt).length < policy.minRequests) {
            review.candidates.push(candidateOf(group, found.issue.web_url));
            continue;
          }
          if (!found || closedAt !== null) {
            const follows = found ? { follows: { iid: found.issue.iid } } : {};
            const issue = (await gitlab.Issues.create(project, automationIssueTitle(group, system), {
              description: automationIssueDescription(group, system, policy, follows),
              labels: [policy.label, policy.tierLabel, ...(system.gitlabLabel ? [system.gitlabLabel] : [])].join(','),
            })) as unknown as IssueJson;
            review.opened.push(issue.iid);
            review.candidates.push(candidateOf(group, issue.web_url));
            continue;
          }
          const { issue, mark } = found;
          const listed = new Set(mark.requestIds);
          // Requests ageing out of the window change nothing; a request joining rewrites the list.
          if (group.members.some((m) => !listed.has(m.id))) {
            if (group.members.length > mark.requestIds.length) {
              const effectId = growthEffectId(issue.iid, group);
              if (!(await noteWritten(issue.iid, effectId, me))) {
                await gitlab.IssueNotes.create(project, issue.iid, automationGrowthNote(group, mark.requestIds, effectId));
                review.noted.push(issue.iid);
              }
            }
            const follows = /^They came back after #(\d+) was closed\.$/m.exec(issue.description ?? '');
            const description = automationIssueDescription(group, system, policy, follows ? { follows: { iid: Number(follows[1]) } } : {});
            const title = automationIssueTitle(group, system);
            if (!sameDescription(issue.description, description) || issue.title !== title) {
              await gitlab.Issues.edit(project, issue.iid, { description, title });
              review.updated.push(issue.iid);
            }
          }
          review.candidates.push(candidateOf(group, issue.web_url));
        }
        return review;
      } catch (err) {
        throw classifyGitlabError(err, `reviewing Tier 4 automation candidates in ${project}`);
      }
    },
  };
}
