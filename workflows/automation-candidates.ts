/**
 * `automationCandidatesWorkflow`: started daily by a Temporal Schedule, it runs one review of the
 * requests resolved lately (see activities/automation-candidates.ts): each kind of request that
 * keeps coming back gets one Tier 4 automation issue in the tracker, kept up to date. Tier 4 takes
 * them on as time allows, so nothing here starts an SLA clock.
 */
import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { AUTOMATION_ACTIVITY, type AutomationReview } from '../contracts/automation-candidates.js';

const { reviewAutomationCandidates } = proxyActivities<Activities>(AUTOMATION_ACTIVITY);

export async function automationCandidatesWorkflow(): Promise<AutomationReview> {
  // One activity: a retry re-reads visibility and finds what an earlier attempt wrote by its markers.
  return reviewAutomationCandidates();
}
