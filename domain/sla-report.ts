/**
 * SLA attainment, computed from what visibility holds of each request (its search attributes): per
 * tier (the tier it stands at or ended at), system, priority and ISO week of opening — requests
 * opened, first response and resolution met (%), time to first response and to resolution in
 * coverage time (median, p90), requests breached, escalations, reopens — plus the distribution of
 * time to first response and the Tier 4 automation candidates found. Pure: the rows come in, the
 * report comes out; CSV is a view of one grouping.
 */
import { DateTime } from 'luxon';

/** What a report needs of one request (a visibility row). */
export interface ReportRow {
  id: string;
  /** ISO instant the request was opened. */
  openedAt: string;
  tier: number | null;
  system: string | null;
  priority: string | null;
  status: string;
  slaBreached: boolean;
  firstResponseSeconds: number | null;
  firstResponseMet: boolean | null;
  resolutionSeconds: number | null;
  resolutionMet: boolean | null;
  escalations: number | null;
  reopens: number | null;
}

export const REPORT_DIMENSIONS = ['tier', 'system', 'priority', 'week'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** How one clock did over a group: how many requests had it settled, how many met, and times. */
export interface Attainment {
  measured: number;
  met: number;
  /** `met / measured`, 0..1; null when nothing was measured. */
  rate: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface SlaGroup {
  /** The group's value: `Tier 3`, `okta-sso`, `P1`, `2026-W48`, or `all`. */
  key: string;
  opened: number;
  resolved: number;
  firstResponse: Attainment;
  resolution: Attainment;
  /** Requests with any SLA clock breached. */
  breached: number;
  escalations: number;
  reopens: number;
}

/** A recurring kind of request worth automating (Tier 4), as found by the automation candidates schedule. */
export interface AutomationCandidate {
  system: string;
  /** The words the requests share, e.g. "reset mfa". */
  summary: string;
  count: number;
  /** Coverage time the requests cost (sum of their time to resolution), in seconds. */
  coverageSeconds: number;
  requestIds: string[];
  /** The Tier 4 automation issue opened for it, if it has one. */
  issueUrl?: string | null;
}

export interface HistogramBucket {
  label: string;
  /** Upper bound in seconds (exclusive); null for the last, open-ended bucket. */
  upToSeconds: number | null;
  count: number;
}

export interface SlaReport {
  since: string;
  until: string;
  generatedAt: string;
  total: SlaGroup;
  groups: Record<ReportDimension, SlaGroup[]>;
  /** Time to first response (coverage time), bucketed. */
  firstResponseHistogram: HistogramBucket[];
  automation: AutomationCandidate[];
}

/**
 * The ISO week (UTC) an instant falls in.
 * @example weekOf(Date.parse('2026-12-01T10:00:00Z')) // '2026-W49'
 */
export function weekOf(at: number): string {
  const dt = DateTime.fromMillis(at, { zone: 'utc' });
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/** Nearest-rank percentile of sorted values (`p` in 0..1); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function attainment(rows: readonly ReportRow[], met: (r: ReportRow) => boolean | null, seconds: (r: ReportRow) => number | null): Attainment {
  const measured = rows.filter((r) => met(r) !== null);
  const metCount = measured.filter((r) => met(r) === true).length;
  const times = rows
    .map(seconds)
    .filter((s): s is number => s !== null && Number.isFinite(s))
    .sort((a, b) => a - b);
  return {
    measured: measured.length,
    met: metCount,
    rate: measured.length === 0 ? null : metCount / measured.length,
    medianSeconds: percentile(times, 0.5),
    p90Seconds: percentile(times, 0.9),
  };
}

/** The totals of one group of rows. */
export function groupOf(key: string, rows: readonly ReportRow[]): SlaGroup {
  return {
    key,
    opened: rows.length,
    resolved: rows.filter((r) => r.resolutionSeconds !== null).length,
    firstResponse: attainment(
      rows,
      (r) => r.firstResponseMet,
      (r) => r.firstResponseSeconds,
    ),
    resolution: attainment(
      rows,
      (r) => r.resolutionMet,
      (r) => r.resolutionSeconds,
    ),
    breached: rows.filter((r) => r.slaBreached).length,
    escalations: rows.reduce((n, r) => n + (r.escalations ?? 0), 0),
    reopens: rows.reduce((n, r) => n + (r.reopens ?? 0), 0),
  };
}

const KEY_OF: Record<ReportDimension, (r: ReportRow) => string> = {
  tier: (r) => (r.tier === null ? 'unknown' : `Tier ${r.tier}`),
  system: (r) => r.system ?? 'unknown',
  priority: (r) => r.priority ?? 'unknown',
  week: (r) => weekOf(Date.parse(r.openedAt)),
};

/** Rows grouped by one dimension, in a stable order (tiers, priorities and weeks ascending; systems by volume). */
export function groupBy(rows: readonly ReportRow[], dimension: ReportDimension): SlaGroup[] {
  const buckets = new Map<string, ReportRow[]>();
  for (const row of rows) {
    const key = KEY_OF[dimension](row);
    buckets.set(key, [...(buckets.get(key) ?? []), row]);
  }
  const groups = [...buckets].map(([key, members]) => groupOf(key, members));
  if (dimension === 'system') return groups.sort((a, b) => b.opened - a.opened || a.key.localeCompare(b.key));
  return groups.sort((a, b) => a.key.localeCompare(b.key));
}

/** Bucket bounds of the time-to-first-response histogram, in seconds. */
const HISTOGRAM_BOUNDS: ReadonlyArray<[string, number | null]> = [
  ['< 15 min', 15 * 60],
  ['15–30 min', 30 * 60],
  ['30–60 min', 60 * 60],
  ['1–2 h', 2 * 3600],
  ['2–4 h', 4 * 3600],
  ['4–8 h', 8 * 3600],
  ['8–24 h', 24 * 3600],
  ['≥ 24 h', null],
];

export function firstResponseHistogram(rows: readonly ReportRow[]): HistogramBucket[] {
  const buckets = HISTOGRAM_BOUNDS.map(([label, upToSeconds]) => ({ label, upToSeconds, count: 0 }));
  for (const row of rows) {
    if (row.firstResponseSeconds === null) continue;
    const bucket = buckets.find((b) => b.upToSeconds === null || row.firstResponseSeconds! < b.upToSeconds)!;
    bucket.count += 1;
  }
  return buckets;
}

/**
 * The SLA report of the requests opened in `[since, until)`.
 * @example buildSlaReport(rows, { since, until, now }).groups.tier // [{ key: 'Tier 2', opened: 12, ... }, ...]
 */
export function buildSlaReport(
  rows: readonly ReportRow[],
  opts: { since: number; until: number; now: number; automation?: readonly AutomationCandidate[] },
): SlaReport {
  const inRange = rows.filter((r) => {
    const at = Date.parse(r.openedAt);
    return at >= opts.since && at < opts.until;
  });
  return {
    since: new Date(opts.since).toISOString(),
    until: new Date(opts.until).toISOString(),
    generatedAt: new Date(opts.now).toISOString(),
    total: groupOf('all', inRange),
    groups: { tier: groupBy(inRange, 'tier'), system: groupBy(inRange, 'system'), priority: groupBy(inRange, 'priority'), week: groupBy(inRange, 'week') },
    firstResponseHistogram: firstResponseHistogram(inRange),
    automation: [...(opts.automation ?? [])],
  };
}

const CSV_COLUMNS = [
  'group',
  'opened',
  'resolved',
  'first_response_measured',
  'first_response_met',
  'first_response_met_pct',
  'first_response_median_s',
  'first_response_p90_s',
  'resolution_measured',
  'resolution_met',
  'resolution_met_pct',
  'resolution_median_s',
  'resolution_p90_s',
  'breached',
  'escalations',
  'reopens',
] as const;

const pct = (rate: number | null) => (rate === null ? '' : (rate * 100).toFixed(1));
const num = (n: number | null) => (n === null ? '' : String(Math.round(n)));

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break; a value a spreadsheet
 * would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a `'`.
 * @example csvCell('=1+1') // "'=1+1"
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One grouping as CSV (RFC 4180, a header row first). A cell that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`) is prefixed with `'`.
 */
export function reportCsv(report: SlaReport, by: ReportDimension): string {
  const line = (g: SlaGroup) =>
    [
      g.key,
      String(g.opened),
      String(g.resolved),
      String(g.firstResponse.measured),
      String(g.firstResponse.met),
      pct(g.firstResponse.rate),
      num(g.firstResponse.medianSeconds),
      num(g.firstResponse.p90Seconds),
      String(g.resolution.measured),
      String(g.resolution.met),
      pct(g.resolution.rate),
      num(g.resolution.medianSeconds),
      num(g.resolution.p90Seconds),
      String(g.breached),
      String(g.escalations),
      String(g.reopens),
    ]
      .map(csvCell)
      .join(',');
  return [CSV_COLUMNS.join(','), ...report.groups[by].map(line), line(report.total)].join('\r\n') + '\r\n';
}
