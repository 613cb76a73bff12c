/**
 * The post-incident review issue through the real `@gitbeaker/rest` client (as `buildClients`
 * makes it: one attempt per call) against the GitLab emulator: what it says, that user text in it
 * stays inert, who it is assigned to, that a retry never opens a second one, and that intake does
 * not take it for a new request when GitLab's Issue Hook announces it.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createReviewActivities, REVIEW_HEADINGS, swarmChannelUrl } from '../../activities/review-issue.js';
import { GITLAB_UNAVAILABLE, INTEGRATION_CONFIG_ERROR } from '../../contracts/failures.js';
import { reviewMarkerComment } from '../../contracts/tracker-marker.js';
import { formatInstantWithDate } from '../../domain/calendar.js';
import type { RequestState, TimelineEntry } from '../../domain/request.js';
import type { CoverageCalendar } from '../../domain/types.js';
import { decideIssueHook } from '../../intake/gitlab-events.js';
import { issueHookSchema } from '../../intake/gitlab-schemas.js';
import { buildClients } from '../../workers/clients.js';
import { GITLAB_PAYLOADS, gitlabProblems, gitlabShown } from '../support/inert-checks.js';
import { issueHook } from '../intake/support/payloads.js';
import { failureOf, requestState, startIntegrations, TRACKER, type Integrations } from './support/fixtures.js';

const MINUTE = 60_000;
const LEADERSHIP = 'gitlab-com/gl-security/corp/leadership';
const OWNERS = 'gitlab-com/gl-security/corp/sys/okta';
const THREAD = 'https://tierflow-sandbox.slack.com/archives/C0ITHELP/p1700000000000100';
/** Around the clock, in a zone that is not UTC: instants must be written in it. */
const CRISIS_CALENDAR: CoverageCalendar = {
  timezone: 'Europe/Berlin',
  // An end equal to its start is the whole week.
  windows: [{ start: { day: 1, time: '00:00' }, end: { day: 1, time: '00:00' } }],
  holidays: [],
};

let it_: Integrations;
let review: ReturnType<typeof createReviewActivities>;
beforeAll(async () => {
  it_ = await startIntegrations();
  review = createReviewActivities({ gitlab: it_.clients.gitlab, project: TRACKER, attempt: it_.attempt });
});
afterAll(() => it_.close());
beforeEach(() => {
  it_.gitlabEmu.reset();
  it_.gitlabEmu.setGroupMembers(LEADERSHIP, ['grace-lead', 'linus-lead']);
});

const issues = () => it_.gitlabEmu.issues(TRACKER);
const calls = (method: string, path: RegExp) => it_.gitlabEmu.calls.filter((c) => c.method === method && path.test(c.path));

/** A crisis resolved at Tier 5 after 70 minutes, swarmed, with its tracker issue and the given timeline. */
function resolvedCrisis(timeline: TimelineEntry[], overrides: Partial<RequestState> = {}): RequestState {
  const base = requestState({ type: 'crisis', priority: 'P1', tier: 5, summary: 'Okta admin account compromised' });
  const createdAt = Date.UTC(2026, 10, 28, 9, 0); // a Saturday
  return {
    ...base,
    createdAt,
    status: 'resolved',
    resolution: 'resolved',
    resolvedAt: createdAt + 70 * MINUTE,
    assignee: 'U0LEADER01',
    slaBreached: true,
    links: {
      ...base.links,
      slackChannel: 'C0ITHELP',
      slackTs: '1700000000.000100',
      slackThread: THREAD,
      swarmChannel: 'C0SWARM01',
      gitlabIssueIid: 7,
      gitlabIssue: 'https://gitlab.example.com/gitlab-com/gl-security/corp/issue-tracker/-/issues/7',
    },
    outcome: {
      firstResponseMs: 5 * MINUTE,
      firstResponseMet: true,
      resolutionMs: 70 * MINUTE,
      resolutionMet: false,
      firstResponseBreached: false,
      resolutionBreached: true,
      escalations: 1,
      reopens: 0,
    },
    timeline: timeline.slice(-1),
    timelineTotal: timeline.length,
    timelineCounts: {},
    ...overrides,
  };
}

function crisisTimeline(at: number): TimelineEntry[] {
  return [
    { at, actor: 'ada@example.com', action: 'opened', note: 'Tier 5, P1' },
    { at: at + MINUTE, actor: 'tierflow', action: 'swarm_opened', note: '#crisis-req-okta-1' },
    { at: at + 5 * MINUTE, actor: 'U0LEADER01', action: 'acknowledge' },
    { at: at + 70 * MINUTE, actor: 'U0LEADER01', action: 'resolve', note: 'rotated the admin credentials' },
  ];
}

const open = (state: RequestState, timeline: TimelineEntry[], group: string | null = LEADERSHIP) =>
  review.openReviewIssue({ state, timeline, calendar: CRISIS_CALENDAR, group, cc: [...(group ? [group] : []), OWNERS] });

