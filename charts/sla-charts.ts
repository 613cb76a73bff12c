/**
 * The SLA report page's charts, drawn by ECharts' server-side SVG renderer (no DOM, no browser, no
 * script in the page): first response and resolution met (%) per tier and per system as grouped
 * bars, the distribution of time to first response, and the weekly trend. Pure: a report in, SVG
 * strings out, the same strings for the same report (fixed size, no animation, no generated ids).
 *
 * The SVGs are made to be inlined into a page with a strict Content-Security-Policy: ECharts' hover
 * stylesheet (`<style>`, classes) is not rendered, and the `style` attributes it writes on text
 * become presentation attributes (`font-size="12px"`), so no inline style needs allowing. Text from
 * requests (system names) reaches the SVG only as text content, which the renderer escapes.
 */
import * as echarts from 'echarts';

import type { SlaGroup, SlaReport } from '../domain/sla-report.js';

/** Every chart's size in SVG units (its `viewBox`; the page scales it to its column). */
export const SLA_CHART_SIZE = { width: 760, height: 360 } as const;

/** Most systems the per-system chart shows (the busiest; the page's table lists them all). */
export const MAX_CHART_SYSTEMS = 12;

/** The same hues as the Slack digest's chart: blue for first response, green for resolution. */
export const SLA_CHART_COLORS = { firstResponse: '#1264a3', resolution: '#2bac76', opened: '#c3c9d2', text: '#1d1c1d', muted: '#5e5d60' } as const;

const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

/** The four charts of a report, each an `<svg>` document. */
export interface SlaCharts {
  tier: string;
  system: string;
  firstResponse: string;
  trend: string;
}

/** A rate in whole percent, or null (nothing measured: no bar, no point). */
const percent = (rate: number | null | undefined): number | null => (rate === null || rate === undefined ? null : Math.round(rate * 100));
const percentText = (rate: number | null): string => (rate === null ? 'n/a' : `${percent(rate)}%`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The SVG painter's own string renderer, which can leave out the hover stylesheet and animations (`renderToSVGString` cannot). */
interface SvgPainter {
  renderToString(opts: { cssAnimation: boolean; cssEmphasis: boolean; useViewBox: boolean }): string;
}

/** Rewrites `style="font-size:12px;font-family:…;"` into the equivalent presentation attributes. */
function styleToAttributes(svg: string): string {
  // Text content and attribute values never hold a bare `"` (the renderer writes `&quot;`), so this
  // matches attributes only.
  return svg.replace(/ style="([^"]*)"/g, (_m, declarations: string) =>
    declarations
      .split(';')
      .map((declaration) => /^\s*([a-z-]+)\s*:\s*(.+?)\s*$/.exec(declaration))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, property, value]) => ` ${property}="${value!.replace(/"/g, '&quot;')}"`)
      .join(''),
  );
}

/**
 * Renames the renderer's ids (`zr<n>-c0`, from a counter that runs per process) to `<name>-c0`, so
 * the same report draws the same SVG and two charts inlined into one page never share an id.
 */
function stableIds(svg: string, name: string): string {
  // Attributes only: text content never holds a bare `"`.
  return svg.replace(/( id="|="url\(#)zr\d+-/g, `$1${name}-`);
}

/** Renders one ECharts option as a CSP-ready SVG string labelled for screen readers; `name` prefixes its ids. */
function renderSvg(option: echarts.EChartsCoreOption, label: string, name: string): string {
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(name)) throw new RangeError(`not a chart name: ${name}`);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...SLA_CHART_SIZE });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY, color: SLA_CHART_COLORS.text }, ...option });
    const painter = chart.getZr().painter as unknown as Partial<SvgPainter>;
    if (typeof painter.renderToString !== 'function') throw new Error('ECharts has no SVG painter: init it with the svg renderer');
    const svg = stableIds(styleToAttributes(painter.renderToString({ cssAnimation: false, cssEmphasis: false, useViewBox: true })), name);
    const escapedLabel = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapedLabel}" `);
  } finally {
    chart.dispose();
  }
}

const title = (text: string, subtext: string) => ({
  text,
  subtext,
  left: 16,
  top: 10,
  textStyle: { fontSize: 16, fontWeight: 'bold', color: SLA_CHART_COLORS.text },
  subtextStyle: { fontSize: 12, color: SLA_CHART_COLORS.muted },
});

