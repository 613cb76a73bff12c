/**
 * `GET /reports/sla?since=&until=&format=&by=` (bearer token): SLA attainment of the requests opened
 * in `[since, until)` — by default the 28 days up to now — as a self-contained HTML page with charts,
 * the `SlaReport` as JSON, or one grouping as CSV. `format` wins over `Accept` (text/html → HTML,
 * text/csv → CSV, anything else → JSON). A wrong field is a 400 naming it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { REPORT_DIMENSIONS, reportCsv, type AutomationCandidate, type ReportDimension } from '../../domain/sla-report.js';
import { DAY_MS } from '../../domain/types.js';
import { REPORT_PAGE_CSP, renderReportPage } from '../report-page-html.js';
import { translateTemporalError, type RequestGateway } from '../temporal-gateway.js';
import { filterOr400, invalidQuery, queryText } from './request-list.js';

/** Days a report covers when `since` is not given. */
export const DEFAULT_REPORT_DAYS = 28;
/** The longest range one report may ask for (it reads every request opened in it). */
export const MAX_REPORT_DAYS = 366;

export const REPORT_FORMATS = ['html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const REPORT_FIELDS = ['since', 'until', 'format', 'by'] as const;

export interface ReportRouteDeps {
  gateway: RequestGateway;
  requireBearer: (request: FastifyRequest) => Promise<void>;
  /** Epoch ms: the default range ends now. */
  now: () => number;
  /** The automation candidates to show (IntakeDeps.automationCandidates); absent: none. */
  automationCandidates?: (range: { since: number; until: number }) => Promise<readonly AutomationCandidate[]>;
}

const MEDIA_TYPES: ReadonlyArray<readonly [string, ReportFormat]> = [
  ['text/html', 'html'],
  ['text/csv', 'csv'],
  ['application/json', 'json'],
];

/**
 * The format an `Accept` header asks for: the named type (html, csv, json) with the highest
 * quality, the first listed on a tie; JSON when it names none of them (`*\/*`, absent).
 * @example formatFromAccept('text/html,application/xhtml+xml,*\/*;q=0.8') // 'html'
 */
export function formatFromAccept(accept: string | undefined): ReportFormat {
  let best: { format: ReportFormat; q: number } | null = null;
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const format = MEDIA_TYPES.find(([media]) => media === type)?.[1];
    if (!format) continue;
    const qParam = params.find((p) => /^q\s*=/.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.replace(/^q\s*=\s*/, ''));
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { format, q };
  }
  return best?.format ?? 'json';
}

/** What a report request asks for. */
export interface ReportQuery {
  since: number;
  until: number;
  format: ReportFormat;
  by: ReportDimension;
}

/**
 * The report query of a request's query string (400 naming the first wrong field).
 * @example reportQuery({ since: '2026-11-01', format: 'csv' }, undefined, Date.UTC(2026, 11, 1)) // { since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 11, 1), format: 'csv', by: 'system' }
 */
export function reportQuery(query: Readonly<Record<string, unknown>>, accept: string | undefined, now: number): ReportQuery {
  for (const key of Object.keys(query)) {
    if (!(REPORT_FIELDS as readonly string[]).includes(key)) throw invalidQuery(key, `unknown field ${key}; use ${REPORT_FIELDS.join(', ')}`);
  }
  const { since: sinceText, until: untilText } = query;
  const range = filterOr400({ since: sinceText, until: untilText }, ['since', 'until']);
  const until = range.openedBefore ?? now;
  const since = range.openedSince ?? until - DEFAULT_REPORT_DAYS * DAY_MS;
  if (until <= since) throw invalidQuery('since', 'since must be before until (default: now)');
  if (until - since > MAX_REPORT_DAYS * DAY_MS) throw invalidQuery('since', `a report covers at most ${MAX_REPORT_DAYS} days`);

  const formatText = queryText(query, 'format');
  if (formatText !== undefined && !(REPORT_FORMATS as readonly string[]).includes(formatText)) {
    throw invalidQuery('format', `format must be one of ${REPORT_FORMATS.join(', ')}`);
  }
  const byText = queryText(query, 'by');
  if (byText !== undefined && !(REPORT_DIMENSIONS as readonly string[]).includes(byText)) {
    throw invalidQuery('by', `by must be one of ${REPORT_DIMENSIONS.join(', ')}`);
  }
  return {
    since,
    until,
    format: (formatText as ReportFormat | undefined) ?? formatFromAccept(accept),
    by: (byText as ReportDimension | undefined) ?? 'system',
  };
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

function secured(reply: FastifyReply): FastifyReply {
  return reply.headers({ vary: 'Accept', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
}

export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  app.get<{ Querystring: Record<string, unknown> }>('/reports/sla', { onRequest: deps.requireBearer }, async (request, reply) => {
    const query = reportQuery(request.query, request.headers.accept, deps.now());
    const range = { since: query.since, until: query.until };
    let automation: readonly AutomationCandidate[] = [];
    if (deps.automationCandidates) {
      try {
        automation = await deps.automationCandidates(range);
      } catch (err) {
        throw translateTemporalError(err, 'the automation candidates');
      }
    }
    const report = await deps.gateway.slaReport({ ...range, automation });
    if (query.format === 'json') return secured(reply).send(report);
    if (query.format === 'csv') {
      return secured(reply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sla-report-by-${query.by}-${day(query.since)}-to-${day(query.until)}.csv"`)
        .send(reportCsv(report, query.by));
    }
    return secured(reply)
      .type('text/html; charset=utf-8')
      .headers({ 'content-security-policy': REPORT_PAGE_CSP, 'referrer-policy': 'no-referrer' })
      .send(renderReportPage(report));
  });
}
