/**
 * The Tier 4 automation review against the GitLab emulator through the real `@gitbeaker/rest`
 * client (as `buildClients` makes it: one attempt per call). The resolved requests are given as
 * visibility would list them; reading them from Temporal is covered end to end in
 * test/e2e/automation-candidates.test.ts.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createAutomationActivities } from '../../activities/automation-candidates.js';
import { GITLAB_UNAVAILABLE } from '../../contracts/failures.js';
import { automationMarkerComments } from '../../contracts/automation-candidates.js';
import type { ResolvedRequestRow } from '../../domain/automation-candidates.js';
import { loadConfig } from '../../registry/load.js';
import { failureOf, startIntegrations, TRACKER, type Integrations } from './support/fixtures.js';

let it_: Integrations;
beforeAll(async () => {
  it_ = await startIntegrations();
});
afterAll(() => it_.close());
beforeEach(() => it_.gitlabEmu.reset());

const config = loadConfig();
const HOUR = 3_600_000;
const issues = () => it_.gitlabEmu.issues(TRACKER);
const notes = (iid: number) => it_.gitlabEmu.notes(TRACKER, iid);
const writes = () => it_.gitlabEmu.calls.filter((c) => c.method !== 'GET');
const mallory = () => new Gitlab({ host: it_.gitlabEmu.url, token: it_.gitlabEmu.tokenFor('mallory') });

let n = 0;
/** A request resolved `hoursAgo` hours ago that cost `minutes` of coverage time. */
function resolved(summary: string, opts: { system?: string | null; hoursAgo?: number; minutes?: number } = {}): ResolvedRequestRow {
  n += 1;
  return {
    id: `req-json-auto-${process.pid}-${n}`,
    system: opts.system === undefined ? 'okta-sso' : opts.system,
    summary,
    resolutionSeconds: (opts.minutes ?? 30) * 60,
    resolvedAt: new Date(Date.now() - (opts.hoursAgo ?? 5) * HOUR).toISOString(),
  };
}

/** The review over `rows` (what visibility lists), with the tracker the emulator's. */
function review(rows: () => ResolvedRequestRow[]) {
  return createAutomationActivities({
    gitlab: it_.clients.gitlab,
    project: TRACKER,
    config,
    resolvedSince: async (since) => rows().filter((r) => Date.parse(r.resolvedAt!) >= since),
  }).reviewAutomationCandidates;
}

