/**
 * The SLA report as a set of visibility queries: every request opened in the range (its SLA outcome
 * is in its search attributes), aggregated by the pure `buildSlaReport`. Requests opened before the
 * outcome was published (runs from before the operations patch) have no `OpenedAt` and are not counted.
 */
import type { Client } from '@temporalio/client';

import type { AutomationCandidate, SlaReport } from '../domain/sla-report.js';
import { buildSlaReport } from '../domain/sla-report.js';
import { readAllRequests } from './requests.js';

export interface SlaReportOptions {
  since: number;
  until: number;
  /** Hears how many requests were read so far (a CLI shows progress). */
  onPage?: (read: number) => void;
  /** The Tier 4 automation candidates to show with it. */
  automation?: readonly AutomationCandidate[];
  /** Most requests read (a report over more says so in its total). */
  limit?: number;
}

export async function readSlaReport(client: Client, opts: SlaReportOptions): Promise<SlaReport> {
  const rows = await readAllRequests(client, { openedSince: opts.since, openedBefore: opts.until }, { onPage: opts.onPage, limit: opts.limit });
  return buildSlaReport(rows, { since: opts.since, until: opts.until, now: Date.now(), automation: opts.automation });
}
