/**
 * The SLA report from visibility rows: attainment per tier, system, priority and week, medians and
 * p90 in coverage time, the first-response histogram, and the CSV (formula cells defused).
 */
import { describe, expect, it } from 'vitest';

import { buildSlaReport, percentile, reportCsv, weekOf, type ReportRow } from '../../domain/sla-report.js';

const row = (over: Partial<ReportRow>): ReportRow => ({
  id: 'r',
  openedAt: '2026-11-24T10:00:00.000Z',
  tier: 2,
  system: 'okta-sso',
  priority: 'P2',
  status: 'resolved',
  slaBreached: false,
  firstResponseSeconds: 600,
  firstResponseMet: true,
  resolutionSeconds: 7200,
  resolutionMet: true,
  escalations: 0,
  reopens: 0,
  ...over,
});

const since = Date.parse('2026-11-01T00:00:00Z');
const until = Date.parse('2026-12-01T00:00:00Z');
const now = until;

describe('the SLA report', () => {
  const rows: ReportRow[] = [
    row({ id: 'a' }),
    row({ id: 'b', firstResponseSeconds: 3000, firstResponseMet: false, slaBreached: true, tier: 3, escalations: 1 }),
    row({ id: 'c', system: 'zoom', priority: 'P4', resolutionSeconds: null, resolutionMet: null, status: 'open', openedAt: '2026-11-10T09:00:00.000Z' }),
    row({ id: 'd', reopens: 2, resolutionMet: false, resolutionSeconds: 90_000 }),
    row({ id: 'old', openedAt: '2026-10-30T09:00:00.000Z' }),
  ];
  const report = buildSlaReport(rows, { since, until, now });

  it('counts only requests opened in the range, per group', () => {
    expect(report.total).toMatchObject({ opened: 4, resolved: 3, breached: 1, escalations: 1, reopens: 2 });
    expect(report.total.firstResponse).toMatchObject({ measured: 4, met: 3, rate: 0.75 });
    expect(report.total.resolution).toMatchObject({ measured: 3, met: 2 });
    expect(report.groups.tier.map((g) => [g.key, g.opened])).toEqual([
      ['Tier 2', 3],
      ['Tier 3', 1],
    ]);
    expect(report.groups.system.map((g) => [g.key, g.opened])).toEqual([
      ['okta-sso', 3],
      ['zoom', 1],
    ]);
    expect(report.groups.priority.map((g) => g.key)).toEqual(['P2', 'P4']);
    expect(report.groups.week.map((g) => [g.key, g.opened])).toEqual([
      ['2026-W46', 1],
      ['2026-W48', 3],
    ]);
  });

  it('gives medians and p90 by nearest rank', () => {
    expect(report.total.firstResponse.medianSeconds).toBe(600);
    expect(report.total.firstResponse.p90Seconds).toBe(3000);
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  it('buckets time to first response', () => {
    const counts = Object.fromEntries(report.firstResponseHistogram.map((b) => [b.label, b.count]));
    expect(counts['< 15 min']).toBe(3);
    expect(counts['30–60 min']).toBe(1);
  });

  it('writes CSV with a total row, formula cells defused', () => {
    const hostile = buildSlaReport([row({ system: '=HYPERLINK("http://evil")' })], { since, until, now });
    const csv = reportCsv(hostile, 'system');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^group,opened,resolved,first_response_measured/);
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil"")",1,1,1,1,100.0,600,600,1,1,100.0,7200,7200,0,0,0`);
    expect(lines[2]).toMatch(/^all,1,/);
  });

  it('names ISO weeks in UTC', () => {
    expect(weekOf(Date.parse('2026-12-01T10:00:00Z'))).toBe('2026-W49');
    expect(weekOf(Date.parse('2027-01-01T10:00:00Z'))).toBe('2026-W53');
  });
});
