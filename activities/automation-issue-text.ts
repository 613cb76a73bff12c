/**
 * The text of Tier 4 automation issues: a title naming the recurring kind of request and its system,
 * a description listing the requests and the coverage time they cost, cc'ing the Tier 4 group and
 * saying that no SLA clock runs ("as time allows"), and a note when the group grew. Request
 * summaries are user text: each is made inert ({@link inertGitlabLine}), so none can run a quick
 * action, mention anyone or forge the hidden markers the description ends with.
 */
import { automationMarkerComments, type AutomationMark } from '../contracts/automation-candidates.js';
import { effectMarker } from '../contracts/tracker-marker.js';
import type { AutomationPolicy, RequestGroup } from '../domain/automation-candidates.js';
import { formatDuration } from '../domain/duration.js';
import { truncate } from './event-text.js';
import { ccLine, inertGitlabLine, MAX_TITLE_CHARS } from './gitlab-text.js';

/** Most requests a description lists (the newest); the count and coverage time cover them all. */
export const MAX_LISTED_REQUESTS = 200;
/** Longest summary quoted per request. */
const MAX_SUMMARY_CHARS = 160;

/** The system as an automation issue names it: its registry name and `corpsys::` label, when known. */
export interface AutomationSystem {
  id: string;
  name: string;
  gitlabLabel: string | null;
}

const coverage = (seconds: number) => formatDuration(seconds * 1000);
const day = (iso: string) => iso.slice(0, 10);

/**
 * `Automation candidate: <name> (<system>)`, one line within GitLab's 255 characters.
 * @example automationIssueTitle(group, { id: 'okta-sso', name: 'Okta SSO', gitlabLabel: 'corpsys::okta-sso' }) // 'Automation candidate: mfa okta reset (Okta SSO)'
 */
export function automationIssueTitle(group: RequestGroup, system: AutomationSystem): string {
  return truncate(inertGitlabLine(`Automation candidate: ${group.summary} (${system.name})`), MAX_TITLE_CHARS);
}

/** The hidden markers of a group's issue: how later runs find it again and know whom it listed. */
export function groupMark(group: RequestGroup): AutomationMark {
  return { system: group.system, stems: group.stems, requestIds: group.members.map((m) => m.id) };
}

/**
 * The issue description. Deterministic for a group (no "now" in it), so a run that finds nothing
 * new writes nothing, and a retried rewrite is a no-op.
 */
export function automationIssueDescription(
  group: RequestGroup,
  system: AutomationSystem,
  policy: Pick<AutomationPolicy, 'windowDays' | 'gitlabGroup'>,
  opts: { follows?: { iid: number } } = {},
): string {
  const listed = group.members.slice(-MAX_LISTED_REQUESTS).reverse();
  const more = group.members.length - listed.length;
  const label = system.gitlabLabel ? ` (\`${inertGitlabLine(system.gitlabLabel).replace(/`/g, '')}\`)` : '';
  return [
    `**Tier 4 automation candidate** · **System:** ${inertGitlabLine(system.name)}${label} · **Requests:** ${group.members.length} in the last ${policy.windowDays} days · **Coverage time they cost:** ${coverage(group.coverageSeconds)}`,
    '',
    `Requests like “${inertGitlabLine(group.summary)}” keep coming back to the help desk: ${group.members.length} of them about ${inertGitlabLine(system.name)} were resolved in the last ${policy.windowDays} days, costing ${coverage(group.coverageSeconds)} of coverage time. Automating them would give that time back.`,
    ...(opts.follows ? ['', `They came back after #${opts.follows.iid} was closed.`] : []),
    '',
    '### Requests',
    '',
    ...listed.map(
      (m) =>
        `- ${inertGitlabLine(m.id)} · resolved ${day(m.resolvedAt)} · ${coverage(m.resolutionSeconds)} · ${inertGitlabLine(truncate(m.summary.trim(), MAX_SUMMARY_CHARS))}`,
    ),
    ...(more > 0 ? [`- … and ${more} earlier`] : []),
    '',
    '**No SLA:** this is Tier 4 automation engineering, taken on as time allows; no SLA clock runs on it. tierflow updates the list once a day while new requests join it.',
    '',
    ccLine([policy.gitlabGroup]) ?? '',
    '',
    automationMarkerComments(groupMark(group)),
  ].join('\n');
}

/** The effect id of the note saying a group grew to its current members (the note's marker). */
export function growthEffectId(iid: number, group: RequestGroup): string {
  // FNV-1a over the member ids: the same members always give the same id, so a retry finds its note.
  let hash = 0x811c9dc5;
  for (const ch of group.members.map((m) => m.id).join(' ')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `automation-${iid}-${group.members.length}-${hash.toString(16).padStart(8, '0')}`;
}

/**
 * The note when a group grew: how many requests now, which joined, the coverage time; no mention
 * (the issue's participants are notified by GitLab; the Tier 4 group was cc'd when it opened).
 * @example automationGrowthNote(group, ['req-1', 'req-2', 'req-3'], 'automation-7-4-…')
 * // '**4 requests now** (was 3) · 1h 40m of coverage time\n\nJoined: req-4\n\n<!-- tierflow-effect: automation-7-4-… -->'
 */
export function automationGrowthNote(group: RequestGroup, previousIds: readonly string[], effectId: string): string {
  const before = new Set(previousIds);
  const joined = group.members.filter((m) => !before.has(m.id)).map((m) => inertGitlabLine(m.id));
  return [
    `**${group.members.length} requests now** (was ${previousIds.length}) · ${coverage(group.coverageSeconds)} of coverage time`,
    `Joined: ${joined.slice(0, 50).join(', ')}${joined.length > 50 ? ` and ${joined.length - 50} more` : ''}`,
    effectMarker(effectId),
  ].join('\n\n');
}
