/**
 * The SLA report as one self-contained HTML page (`GET /reports/sla`): the range, the totals, the
 * charts as inline SVG (`charts/sla-charts.ts`), a table per tier, system, priority and week, and the
 * Tier 4 automation candidates. No script at all, one inline stylesheet allowed by its hash in
 * {@link REPORT_PAGE_CSP}, nothing loaded from anywhere. Every string from a request (system names,
 * summaries, ids, links) is escaped or dropped; the charts escape their text themselves.
 */
import { createHash } from 'node:crypto';

import { slaReportCharts } from '../charts/sla-charts.js';
import { formatDuration } from '../domain/duration.js';
import { REPORT_DIMENSIONS, type Attainment, type AutomationCandidate, type ReportDimension, type SlaGroup, type SlaReport } from '../domain/sla-report.js';
import { escapeHtml } from './status-page-html.js';

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #55565e; --bg: #fff; --card: #f6f7f9; --line: #d6d7dc; --accent: #1d4ed8; --bad: #b42318; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --muted: #b3b4bc; --bg: #16171b; --card: #202127; --line: #3a3b42; --accent: #93b4ff; --bad: #ff8a80; } }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; margin: 0.25rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2.25rem 0 0.75rem; }
.eyebrow, .note, footer, .range { color: var(--muted); font-size: 0.9rem; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); gap: 0.75rem; margin: 1.5rem 0; padding: 0; list-style: none; }
.totals li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 0.85rem; }
.totals span { display: block; color: var(--muted); font-size: 0.85rem; }
.totals strong { display: block; font-size: 1.4rem; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #fff; }
figure svg { display: block; width: 100%; height: auto; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; overflow-wrap: anywhere; }
thead th { font-size: 0.8rem; color: var(--muted); font-weight: 600; vertical-align: bottom; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
td small { color: var(--muted); margin-left: 0.3rem; }
td.bad { color: var(--bad); }
td.text { text-align: left; white-space: normal; }
a { color: var(--accent); }
footer { margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: 1rem; }
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy: no script, no request to anywhere, only its own stylesheet (by hash). */
export const REPORT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  `style-src ${sha256(STYLE)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DIMENSION_TITLES: Readonly<Record<ReportDimension, [string, string]>> = {
  tier: ['By tier', 'Tier'],
  system: ['By system', 'System'],
  priority: ['By priority', 'Priority'],
  week: ['By week opened', 'Week (ISO, UTC)'],
};

/** A UTC instant as text: `2026-11-03 09:00 UTC`. */
function when(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return escapeHtml(iso);
  const exact = at.toISOString();
  return `<time datetime="${exact}">${exact.slice(0, 10)} ${exact.slice(11, 16)} UTC</time>`;
}

const percentText = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const duration = (seconds: number | null) => (seconds === null ? '—' : escapeHtml(formatDuration(Math.round(seconds) * 1000)));
const count = (n: number) => n.toLocaleString('en-US');

/** `91.7% (11/12)`, in red below 90%. */
function attainmentCell(a: Attainment): string {
  const bad = a.rate !== null && a.rate < 0.9 ? ' class="bad"' : '';
  return `<td${bad}>${percentText(a.rate)}${a.measured > 0 ? `<small>${a.met}/${a.measured}</small>` : ''}</td>`;
}

function groupCells(key: string, g: SlaGroup): string {
  return [
    `<td>${escapeHtml(key)}</td>`,
    `<td>${count(g.opened)}</td>`,
    attainmentCell(g.firstResponse),
    `<td>${duration(g.firstResponse.medianSeconds)}</td>`,
    `<td>${duration(g.firstResponse.p90Seconds)}</td>`,
    attainmentCell(g.resolution),
    `<td>${duration(g.resolution.medianSeconds)}</td>`,
    `<td>${duration(g.resolution.p90Seconds)}</td>`,
    `<td>${count(g.breached)}</td>`,
    `<td>${count(g.escalations)}</td>`,
    `<td>${count(g.reopens)}</td>`,
  ].join('');
}

function groupTable(report: SlaReport, by: ReportDimension): string {
  const [title, column] = DIMENSION_TITLES[by];
  const groups = report.groups[by];
  const head = [column, 'Opened', 'First response met', 'Median', 'p90', 'Resolution met', 'Median', 'p90', 'Breached', 'Escalations', 'Reopens'];
  const body = groups.length
    ? groups.map((g) => `<tr>${groupCells(g.key, g)}</tr>`).join('\n')
    : `<tr><td class="text" colspan="${head.length}">No requests were opened in this range.</td></tr>`;
  return `<h2 id="by-${by}">${title}</h2>
<div class="scroll"><table>
<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
<tfoot><tr>${groupCells('All requests', report.total)}</tr></tfoot>
</table></div>`;
}

/** Only http(s) URLs become links (a `javascript:` URL never does). */
function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Request ids shown per candidate (the rest are counted). */
const SHOWN_IDS = 5;

function automationRow(c: AutomationCandidate): string {
  const href = safeHref(c.issueUrl);
  const ids = c.requestIds.slice(0, SHOWN_IDS).map((id) => `<code>${escapeHtml(id)}</code>`);
  const more = c.requestIds.length > SHOWN_IDS ? ` and ${count(c.requestIds.length - SHOWN_IDS)} more` : '';
  return [
    `<td>${escapeHtml(c.system)}</td>`,
    `<td class="text">${escapeHtml(c.summary)}</td>`,
    `<td>${count(c.count)}</td>`,
    `<td>${duration(c.coverageSeconds)}</td>`,
    `<td class="text">${ids.join(', ')}${more}</td>`,
    `<td>${href ? `<a href="${escapeHtml(href)}" rel="noreferrer noopener">issue</a>` : '—'}</td>`,
  ].join('');
}

function automationSection(candidates: readonly AutomationCandidate[]): string {
  const heading = '<h2 id="automation">Tier 4 automation candidates</h2>';
  if (candidates.length === 0) {
    return `${heading}\n<p>None yet: no kind of request has recurred often enough to be worth automating.</p>`;
  }
  const head = ['System', 'Kind of request', 'Requests', 'Coverage time spent', 'Examples', 'Automation issue'];
  return `${heading}
<div class="scroll"><table>
<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${candidates.map((c) => `<tr>${automationRow(c)}</tr>`).join('\n')}
</tbody>
</table></div>`;
}

/** Links to this report's CSV (each grouping) and JSON: the same range, the same token. */
function downloads(report: SlaReport): string {
  const href = (params: Record<string, string>) => escapeHtml(`?${new URLSearchParams({ since: report.since, until: report.until, ...params }).toString()}`);
  const csv = REPORT_DIMENSIONS.map((by) => `<a href="${href({ format: 'csv', by })}">${by}</a>`).join(' · ');
  return `<p class="note">This report as CSV by ${csv}, or as <a href="${href({ format: 'json' })}">JSON</a>.</p>`;
}

/**
 * The SLA report page.
 * @example reply.type('text/html').header('content-security-policy', REPORT_PAGE_CSP).send(renderReportPage(report))
 */
export function renderReportPage(report: SlaReport): string {
  const charts = slaReportCharts(report);
  const total = report.total;
  const days = Math.round((Date.parse(report.until) - Date.parse(report.since)) / 86_400_000);
  const totals: Array<[string, string]> = [
    ['Opened', count(total.opened)],
    ['Resolved', count(total.resolved)],
    ['First response met', percentText(total.firstResponse.rate)],
    ['Resolution met', percentText(total.resolution.rate)],
    ['Breached', count(total.breached)],
    ['Escalations', count(total.escalations)],
    ['Reopens', count(total.reopens)],
  ];
  const figure = (svg: string) => `<figure>${svg}</figure>`;
  const body = [
    '<p class="eyebrow">tierflow · IT &amp; security help desk</p>',
    '<h1>SLA report</h1>',
    `<p class="range">Requests opened from ${when(report.since)} to ${when(report.until)} (${count(days)} days) · generated ${when(report.generatedAt)}</p>`,
    `<ul class="totals">${totals.map(([label, value]) => `<li><span>${label}</span><strong>${value}</strong></li>`).join('')}</ul>`,
    `<div class="charts">\n${[charts.tier, charts.system, charts.firstResponse, charts.trend].map(figure).join('\n')}\n</div>`,
    ...REPORT_DIMENSIONS.map((by) => groupTable(report, by)),
    automationSection(report.automation),
    downloads(report),
    '<footer><p>Times are coverage time (the SLA calendar: hours outside the coverage window do not count), as the median and the 90th percentile. ' +
      '"Breached" counts the requests with any SLA clock breached. Requests opened before the operations patch publish no outcome and are not counted.</p></footer>',
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>SLA report · tierflow</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
