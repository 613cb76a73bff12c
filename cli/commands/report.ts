/**
 * `tierflow report sla`: SLA attainment over the requests opened in a range, read from visibility
 * (`queries/sla-report.ts`), as a table, the report's CSV (`domain/sla-report.ts`) or JSON.
 */
import { type Command, Option } from 'commander';

import { FilterError, parseRequestFilter } from '../../contracts/request-list.js';
import { REPORT_DIMENSIONS, reportCsv, type ReportDimension } from '../../domain/sla-report.js';
import { DAY_MS } from '../../domain/types.js';
import { readAutomationCandidates } from '../../queries/automation-candidates.js';
import { readSlaReport } from '../../queries/sla-report.js';
import { temporalTarget, withTemporal } from '../connection.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { usageError } from '../errors.js';
import { count } from '../format.js';
import { loadRegistry, registryDir } from '../registry-dir.js';
import { reportTable } from '../report-view.js';

interface ReportOptions {
  since?: string;
  until?: string;
  by: ReportDimension;
  format: 'table' | 'csv' | 'json';
  config?: string;
}

/** Days a report covers when `--since` is not given. */
export const DEFAULT_REPORT_DAYS = 28;

/**
 * The report's range `[since, until)`: the options (ISO dates, validated as the request filters
 * are), else the last 28 days (four ISO weeks) up to now, as `GET /reports/sla`.
 * @example reportRange({ since: '2026-11-01' }, Date.UTC(2026, 11, 1)) // { since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 11, 1) }
 */
export function reportRange(opts: { since?: string; until?: string }, now: number): { since: number; until: number } {
  try {
    const until = opts.until === undefined ? now : parseRequestFilter({ until: opts.until }).openedBefore!;
    const since = opts.since === undefined ? until - DEFAULT_REPORT_DAYS * DAY_MS : parseRequestFilter({ since: opts.since }).openedSince!;
    if (until <= since) throw usageError('--until', 'until must be after since');
    return { since, until };
  } catch (err) {
    if (err instanceof FilterError) throw usageError(`--${err.field}`, err.message);
    throw err;
  }
}

export function registerReport(program: Command, ctx: CliContext): void {
  const report = program.command('report').description('reports over the requests in Temporal visibility');
  report
    .command('sla')
    .description('SLA attainment of the requests opened in a range: first response and resolution met, times, breaches, escalations, reopens')
    .option('--since <date>', `opened at or after (ISO date or date-time; default ${DEFAULT_REPORT_DAYS} days before --until)`)
    .option('--until <date>', 'opened before (default now)')
    .addOption(new Option('--by <dimension>', 'group by').choices(REPORT_DIMENSIONS).default('tier'))
    .addOption(new Option('--format <format>', 'output (csv: the chosen grouping and the total)').choices(['table', 'csv', 'json']).default('table'))
    .option('--config <dir>', 'registry folder for the Tier 4 automation thresholds (default TIERFLOW_CONFIG, else the bundled registry)')
    .action(async (opts: ReportOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const range = reportRange(opts, ctx.now());
      const format = globals.json ? 'json' : opts.format;
      // Progress only for a person watching a terminal: pipes and files get the report alone.
      const progress = ctx.stderr.isTTY === true;
      const policy = loadRegistry(registryDir(opts.config, ctx.env)).automation;
      const onPage = progress ? (read: number) => ctx.stderr.write(`\rreading requests… ${count(read)}`) : undefined;
      const result = await withTemporal(temporalTarget(globals, ctx.env), async ({ client }) => {
        // The Tier 4 automation candidates (the same grouping the daily schedule uses), shown with the report.
        const automation = await readAutomationCandidates(client, policy, ctx.now());
        return readSlaReport(client, { ...range, automation, ...(onPage ? { onPage } : {}) });
      });
      if (progress) ctx.stderr.write('\r\u001b[K');
      if (format === 'json') return ctx.printJson(result);
      if (format === 'csv') return void ctx.stdout.write(reportCsv(result, opts.by));
      ctx.print(reportTable(result, opts.by, { colour: ctx.colour }));
    });
}