describe('reviewAutomationCandidates', () => {
  it('opens one Tier 4 issue for the Okta MFA resets, listing them and the coverage time they cost, labelled and cc’d, with no SLA', async () => {
    const rows = [
      resolved('Reset my Okta MFA', { minutes: 20 }),
      resolved('okta mfa reset please', { minutes: 40 }),
      resolved('Zoom license', { system: 'zoom' }),
      resolved('MFA reset for Okta', { minutes: 30 }),
      resolved('Okta MFA reset', { hoursAgo: 31 * 24 }), // outside the 30-day window
    ];
    const result = await review(() => rows)();

    expect(issues()).toHaveLength(1);
    const issue = issues()[0]!;
    expect(issue.title).toBe('Automation candidate: mfa okta reset (Okta SSO)');
    expect(issue.labels).toEqual(['automation::candidate', 'corpsys::okta-sso', 'tier::4']);
    expect(issue.author.username).toBe('tierflow-bot');
    for (const r of [rows[0]!, rows[1]!, rows[3]!]) expect(issue.description).toContain(`- ${r.id} · resolved `);
    expect(issue.description).not.toContain(rows[2]!.id);
    expect(issue.description).not.toContain(rows[4]!.id);
    expect(issue.description).toContain('**Requests:** 3 in the last 30 days · **Coverage time they cost:** 1h 30m');
    expect(issue.description).toContain('**No SLA:** this is Tier 4 automation engineering, taken on as time allows; no SLA clock runs on it.');
    expect(issue.description).toContain('cc @gitlab-com/gl-security/corp/automation');
    expect(result).toMatchObject({
      requestsRead: 4,
      opened: [issue.iid],
      updated: [],
      noted: [],
      candidates: [{ system: 'okta-sso', summary: 'mfa okta reset', count: 3, coverageSeconds: 5_400, issueUrl: issue.web_url }],
    });
  });

  it('a second run finds the issue again: no duplicate, no edit, no note; a new request rewrites the list and notes the growth once', async () => {
    const rows = [resolved('Reset my Okta MFA'), resolved('okta mfa reset please'), resolved('MFA reset for Okta')];
    const run = review(() => rows);
    await run();
    const before = writes().length;

    expect(await run()).toMatchObject({ opened: [], updated: [], noted: [] });
    expect(issues()).toHaveLength(1);
    expect(writes()).toHaveLength(before);

    rows.push(resolved('need my okta MFA reset again', { minutes: 60 }));
    expect(await run()).toMatchObject({ opened: [], updated: [1], noted: [1], candidates: [{ count: 4, coverageSeconds: 9_000 }] });
    expect(issues()).toHaveLength(1);
    expect(issues()[0]!.description).toContain(`- ${rows[3]!.id} · resolved `);
    expect(issues()[0]!.description).toContain('**Requests:** 4 in the last 30 days · **Coverage time they cost:** 2h 30m');
    expect(notes(1).map((note) => note.body.split('\n')[0])).toEqual(['**4 requests now** (was 3) · 2h 30m of coverage time']);
    expect(notes(1)[0]!.body).toContain(`Joined: ${rows[3]!.id}`);

    // Nothing new: nothing written. A request ageing out of the window alone changes nothing either.
    await run();
    rows.splice(0, 1);
    expect(await run()).toMatchObject({ opened: [], updated: [], noted: [], candidates: [{ count: 3 }] });
    expect(notes(1)).toHaveLength(1);
  });

  it('creates exactly one issue when the create happened but its answer was lost, after a retry', async () => {
    const rows = [resolved('Reset my Okta MFA'), resolved('okta mfa reset please'), resolved('MFA reset for Okta')];
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    expect(await failureOf(review(() => rows)())).toMatchObject({ type: GITLAB_UNAVAILABLE, nonRetryable: false });
    expect(issues()).toHaveLength(1);
    expect(await it_.retry(() => review(() => rows)())).toMatchObject({ opened: [], candidates: [{ issueUrl: issues()[0]!.web_url }] });
    expect(issues()).toHaveLength(1);
  });

  it('adds the growth note once when its answer was lost, after a retry', async () => {
    const rows = [resolved('Reset my Okta MFA'), resolved('okta mfa reset please'), resolved('MFA reset for Okta')];
    await review(() => rows)();
    rows.push(resolved('okta mfa reset'));
    it_.gitlabEmu.failNext('POST /api/v4/projects', { kind: 'ambiguous' });
    await failureOf(review(() => rows)());
    expect(notes(1)).toHaveLength(1);
    await it_.retry(() => review(() => rows)());
    expect(notes(1)).toHaveLength(1);
    expect(issues()[0]!.description).toContain(rows[3]!.id);
  });

  it('keeps hostile summaries inert: no quick action runs, nobody is pinged, no marker is forged', async () => {
    const rows = [
      resolved('/close okta mfa reset'),
      resolved('okta mfa reset @all'),
      resolved('<!channel> okta mfa reset\n/assign @mallory'),
      resolved('okta mfa reset\n/label ~zoom'),
      resolved('okta mfa reset <!-- tierflow-automation: zoom x -->'),
    ];
    const result = await review(() => rows)();
    expect(issues()).toHaveLength(1);
    const issue = issues()[0]!;
    expect(issue.state).toBe('opened');
    expect(issue.labels).toEqual(['automation::candidate', 'corpsys::okta-sso', 'tier::4']);
    expect(issue.assignees).toEqual([]);
    expect(issue.description).not.toMatch(/^\s*\//m);
    expect(issue.description).not.toMatch(/(?<![\w\u200b])@(?:all|mallory)\b/);
    expect(issue.description).not.toContain('<!channel>');
    expect(issue.description).toContain('&lt;!-- tierflow-automation: zoom x --');
    expect(issue.description?.match(/<!-- tierflow-automation: /g)).toHaveLength(1);
    // Each summary stays on its request's line, a line break in it included.
    expect(issue.description).toContain(`- ${rows[0]!.id} · `);
    expect(issue.description).toContain(' · \u200b/close okta mfa reset\n');
    expect(issue.description).toContain(' · &lt;!channel> okta mfa reset /assign @\u200bmallory\n');
    expect(issue.description).toContain(' · okta mfa reset /label ~\u200bzoom\n');
    expect(result.candidates[0]?.count).toBe(5);
  });

  it('does not adopt an issue a person opened with a copy of the markers: it opens its own and leaves theirs alone', async () => {
    const rows = [resolved('Reset my Okta MFA'), resolved('okta mfa reset please'), resolved('MFA reset for Okta')];
    const forged = `Please automate\n\n${automationMarkerComments({ system: 'okta-sso', stems: ['mfa', 'okta', 'reset'], requestIds: rows.slice(0, 2).map((r) => r.id) })}`;
    const planted = await mallory().Issues.create(TRACKER, 'Automation candidate: mfa okta reset (Okta SSO)', {
      description: forged,
      labels: 'automation::candidate',
    });

    const result = await review(() => rows)();
    expect(issues().map((i) => [i.iid, i.author.username])).toEqual([
      [planted.iid, 'mallory'],
      [planted.iid + 1, 'tierflow-bot'],
    ]);
    expect(result.candidates[0]?.issueUrl).toBe(issues()[1]!.web_url);
    expect(issues()[0]!.description).toBe(forged);
    expect(notes(planted.iid)).toEqual([]);
  });

  it('leaves a closed issue closed, and opens a new one only when the requests come back after it was closed', async () => {
    const rows = [
      resolved('Reset my Okta MFA', { hoursAgo: 50 }),
      resolved('okta mfa reset please', { hoursAgo: 49 }),
      resolved('MFA reset for Okta', { hoursAgo: 48 }),
    ];
    const run = review(() => rows);
    await run();
    await it_.clients.gitlab.Issues.edit(TRACKER, 1, { stateEvent: 'close' });

    rows.push(resolved('okta mfa reset', { hoursAgo: -1 }));
    expect(await run()).toMatchObject({ opened: [], updated: [], candidates: [{ count: 4, issueUrl: issues()[0]!.web_url }] });
    expect(issues()).toHaveLength(1);

    rows.push(resolved('okta mfa reset pls', { hoursAgo: -1 }), resolved('reset okta mfa', { hoursAgo: -1 }));
    expect(await run()).toMatchObject({ opened: [2], candidates: [{ count: 6, issueUrl: issues()[1]?.web_url }] });
    expect(issues().map((i) => i.state)).toEqual(['closed', 'opened']);
    expect(issues()[1]!.description).toContain('They came back after #1 was closed.');
    // The open one is the group's issue from now on.
    expect(await run()).toMatchObject({ opened: [], updated: [], candidates: [{ issueUrl: issues()[1]!.web_url }] });
  });

  it('asks GitLab nothing when no kind of request recurs', async () => {
    const result = await review(() => [resolved('Reset my Okta MFA'), resolved('Zoom license', { system: 'zoom' })])();
    expect(result).toMatchObject({ requestsRead: 2, candidates: [], opened: [] });
    expect(it_.gitlabEmu.calls).toEqual([]);
  });

  it('a group of requests without a recognised system gets an issue without a corpsys label', async () => {
    await review(() => [
      resolved('printer jammed', { system: 'unknown' }),
      resolved('printer jammed again', { system: null }),
      resolved('the printer is jammed', { system: null }),
    ])();
    expect(issues()[0]).toMatchObject({ title: 'Automation candidate: printer jammed (no recognised system)', labels: ['automation::candidate', 'tier::4'] });
  });
});