describe('openReviewIssue', () => {
  it('prefills the facts, the links, the timeline and the headings, labelled and assigned to the Tier 5 group', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    const state = resolvedCrisis(timeline);
    const ref = await open(state, timeline);

    expect(issues()).toHaveLength(1);
    const issue = issues()[0]!;
    expect(ref).toEqual({ iid: issue.iid, webUrl: issue.web_url, projectId: issue.project_id, assignees: ['grace-lead', 'linus-lead'] });
    expect(issue.title).toBe('Post-incident review: Okta admin account compromised');
    expect(issue.labels).toEqual(['corpsys::okta-sso', 'post-incident-review', 'type::crisis']);
    expect(issue.assignees.map((a) => a.username)).toEqual(['grace-lead', 'linus-lead']);
    expect(issue.state).toBe('opened');

    const body = issue.description!;
    expect(body).toContain(`**Request:** Okta admin account compromised (\`${state.id}\`)`);
    expect(body).toContain('**System:** Okta SSO · **Type:** crisis · **Priority:** P1 · **Tier:** 5 (architecture and crisis)');
    expect(body).toContain(
      `**Opened:** ${formatInstantWithDate(CRISIS_CALENDAR, state.createdAt)} · **Resolved:** ${formatInstantWithDate(CRISIS_CALENDAR, state.resolvedAt!)}`,
    );
    expect(formatInstantWithDate(CRISIS_CALENDAR, state.createdAt)).toMatch(/^Sat 2026-11-28 10:00 /);
    expect(body).toContain('**Time to first response:** 5m (met) · **Time to resolution:** 1h 10m (missed) (coverage time)');
    expect(body).toContain('**Escalations:** 1 · **Reopens:** 0 · **SLA breached:** yes');
    expect(body).toContain(`**Slack thread:** ${THREAD}`);
    expect(body).toContain('**Swarm channel:** #crisis-req-okta-1 https://tierflow-sandbox.slack.com/archives/C0SWARM01');
    expect(body).toContain(`**Tracker issue:** ${state.links.gitlabIssue}`);
    expect(body).toContain(`**Review owners:** the Tier 5 group @${LEADERSHIP}, assigned to @grace-lead @linus-lead`);
    expect(body).toContain(`cc @${LEADERSHIP} @${OWNERS}`);

    // The headings in order, the timeline table under "Timeline", checkboxes under "Action items".
    const headings = [...body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...REVIEW_HEADINGS]);
    const timelineSection = body.slice(body.indexOf('## Timeline'), body.indexOf('## Root cause'));
    expect(timelineSection).toContain('| At | Actor | Action | Note |');
    expect(timelineSection).toContain(`| ${formatInstantWithDate(CRISIS_CALENDAR, timeline[3]!.at)} | U0LEADER01 | resolve | rotated the admin credentials |`);
    expect(timelineSection).toContain('| swarm opened | #crisis-req-okta-1 |');
    expect(timelineSection.split('\n').filter((l) => l.startsWith('| '))).toHaveLength(1 + timeline.length);
    expect(body.slice(body.indexOf('## Action items'))).toMatch(/^- \[ \] /m);
    expect(body.trimEnd().endsWith(reviewMarkerComment(state.id))).toBe(true);
  });

  it('says what the bounded timeline left out', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    await open(resolvedCrisis(timeline, { timelineTotal: 57 }), timeline);
    expect(issues()[0]!.description).toContain('_53 earlier entries are not shown: the full history is in the Slack thread and the tracker issue._');
  });

  it('keeps hostile timeline notes, actors and summaries inert: no quick action runs, nobody is mentioned, no cell is broken', async () => {
    const at = Date.UTC(2026, 10, 28, 9, 0);
    const hostile = [
      ...GITLAB_PAYLOADS.map(([, payload]) => payload),
      '/close',
      '/assign @mallory\n/label ~"priority::P4"',
      'cc @all and @gitlab-com/gl-security',
      'a | forged | row |\n| x | y | z | w |',
      'see #12 and !3 and ~"label" and %milestone',
    ];
    const timeline: TimelineEntry[] = [
      { at, actor: '@mallory', action: 'opened', note: 'Tier 5, P1' },
      ...hostile.map((note, i) => ({ at: at + i * MINUTE, actor: i % 2 ? '/close' : '@all', action: 'comment', note })),
    ];
    const state = resolvedCrisis(timeline, { summary: '/close @all\n**Priority:** P4 | x' });
    await open(state, timeline);

    const issue = issues()[0]!;
    // Nothing ran: still open, labelled and assigned as tierflow chose.
    expect(issue.state).toBe('opened');
    expect(issue.labels).toEqual(['corpsys::okta-sso', 'post-incident-review', 'type::crisis']);
    expect(issue.assignees.map((a) => a.username)).toEqual(['grace-lead', 'linus-lead']);
    const body = issue.description!;
    const ours = [`@${LEADERSHIP}`, `@${OWNERS}`, '@grace-lead', '@linus-lead', reviewMarkerComment(state.id)];
    expect(gitlabProblems(body, ours)).toEqual([]);
    expect(gitlabProblems(issue.title)).toEqual([]);
    // One row per entry, each with its four cells: a `|` in a note stays in its cell.
    const rows = body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| At '));
    expect(rows).toHaveLength(timeline.length);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(6);
    // The facts are still nine lines: the summary's line break forged no **Priority:** line.
    expect(body.match(/^\*\*[^*]+:\*\*/gm)).toHaveLength(9);
    expect(body).toMatch(/^\*\*Request:\*\* .*\*\*Priority:\*\* P4/m);
    // What a reader sees of each payload is still there, as typed.
    for (const [, , shown] of GITLAB_PAYLOADS)
      expect(gitlabShown(body).replace(/\\\|/g, '|')).toContain(
        shown
          .split('\n')
          .at(-1)!
          .replace(/^[\s>]+/, ''),
      );
  });

  it('opens exactly one issue when the create happened but its answer was lost, after a retry', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    const state = resolvedCrisis(timeline);
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    expect(await failureOf(open(state, timeline))).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    expect(issues()).toHaveLength(1);

    const ref = await it_.retry(() => open(state, timeline));
    expect(issues()).toHaveLength(1);
    expect(ref).toMatchObject({ iid: issues()[0]!.iid, webUrl: issues()[0]!.web_url, assignees: ['grace-lead', 'linus-lead'] });
    expect(calls('POST', /\/issues$/)).toHaveLength(1);
  });

  it("a retry does not adopt a person's issue carrying a copy of the review marker, nor the request's tracker issue", async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    const state = resolvedCrisis(timeline);
    const mallory = new Gitlab({ host: it_.gitlabEmu.url, token: it_.gitlabEmu.tokenFor('mallory') });
    await mallory.Issues.create(TRACKER, 'Post-incident review: fake', { description: `mine\n\n${reviewMarkerComment(state.id)}` });
    await it_.gitlab.createTrackerIssue({ state: { ...state, status: 'open' }, reason: 'crisis request starts at Tier 5', slackThread: THREAD });

    const ref = await it_.retry(() => open(state, timeline));
    expect(issues()).toHaveLength(3);
    const opened = issues().find((i) => i.iid === ref.iid)!;
    expect(opened.author.username).toBe('tierflow-bot');
    expect(opened.title).toBe('Post-incident review: Okta admin account compromised');
  });

  it('opens unassigned, the group mentioned, with a warning, when the group cannot be listed', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    it_.gitlabEmu.setGroupMembers(LEADERSHIP, null);
    const ref = await open(resolvedCrisis(timeline), timeline);
    expect(ref.assignees).toEqual([]);
    expect(ref.warning).toBe(`review issue unassigned: GitLab answered HTTP 404 listing the members of ${LEADERSHIP}; the group is mentioned instead`);
    const issue = issues()[0]!;
    expect(issue.assignees).toEqual([]);
    expect(issue.description).toContain(`**Review owners:** the Tier 5 group @${LEADERSHIP}\n`);
  });

  it('without a Tier 5 GitLab group, lists no members and says so', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    const ref = await open(resolvedCrisis(timeline), timeline, null);
    expect(ref.assignees).toEqual([]);
    expect(calls('GET', /\/members/)).toEqual([]);
    expect(issues()[0]!.description).toContain('**Review owners:** Tier 5 (no GitLab group configured)');
  });

  it('a rejected token is a configuration error naming GITLAB_TOKEN', async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    const clients = buildClients({ ...it_.settings, gitlab: { ...it_.settings.gitlab, token: 'glpat-invalid' } }, { gitlabUrl: it_.gitlabEmu.url });
    const bad = createReviewActivities({ gitlab: clients.gitlab, project: TRACKER });
    const failure = await failureOf(bad.openReviewIssue({ state: resolvedCrisis(timeline), timeline, calendar: CRISIS_CALENDAR, group: LEADERSHIP, cc: [] }));
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toContain('GITLAB_TOKEN');
  });

  it("is not taken for a new request when GitLab's Issue Hook announces it", async () => {
    const timeline = crisisTimeline(Date.UTC(2026, 10, 28, 9, 0));
    await open(resolvedCrisis(timeline), timeline);
    const issue = issues()[0]!;
    const project = it_.gitlabEmu.projects()[0]!;
    const hook = issueHookSchema.parse(
      issueHook('open', { iid: issue.iid, description: issue.description!, title: issue.title }, { projectId: project.id, path: TRACKER }),
    );
    expect(decideIssueHook(hook, { project: TRACKER })).toMatchObject({ kind: 'ignore', label: 'review_issue' });
  });
});

describe('swarmChannelUrl', () => {
  it.each([
    ['C0SWARM01', THREAD, 'https://tierflow-sandbox.slack.com/archives/C0SWARM01'],
    ['C0SWARM01', null, 'https://slack.com/app_redirect?channel=C0SWARM01'],
    ['C0SWARM01', 'https://evil.example/archives/C0ITHELP/p1', 'https://slack.com/app_redirect?channel=C0SWARM01'],
    ['C0X><!channel', THREAD, null],
    [null, THREAD, null],
  ])('%s with thread %s → %s', (channel, thread, url) => {
    expect(swarmChannelUrl(channel, thread)).toBe(url);
  });
});
