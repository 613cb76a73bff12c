/**
 * What the CLI prints, from plain data: the request list, one request's status, the SLA report
 * table, the registry summary and the demo seeding plan.
 */
import { describe, expect, it } from 'vitest';

import type { RequestListItem } from '../../contracts/request-list.js';
import { buildSlaReport, type ReportRow } from '../../domain/sla-report.js';
import type { RequestStatusView } from '../../domain/status-view.js';
import { loadConfig } from '../../registry/load.js';
import { seedSummary } from '../../cli/commands/seed.js';
import { registryLines, windowText } from '../../cli/registry-view.js';
import { reportTable } from '../../cli/report-view.js';
import { actedLine, listCsv, listTable, statusLines } from '../../cli/request-views.js';
import { seedPlan } from '../../cli/seed-plan.js';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const iso = (at: number) => new Date(at).toISOString();

const item = (over: Partial<RequestListItem>): RequestListItem => ({
  id: 'req-json-1',
  summary: 'Locked out of Okta',
  tier: 2,
  status: 'open',
  priority: 'P2',
  system: 'okta-sso',
  type: 'question',
  slaBreached: false,
  slaDueAt: iso(NOW + 2 * 3_600_000),
  openedAt: iso(NOW - 3_600_000),
  resolvedAt: null,
  firstResponseSeconds: null,
  firstResponseMet: null,
  resolutionSeconds: null,
  resolutionMet: null,
  escalations: 0,
  reopens: 0,
  running: true,
  ...over,
});

describe('the request list', () => {
  it('is a table of id, tier, status, priority, system, breached, due and a cut summary', () => {
    const lines = listTable(
      [item({}), item({ id: 'req-json-22', tier: 3, status: 'acknowledged', slaBreached: true, slaDueAt: null, system: null, summary: 'x'.repeat(60) })],
      { now: NOW },
    );
    expect(lines).toEqual([
      'ID           TIER  STATUS        PRIORITY  SYSTEM    BREACHED  DUE    SUMMARY',
      'req-json-1      2  open          P2        okta-sso  no        in 2h  Locked out of Okta',
      `req-json-22     3  acknowledged  P2        —         yes       —      ${'x'.repeat(47)}…`,
    ]);
  });

  it('is CSV with every column and formula-safe cells', () => {
    const csv = listCsv([item({ summary: '=cmd|calc' })]);
    expect(csv.split('\r\n')).toEqual([
      'id,tier,status,priority,system,type,breached,due_at,opened_at,resolved_at,summary',
      `req-json-1,2,open,P2,okta-sso,question,false,${iso(NOW + 2 * 3_600_000)},${iso(NOW - 3_600_000)},,'=cmd|calc`,
      '',
    ]);
  });
});

const view: RequestStatusView = {
  id: 'req-json-7',
  tier: 3,
  status: 'acknowledged',
  priority: 'P2',
  system: 'aws',
  type: 'change',
  summary: 'IAM role for the sandbox',
  requester: 'ada@example.com',
  assignee: 'grace',
  slaBreached: true,
  details: 'Tier 3 — acknowledged, resolution, due Thu 10:00 UTC (SLA breached earlier)',
  clocks: [
    { kind: 'first_response', tier: 3, state: 'breached', dueAt: null, remaining: '-1h', remainingMs: -3_600_000 },
    { kind: 'resolution', tier: 3, state: 'running', dueAt: iso(NOW + 2 * 86_400_000), remaining: '2d', remainingMs: 2 * 86_400_000 },
  ],
  links: { slackThread: 'https://slack.example/archives/C1/p1', gitlabIssue: null, swarmChannel: null },
  reopenUntil: null,
  heldUntil: null,
  timeline: [
    { at: iso(NOW - 7_200_000), actor: 'ada@example.com', action: 'opened', note: 'Tier 3, P2' },
    { at: iso(NOW - 3_600_000), actor: 'grace', action: 'acknowledge' },
  ],
  timelineCounts: { opened: 1, acknowledge: 1, comment: 3 },
  timelineOmitted: 3,
};

