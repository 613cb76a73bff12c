/**
 * The Tier 4 automation candidates as the SLA report shows them: the requests resolved in the
 * automation window, read from visibility, grouped by system and similar summary. Reads only
 * (no GitLab): the daily review (`automationCandidatesWorkflow`) is what opens their issues.
 */
import type { Client } from '@temporalio/client';

import { findAutomationCandidates, type AutomationPolicy } from '../domain/automation-candidates.js';
import type { AutomationCandidate } from '../domain/sla-report.js';
import { DAY_MS } from '../domain/types.js';
import { readAllRequests } from './requests.js';

/**
 * The candidates of the `policy.windowDays` days before `now` (epoch ms), largest first.
 * @example await readSlaReport(client, { since, until, automation: await readAutomationCandidates(client, config.automation, Date.now()) })
 */
export async function readAutomationCandidates(
  client: Client,
  policy: Pick<AutomationPolicy, 'minRequests' | 'similarity' | 'windowDays'>,
  now: number,
  opts: { limit?: number; onPage?: (read: number) => void } = {},
): Promise<AutomationCandidate[]> {
  const since = now - policy.windowDays * DAY_MS;
  const rows = await readAllRequests(client, { resolvedSince: since }, opts);
  return findAutomationCandidates(rows, policy, since);
}
