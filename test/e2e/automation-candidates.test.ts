/**
 * Tier 4 automation candidates end to end on the real dev server: requests submitted through the
 * JSON intake and resolved through the API land in visibility with their summaries (memo) and
 * resolution; `automationCandidatesWorkflow` groups them and opens one automation issue in the
 * GitLab emulator listing them; the SLA report shows the same candidate.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { AUTOMATION_CANDIDATES_WORKFLOW, type AutomationReview } from '../../contracts/automation-candidates.js';
import { readAutomationCandidates } from '../../queries/automation-candidates.js';
import { readSlaReport } from '../../queries/sla-report.js';
import { eventually, TRACKER } from '../support/harness.js';
import { unique } from '../support/temporal.js';
import { ensureSchedules } from '../../workers/schedules.js';
import { apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

let e2e: E2eIntake;
beforeAll(async () => {
  // A namespace of its own: what it checks counts every request of the namespace.
  e2e = await startE2eIntake(inject('temporalAddress'), { namespace: 'fresh' });
});
afterAll(() => e2e?.close());

/** A word no other test's summaries use (letters only: numbers are not words to the grouping). */
const rareWord = () => `zq${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;

async function resolvedRequest(summary: string, key: string): Promise<string> {
  const submitted = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary, system: 'nira', idempotencyKey: key });
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  // An action that reaches the request before its routing has run answers 503 (retry): retry as a client does.
  const resolved = await eventually(
    'the resolve to be taken',
    async () => {
      const res = await apiCall(e2e.baseUrl, 'POST', `/requests/${id}/resolve`, { actor: 'grace', note: 'rotated' });
      return res.status === 503 ? null : res;
    },
    20_000,
  );
  expect(resolved.status).toBe(200);
  return id;
}

describe('Tier 4 automation candidates', () => {
  it('three resolved requests alike open one automation issue listing them, and the SLA report shows the candidate', async () => {
    const word = rareWord();
    const key = unique('auto');
    const ids = [
      await resolvedRequest(`Rotate my Nira ${word} token`, `${key}-1`),
      await resolvedRequest(`nira ${word} token rotation please`, `${key}-2`),
      await resolvedRequest(`Please rotate the ${word} token in Nira`, `${key}-3`),
    ];
    const { config } = e2e.harness;

    // Visibility is eventually consistent: wait until the three show as resolved, with their summaries.
    const candidate = await eventually('the three requests to group in visibility', async () => {
      const candidates = await readAutomationCandidates(e2e.client, config.automation, Date.now());
      return candidates.find((c) => ids.every((id) => c.requestIds.includes(id)));
    });
    expect(candidate).toMatchObject({ system: 'nira', count: 3 });
    expect(candidate.summary.split(' ')).toEqual(expect.arrayContaining(['nira', word, 'token']));

    const review = await e2e.client.workflow.execute<() => Promise<AutomationReview>>(AUTOMATION_CANDIDATES_WORKFLOW, {
      taskQueue: e2e.harness.taskQueue,
      workflowId: unique('automation-candidates'),
    });
    const issues = e2e.harness.sandbox.gitlab.issues(TRACKER).filter((i) => ids.some((id) => i.description?.includes(id)));
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.title).toBe(`Automation candidate: ${candidate.summary} (Nira)`);
    expect(issue.labels).toEqual(['automation::candidate', 'corpsys::nira', 'tier::4']);
    for (const id of ids) expect(issue.description).toContain(`- ${id} · resolved `);
    expect(issue.description).toContain('cc @gitlab-com/gl-security/corp/automation');
    expect(issue.description).toContain('no SLA clock runs on it');
    expect(review.candidates.find((c) => c.issueUrl === issue.web_url)).toMatchObject({ system: 'nira', count: 3, requestIds: candidate.requestIds });

    // A second run keeps the one issue.
    await e2e.client.workflow.execute<() => Promise<AutomationReview>>(AUTOMATION_CANDIDATES_WORKFLOW, {
      taskQueue: e2e.harness.taskQueue,
      workflowId: unique('automation-candidates'),
    });
    expect(e2e.harness.sandbox.gitlab.issues(TRACKER).filter((i) => ids.some((id) => i.description?.includes(id)))).toHaveLength(1);

    const now = Date.now();
    const report = await readSlaReport(e2e.client, {
      since: now - 3_600_000,
      until: now + 60_000,
      automation: await readAutomationCandidates(e2e.client, config.automation, now),
    });
    expect(report.automation.find((c) => c.requestIds.includes(ids[0]!))).toMatchObject({ system: 'nira', count: 3 });
  });

  it('is started daily by a Schedule that ensureSchedules creates once, and a triggered run completes', async () => {
    const scheduleId = unique('reconcile');
    const automationScheduleId = unique('automation');
    const opts = { taskQueue: e2e.harness.taskQueue, scheduleId, automationScheduleId };
    await ensureSchedules(e2e.client, opts);
    await ensureSchedules(e2e.client, opts); // idempotent
    const schedule = e2e.client.schedule.getHandle(automationScheduleId);
    try {
      const described = await schedule.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: AUTOMATION_CANDIDATES_WORKFLOW, taskQueue: e2e.harness.taskQueue });
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
      await schedule.trigger();
      const run = await eventually(
        'the triggered review to complete',
        async () => {
          const recent = (await schedule.describe()).info.recentActions[0];
          if (!recent) return null;
          const handle = e2e.client.workflow.getHandle(recent.action.workflow.workflowId);
          return (await handle.describe()).status.name === 'COMPLETED' ? handle : null;
        },
        30_000,
      );
      expect(await run.result()).toMatchObject({ requestsRead: expect.any(Number), candidates: expect.any(Array) });
    } finally {
      await schedule.delete();
      await e2e.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