const legend = { bottom: 8, itemGap: 24, itemWidth: 14, itemHeight: 10, selectedMode: false, textStyle: { fontSize: 12, color: SLA_CHART_COLORS.text } };

/** A note in the middle of a chart with nothing to draw, on a white band that hides the grid lines behind it. */
const emptyNote = (text: string) => ({
  graphic: {
    type: 'group',
    left: 'center',
    top: 'middle',
    children: [
      { type: 'rect', shape: { x: 0, y: 0, width: 360, height: 30 }, style: { fill: '#ffffff' } },
      { type: 'text', x: 180, y: 15, style: { text, fontSize: 14, fill: SLA_CHART_COLORS.muted, align: 'center', verticalAlign: 'middle' } },
    ],
  },
});

/** Options of {@link attainmentChartSvg}. */
export interface AttainmentChartOptions {
  /** Prefix of the SVG's ids (unique per page), e.g. `sla-tier`. */
  name: string;
  title: string;
  subtitle: string;
  /** What the chart says when there are no groups. */
  empty: string;
}

/**
 * First response and resolution met (%) per group, as grouped bars with each group's volume under its name.
 * @example attainmentChartSvg(report.groups.tier, { name: 'sla-tier', title: 'By tier', subtitle: '40 requests', empty: 'No requests' }) // '<svg role="img" …>…Tier 2…</svg>'
 */
export function attainmentChartSvg(groups: readonly SlaGroup[], opts: AttainmentChartOptions): string {
  const crowded = groups.length > 6;
  const barLabel = { show: !crowded, position: 'top', formatter: '{c}%', fontSize: 11, color: SLA_CHART_COLORS.text } as const;
  const option = {
    title: title(opts.title, opts.subtitle),
    legend,
    grid: { left: 56, right: 24, top: 78, bottom: crowded ? 110 : 84 },
    xAxis: {
      type: 'category',
      data: groups.map((g) => `${g.key}\n${g.opened} opened`),
      axisLabel: {
        interval: 0,
        fontSize: 11,
        lineHeight: 15,
        color: SLA_CHART_COLORS.text,
        width: crowded ? 96 : 140,
        overflow: 'truncate',
        rotate: crowded ? 30 : 0,
      },
    },
    yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%', fontSize: 11, color: SLA_CHART_COLORS.muted } },
    series: [
      {
        name: 'First response met',
        type: 'bar',
        barMaxWidth: 36,
        data: groups.map((g) => percent(g.firstResponse.rate)),
        itemStyle: { color: SLA_CHART_COLORS.firstResponse },
        label: barLabel,
      },
      {
        name: 'Resolution met',
        type: 'bar',
        barMaxWidth: 36,
        data: groups.map((g) => percent(g.resolution.rate)),
        itemStyle: { color: SLA_CHART_COLORS.resolution },
        label: barLabel,
      },
    ],
    ...(groups.length === 0 ? emptyNote(opts.empty) : {}),
  };
  const rates = groups.map((g) => `${g.key}: first response ${percentText(g.firstResponse.rate)}, resolution ${percentText(g.resolution.rate)}`);
  return renderSvg(option, `${opts.title}. ${rates.length ? rates.join('; ') : opts.empty}`, opts.name);
}

/**
 * Time to first response (coverage time) as a histogram of the report's buckets.
 * @example firstResponseHistogramSvg(report) // '<svg role="img" aria-label="Time to first response…">…&lt; 15 min…</svg>'
 */
export function firstResponseHistogramSvg(report: SlaReport): string {
  const buckets = report.firstResponseHistogram;
  const answered = buckets.reduce((n, b) => n + b.count, 0);
  const option = {
    title: title('Time to first response', `${plural(answered, 'request')} answered · coverage time`),
    grid: { left: 56, right: 24, top: 78, bottom: 48 },
    xAxis: { type: 'category', data: buckets.map((b) => b.label), axisLabel: { interval: 0, fontSize: 11, color: SLA_CHART_COLORS.text } },
    yAxis: {
      type: 'value',
      minInterval: 1,
      name: 'requests',
      nameTextStyle: { fontSize: 11, color: SLA_CHART_COLORS.muted },
      axisLabel: { fontSize: 11, color: SLA_CHART_COLORS.muted },
    },
    series: [
      {
        name: 'Requests',
        type: 'bar',
        barCategoryGap: '20%',
        data: buckets.map((b) => b.count),
        itemStyle: { color: SLA_CHART_COLORS.firstResponse },
        label: { show: true, position: 'top', fontSize: 11, color: SLA_CHART_COLORS.text },
      },
    ],
    ...(answered === 0 ? emptyNote('No request was answered in this range') : {}),
  };
  return renderSvg(option, `Time to first response: ${buckets.map((b) => `${b.label}: ${b.count}`).join(', ')}`, 'sla-first-response');
}

