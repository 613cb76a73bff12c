/**
 * The weekly SLA digest's chart: first response and resolution met (%) per tier, this week beside
 * last week, drawn by ECharts' server-side SVG renderer (no DOM, no browser). Pure: a report in, an
 * SVG string out; `png.ts` turns it into the PNG posted to Slack. Only tier keys and numbers reach
 * the picture, never text from a request.
 */
import * as echarts from 'echarts';

import type { SlaGroup, SlaReport } from '../domain/sla-report.js';
import { CHART_FONT_FAMILY } from './png.js';

export { svgToPng, NoFontError } from './png.js';

/** The chart's size in SVG units (the PNG is drawn at twice that). */
export const DIGEST_CHART_SIZE = { width: 720, height: 400 } as const;

/** What the chart shows. */
export interface DigestChartInput {
  /** The week's report. */
  report: SlaReport;
  /** The week before's, for comparison (absent: this week only). */
  previous?: SlaReport | null;
  /** The week's name, e.g. `2026-W49`. */
  week: string;
}

const COLORS = { firstResponse: '#1264a3', firstResponseBefore: '#9cc3e3', resolution: '#2bac76', resolutionBefore: '#a6dcc3' } as const;

/** A rate in whole percent, or null (nothing measured: no bar). */
const percent = (rate: number | null | undefined): number | null => (rate === null || rate === undefined ? null : Math.round(rate * 100));
/** A rate as text: `75%`, or `n/a` when nothing was measured. */
const percentText = (rate: number | null): string => (rate === null ? 'n/a' : `${percent(rate)}%`);

/** Tier keys of both weeks, `Tier 1` … `Tier 5` in order, `unknown` last. */
function tierKeys(report: SlaReport, previous: SlaReport | null): string[] {
  const keys = new Set([...report.groups.tier, ...(previous?.groups.tier ?? [])].map((g) => g.key));
  return [...keys].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b, 'en', { numeric: true })));
}

/**
 * The digest chart as an SVG document.
 * @example digestChartSvg({ report, previous, week: '2026-W49' }) // '<svg width="720" height="400" …>…Tier 2…</svg>'
 */
export function digestChartSvg(input: DigestChartInput): string {
  const { report, week } = input;
  const previous = input.previous ?? null;
  const tiers = tierKeys(report, previous);
  const groupOf = (r: SlaReport | null, key: string): SlaGroup | undefined => r?.groups.tier.find((g) => g.key === key);
  const rates = (r: SlaReport | null, clock: 'firstResponse' | 'resolution') => tiers.map((key) => percent(groupOf(r, key)?.[clock].rate));
  const label = { show: true, position: 'top', formatter: '{c}%', fontSize: 11, color: '#1d1c1d' } as const;
  const series = [
    ...(previous
      ? [{ name: 'First response, last week', type: 'bar', data: rates(previous, 'firstResponse'), itemStyle: { color: COLORS.firstResponseBefore } }]
      : []),
    { name: 'First response met', type: 'bar', data: rates(report, 'firstResponse'), itemStyle: { color: COLORS.firstResponse }, label },
    ...(previous ? [{ name: 'Resolution, last week', type: 'bar', data: rates(previous, 'resolution'), itemStyle: { color: COLORS.resolutionBefore } }] : []),
    { name: 'Resolution met', type: 'bar', data: rates(report, 'resolution'), itemStyle: { color: COLORS.resolution }, label },
  ];
  const total = report.total;
  const overall = `${total.opened} opened · first response ${percentText(total.firstResponse.rate)} · resolution ${percentText(total.resolution.rate)} met`;
  const last = previous?.total;
  const before = last ? ` (last week ${last.opened} · ${percentText(last.firstResponse.rate)} · ${percentText(last.resolution.rate)})` : '';

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...DIGEST_CHART_SIZE });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: CHART_FONT_FAMILY },
      title: {
        text: `SLA digest ${week}`,
        subtext: overall + before,
        left: 16,
        top: 10,
        textStyle: { fontSize: 18, color: '#1d1c1d' },
        subtextStyle: { fontSize: 12, color: '#616061' },
      },
      // ECharts measures text without a canvas here (Arial-like widths); DejaVu is wider: room to spare.
      legend: { bottom: 8, itemGap: 30, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11, color: '#1d1c1d' } },
      grid: { left: 56, right: 20, top: 88, bottom: 84 },
      xAxis: {
        type: 'category',
        data: tiers.map((key) => `${key}\n${groupOf(report, key)?.opened ?? 0} opened`),
        axisLabel: { fontSize: 12, color: '#1d1c1d', lineHeight: 16 },
      },
      yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%', fontSize: 11, color: '#616061' } },
      series,
      ...(tiers.length === 0
        ? {
            graphic: {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: { text: `No requests were opened in ${week}`, fontSize: 14, fill: '#616061', backgroundColor: '#ffffff', padding: 6 },
            },
          }
        : {}),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
