/**
 * The SLA report as a table: one row per group of the chosen dimension, then the total. Pure.
 */
import type { ReportDimension, SlaGroup, SlaReport } from '../domain/sla-report.js';
import { formatDuration } from '../domain/duration.js';
import { attainment, count, formatWhen, paint, seconds, table, truncate, visibleWidth } from './format.js';

const GROUP_HEADER: Record<ReportDimension, string> = { tier: 'TIER', system: 'SYSTEM', priority: 'PRIORITY', week: 'WEEK' };

const cells = (key: string, g: SlaGroup) => [
  key,
  count(g.opened),
  count(g.resolved),
  attainment(g.firstResponse.rate, g.firstResponse.met, g.firstResponse.measured),
  seconds(g.firstResponse.medianSeconds),
  seconds(g.firstResponse.p90Seconds),
  attainment(g.resolution.rate, g.resolution.met, g.resolution.measured),
  seconds(g.resolution.medianSeconds),
  seconds(g.resolution.p90Seconds),
  count(g.breached),
  count(g.escalations),
  count(g.reopens),
];

/**
 * The report by `by`, with a heading naming the range and a total row; times are coverage time.
 * @example reportTable(report, 'tier')[2] // 'Tier 2   12  9  91.7% (11/12)  25m  1h 10m  …'
 */
export function reportTable(report: SlaReport, by: ReportDimension, opts: { colour?: boolean; zone?: string } = {}): string[] {
  const colour = opts.colour ?? false;
  const heading = `SLA report: requests opened ${formatWhen(report.since, opts.zone)} – ${formatWhen(report.until, opts.zone)}, by ${by} (${count(report.total.opened)} requests)`;
  if (report.total.opened === 0) return [heading, 'No requests were opened in this range.'];
  const right = { align: 'right' as const };
  const rows = table(
    [
      { header: GROUP_HEADER[by] },
      { header: 'OPENED', ...right },
      { header: 'RESOLVED', ...right },
      { header: 'FIRST RESPONSE MET', ...right },
      { header: 'MEDIAN', ...right },
      { header: 'P90', ...right },
      { header: 'RESOLUTION MET', ...right },
      { header: 'MEDIAN', ...right },
      { header: 'P90', ...right },
      { header: 'BREACHED', ...right },
      { header: 'ESCALATIONS', ...right },
      { header: 'REOPENS', ...right },
    ],
    [...report.groups[by].map((g) => cells(g.key, g)), cells('total', report.total)],
    { colour },
  );
  // The total row is the last; a rule above it sets it apart.
  const rule = '-'.repeat(Math.max(...rows.map(visibleWidth)));
  return [
    paint(heading, 'bold', colour),
    '',
    ...rows.slice(0, -1),
    rule,
    rows.at(-1)!,
    '',
    'Times are coverage time (the SLA calendar), median and 90th percentile.',
    ...automationLines(report, colour),
  ];
}

/** The Tier 4 automation candidates under the table: what keeps being asked, and what it cost. */
function automationLines(report: SlaReport, colour: boolean): string[] {
  if (report.automation.length === 0) return [];
  const rows = table(
    [{ header: 'SYSTEM' }, { header: 'ASKED ABOUT' }, { header: 'REQUESTS', align: 'right' }, { header: 'COVERAGE TIME', align: 'right' }, { header: 'ISSUE' }],
    report.automation.map((c) => [c.system, truncate(c.summary, 40), count(c.count), formatDuration(c.coverageSeconds * 1000), c.issueUrl ?? '']),
    { colour },
  );
  return ['', paint('Tier 4 automation candidates (recurring requests, as time allows)', 'bold', colour), ...rows];
}