/**
 * The weekly trend: first response and resolution met (%) as lines per ISO week, requests opened as bars behind them.
 * @example weeklyTrendSvg(report) // '<svg role="img" aria-label="Weekly trend…">…2026-W49…</svg>'
 */
export function weeklyTrendSvg(report: SlaReport): string {
  const weeks = report.groups.week;
  // Resolution's labels go under its points, so the two lines' labels do not overlap where they meet.
  const line = (name: string, color: string, data: (number | null)[], labelPosition: 'top' | 'bottom') => ({
    name,
    type: 'line',
    yAxisIndex: 0,
    data,
    clip: false,
    symbol: 'circle',
    symbolSize: 7,
    lineStyle: { width: 2.5, color },
    itemStyle: { color },
    label: { show: weeks.length <= 8, position: labelPosition, formatter: '{c}%', fontSize: 11, color },
  });
  const option = {
    title: title('Weekly trend', `${plural(weeks.length, 'week')} · by the week a request was opened (ISO weeks, UTC)`),
    legend,
    grid: { left: 56, right: 56, top: 78, bottom: 84 },
    xAxis: {
      type: 'category',
      data: weeks.map((g) => g.key),
      axisLabel: { interval: 0, fontSize: 11, color: SLA_CHART_COLORS.text, rotate: weeks.length > 10 ? 30 : 0 },
    },
    yAxis: [
      { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%', fontSize: 11, color: SLA_CHART_COLORS.muted } },
      {
        type: 'value',
        minInterval: 1,
        splitLine: { show: false },
        name: 'opened',
        nameTextStyle: { fontSize: 11, color: SLA_CHART_COLORS.muted },
        axisLabel: { fontSize: 11, color: SLA_CHART_COLORS.muted },
      },
    ],
    series: [
      { name: 'Opened', type: 'bar', yAxisIndex: 1, barMaxWidth: 40, data: weeks.map((g) => g.opened), itemStyle: { color: SLA_CHART_COLORS.opened } },
      line(
        'First response met',
        SLA_CHART_COLORS.firstResponse,
        weeks.map((g) => percent(g.firstResponse.rate)),
        'top',
      ),
      line(
        'Resolution met',
        SLA_CHART_COLORS.resolution,
        weeks.map((g) => percent(g.resolution.rate)),
        'bottom',
      ),
    ],
    ...(weeks.length === 0 ? emptyNote('No requests were opened in this range') : {}),
  };
  const points = weeks.map(
    (g) => `${g.key}: ${g.opened} opened, first response ${percentText(g.firstResponse.rate)}, resolution ${percentText(g.resolution.rate)}`,
  );
  return renderSvg(option, `Weekly trend. ${points.length ? points.join('; ') : 'No requests were opened in this range'}`, 'sla-trend');
}

/**
 * Every chart of the SLA report page.
 * @example const { tier, system, firstResponse, trend } = slaReportCharts(report)
 */
export function slaReportCharts(report: SlaReport): SlaCharts {
  const systems = report.groups.system;
  const shown = systems.slice(0, MAX_CHART_SYSTEMS);
  const total = report.total;
  return {
    tier: attainmentChartSvg(report.groups.tier, {
      name: 'sla-tier',
      title: 'SLA met by tier',
      subtitle: `${plural(total.opened, 'request')} · first response ${percentText(total.firstResponse.rate)} · resolution ${percentText(total.resolution.rate)} met`,
      empty: 'No requests were opened in this range',
    }),
    system: attainmentChartSvg(shown, {
      name: 'sla-system',
      title: 'SLA met by system',
      subtitle:
        systems.length > shown.length
          ? `The ${shown.length} busiest of ${systems.length} systems (all are in the table below)`
          : plural(systems.length, 'system'),
      empty: 'No requests were opened in this range',
    }),
    firstResponse: firstResponseHistogramSvg(report),
    trend: weeklyTrendSvg(report),
  };
}
