/**
 * The SLA report page's charts: one bar per measured group and clock, a histogram bar per bucket,
 * a point per week, the same SVG for the same report, nothing a strict CSP would block, and text
 * from requests kept as text.
 */
import { describe, expect, it } from 'vitest';

import { MAX_CHART_SYSTEMS, SLA_CHART_COLORS, SLA_CHART_SIZE, attainmentChartSvg, slaReportCharts } from '../../charts/sla-charts.js';
import { buildSlaReport, type ReportRow } from '../../domain/sla-report.js';

const SINCE = Date.parse('2026-11-02T00:00:00Z');
const DAY = 86_400_000;
const UNTIL = SINCE + 28 * DAY;
const HOSTILE = `"><script>alert(1)</script>`;

const row = (i: number, over: Partial<ReportRow> = {}): ReportRow => ({
  id: `req-${i}`,
  openedAt: new Date(SINCE + (i % 21) * DAY + 3_600_000).toISOString(),
  tier: 2 + (i % 3),
  system: ['okta-sso', 'aws', 'zoom'][i % 3]!,
  priority: `P${1 + (i % 4)}`,
  status: 'resolved',
  slaBreached: i % 5 === 0,
  firstResponseSeconds: i * 700,
  firstResponseMet: i % 2 === 0,
  resolutionSeconds: i * 3_000,
  resolutionMet: i % 4 !== 0,
  escalations: i % 2,
  reopens: 0,
  ...over,
});

const report = buildSlaReport(
  Array.from({ length: 21 }, (_, i) => row(i)),
  { since: SINCE, until: UNTIL, now: UNTIL },
);

/** The drawn bars of one colour: a series' rectangles (`M x y l w 0 l 0 -h …Z`) of non-zero height; legend swatches are not the series'. */
const bars = (svg: string, colour: string) =>
  [...svg.matchAll(new RegExp(`<path d="M[\\d.]+ [\\d.]+l[\\d.]+ 0l0 (-?[\\d.]+)l[^"]*Z" fill="${colour}" [^>]*ecmeta_ssr_type="chart"`, 'g'))].filter(
    (m) => Number(m[1]) !== 0,
  ).length;

describe('the SLA report charts', () => {
  it('draws four SVGs of the fixed size, each labelled for screen readers', () => {
    const charts = slaReportCharts(report);
    expect(Object.keys(charts)).toEqual(['tier', 'system', 'firstResponse', 'trend']);
    for (const svg of Object.values(charts)) {
      expect(svg).toMatch(new RegExp(`^<svg role="img" aria-label="[^"]+" width="${SLA_CHART_SIZE.width}" height="${SLA_CHART_SIZE.height}" `));
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    expect(charts.tier).toContain('aria-label="SLA met by tier. Tier 2: first response ');
  });

  it('draws a first response and a resolution bar per tier and per system', () => {
    const { tier, system } = slaReportCharts(report);
    expect(report.groups.tier).toHaveLength(3);
    expect(bars(tier, SLA_CHART_COLORS.firstResponse)).toBe(3);
    expect(bars(tier, SLA_CHART_COLORS.resolution)).toBe(3);
    for (const key of ['Tier 2', 'Tier 3', 'Tier 4', 'okta-sso', 'aws', 'zoom']) expect(tier + system).toContain(`>${key}<`);
    expect(tier).toContain('>7 opened<');
  });

  it('draws the time-to-first-response buckets and a point per week', () => {
    const { firstResponse, trend } = slaReportCharts(report);
    expect(firstResponse).toContain('&lt; 15 min');
    expect(bars(firstResponse, SLA_CHART_COLORS.firstResponse)).toBe(report.firstResponseHistogram.filter((b) => b.count > 0).length);
    for (const week of report.groups.week) expect(trend).toContain(`>${week.key}<`);
    expect(report.groups.week.length).toBeGreaterThan(1);
    expect(bars(trend, SLA_CHART_COLORS.opened)).toBe(report.groups.week.length);
  });

  it('is the same SVG for the same report, with ids that are its own', () => {
    const first = slaReportCharts(report);
    const again = slaReportCharts(report);
    expect(again).toEqual(first);
    const ids = Object.values(first).flatMap((svg) => [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^sla-(tier|system|first-response|trend)-/.test(id))).toBe(true);
  });

  it('leaves nothing a strict CSP blocks: no style element or attribute, no class, no script, no external reference', () => {
    const all = Object.values(slaReportCharts(report)).join('\n');
    expect(all).not.toMatch(/<style|style=|class=|<script|<image|href=/);
    expect(all).toContain('font-size="12px"');
  });

  it('keeps a hostile system name as text, in the picture and in its label', () => {
    const svg = attainmentChartSvg(buildSlaReport([row(1, { system: HOSTILE })], { since: SINCE, until: UNTIL, now: UNTIL }).groups.system, {
      name: 'sla-system',
      title: 'SLA met by system',
      subtitle: '1 system',
      empty: 'none',
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('aria-label="SLA met by system. &#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;: first response');
    expect(() => attainmentChartSvg([], { name: 'x" onload="y', title: 't', subtitle: 's', empty: 'e' })).toThrow(RangeError);
  });

  it('shows the busiest systems only, and says so', () => {
    const many = buildSlaReport(
      Array.from({ length: 40 }, (_, i) => row(i, { system: `system-${String(i % 20).padStart(2, '0')}` })),
      { since: SINCE, until: UNTIL, now: UNTIL },
    );
    const { system } = slaReportCharts(many);
    expect(system).toContain(`The ${MAX_CHART_SYSTEMS} busiest of 20 systems`);
    expect(bars(system, SLA_CHART_COLORS.firstResponse)).toBeLessThanOrEqual(MAX_CHART_SYSTEMS);
    expect(bars(system, SLA_CHART_COLORS.firstResponse)).toBeGreaterThan(0);
  });

  it('says there is nothing to show for an empty range', () => {
    const charts = slaReportCharts(buildSlaReport([], { since: SINCE, until: UNTIL, now: UNTIL }));
    expect(charts.tier).toContain('No requests were opened in this range');
    expect(charts.firstResponse).toContain('No request was answered in this range');
    expect(charts.trend).toContain('No requests were opened in this range');
    expect(bars(charts.tier, SLA_CHART_COLORS.firstResponse)).toBe(0);
  });
});