describe("a request's status", () => {
  it('reads as a head, the people, the clocks with due times, the links and the timeline', () => {
    const text = statusLines(view, { now: NOW, zone: 'UTC' }).join('\n');
    expect(text).toContain('req-json-7  IAM role for the sandbox\nTier 3 · acknowledged · P2 · change · system aws\nTier 3 — acknowledged');
    expect(text).toContain('Assignee       grace');
    expect(text).toContain('SLA            breached');
    expect(text).toMatch(/first response\s+3\s+breached\s+—\n/);
    expect(text).toMatch(/resolution\s+3\s+running\s+2026-12-03 10:00 UTC \(in 2d\)\n/);
    expect(text).toContain('Slack thread   https://slack.example/archives/C1/p1');
    expect(text).toContain('Tracker issue  —');
    expect(text).not.toContain('Swarm channel');
    expect(text).toContain('Timeline (2 of 5: the opening entry and the latest)');
    expect(text).toMatch(/2026-12-01 09:00 UTC\s+acknowledge\s+grace/);
  });

  it('answers an action in one line', () => {
    expect(actedLine('acknowledge', view)).toBe(`acknowledge: req-json-7 is now Tier 3 · acknowledged · P2 · aws — ${view.details}`);
  });
});

describe('the SLA report table', () => {
  const row = (over: Partial<ReportRow>): ReportRow => ({
    id: 'r',
    openedAt: iso(NOW - 86_400_000),
    tier: 2,
    system: 'okta-sso',
    priority: 'P2',
    status: 'resolved',
    slaBreached: false,
    firstResponseSeconds: 600,
    firstResponseMet: true,
    resolutionSeconds: 7_200,
    resolutionMet: true,
    escalations: 0,
    reopens: 0,
    ...over,
  });

  it('has a row per group, a rule and the total, times in coverage time', () => {
    const report = buildSlaReport(
      [
        row({}),
        row({
          tier: 3,
          firstResponseMet: false,
          firstResponseSeconds: 30_000,
          slaBreached: true,
          escalations: 1,
          resolutionSeconds: null,
          resolutionMet: null,
        }),
      ],
      { since: NOW - 7 * 86_400_000, until: NOW, now: NOW },
    );
    const lines = reportTable(report, 'tier', { zone: 'UTC' });
    expect(lines[0]).toBe('SLA report: requests opened 2026-11-24 10:00 UTC – 2026-12-01 10:00 UTC, by tier (2 requests)');
    expect(lines[2]).toMatch(
      /^TIER\s+OPENED\s+RESOLVED\s+FIRST RESPONSE MET\s+MEDIAN\s+P90\s+RESOLUTION MET\s+MEDIAN\s+P90\s+BREACHED\s+ESCALATIONS\s+REOPENS$/,
    );
    expect(lines[3]).toMatch(/^Tier 2\s+1\s+1\s+100\.0% \(1\/1\)\s+10m\s+10m\s+100\.0% \(1\/1\)\s+2h\s+2h\s+0\s+0\s+0$/);
    expect(lines[4]).toMatch(/^Tier 3\s+1\s+0\s+0\.0% \(0\/1\)\s+8h 20m\s+8h 20m\s+—\s+—\s+—\s+1\s+1\s+0$/);
    expect(lines[5]).toMatch(/^-+$/);
    expect(lines[6]).toMatch(/^total\s+2\s+1\s+50\.0% \(1\/2\)\s+10m\s+8h 20m\s+100\.0% \(1\/1\)\s+2h\s+2h\s+1\s+1\s+0$/);
  });

  it('says so when nothing was opened in the range', () => {
    const report = buildSlaReport([], { since: NOW - 86_400_000, until: NOW, now: NOW });
    expect(reportTable(report, 'system', { zone: 'UTC' })).toEqual([
      'SLA report: requests opened 2026-11-30 10:00 UTC – 2026-12-01 10:00 UTC, by system (0 requests)',
      'No requests were opened in this range.',
    ]);
  });
});

describe('the registry summary', () => {
  it.each([
    [{ start: { day: 1, time: '00:00' }, end: { day: 6, time: '00:00' } }, 'Mon 00:00 – Sat 00:00'],
    [{ start: { day: 5, time: '22:00' }, end: { day: 1, time: '06:00' } }, 'Fri 22:00 – Mon 06:00'],
    [{ start: { day: 1, time: '00:00' }, end: { day: 1, time: '00:00' } }, 'around the clock'],
  ] as const)('writes the window %j as %s', (window, text) => {
    expect(windowText(window)).toBe(text);
  });

  it('lists warnings the loader accepted but flags', () => {
    const config = loadConfig();
    const lines = registryLines('/r', { ...config, warnings: ['tech_stack.yml: skipped [1]', 'tech_stack.yml: skipped [2]'] });
    expect(lines.slice(-2)).toEqual(['  Warnings     tech_stack.yml: skipped [1]', '               tech_stack.yml: skipped [2]']);
  });
});

describe('the seeding plan', () => {
  const systems = loadConfig().registry.systems;

  it('spreads requests over systems, priorities and types, never a crisis, with ids of its batch', () => {
    const plan = seedPlan({ count: 24, batch: 'demo', systems, actors: ['lena.fischer', 'tom.okafor'] });
    expect(plan.map((p) => p.input.id)).toEqual(Array.from({ length: 24 }, (_, i) => `req-json-seed-demo-${i + 1}`));
    expect(new Set(plan.map((p) => p.input.system)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(plan.map((p) => p.input.priority))).toEqual(new Set(['P1', 'P2', 'P3', 'P4']));
    expect(new Set(plan.map((p) => p.input.type))).toEqual(new Set(['question', 'access', 'change']));
    const actions = plan.flatMap((p) => p.actions.map((a) => a.action));
    for (const action of ['acknowledge', 'comment', 'escalate', 'resolve', 'pause']) expect(actions).toContain(action);
    expect(plan.filter((p) => p.actions.length === 0)).toHaveLength(6);
    // Every escalation carries its reason; the actors take turns and are never the requester.
    expect(plan.flatMap((p) => p.actions).filter((a) => a.action === 'escalate' && !a.note)).toEqual([]);
    expect(new Set(plan.flatMap((p) => p.actions.map((a) => a.actor)))).toEqual(new Set(['lena.fischer', 'tom.okafor']));
    expect(plan.every((p) => p.actions.every((a) => a.actor !== p.input.requester.email))).toBe(true);
  });

  it('falls back to the registry’s own systems when it has none of the demo ones', () => {
    const plan = seedPlan({ count: 3, batch: 'b', systems: [{ id: 'erp', name: 'ERP' }], actors: [] });
    expect(plan.map((p) => [p.input.system, p.input.summary])).toEqual([
      ['erp', 'Question about ERP'],
      ['erp', 'Question about ERP'],
      ['erp', 'Question about ERP'],
    ]);
    expect(plan[0]!.actions[0]!.actor).toBe('tierflow-seed');
  });

  it('closes with what it did and where to look', () => {
    const outcome = (done: string[]) => ({
      id: 'r',
      system: 's',
      priority: 'P3',
      type: 'question',
      duplicate: false,
      done,
      refused: [],
      status: 'open',
      tier: 2,
    });
    expect(seedSummary([outcome(['acknowledge', 'resolve']), outcome(['acknowledge']), outcome([])], { taskQueue: 'q', address: 'a:1', since: 'S' })).toEqual([
      'Seeded 3 requests on task queue q at a:1: 2 acknowledged, 1 resolved, 1 untouched.',
      'Breaches need coverage time to pass: run the report again later to see them.',
      'See them:  npx tierflow requests list --since S',
      '           npx tierflow report sla --since S',
    ]);
  });
});
