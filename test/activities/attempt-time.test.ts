/**
 * An activity attempt never starts a Slack or GitLab call that could outlive it
 * (`activities/attempt-time.ts`): Temporal does not stop a timed-out attempt, so a late write would
 * race the retry and duplicate a note or reply. Through the real clients (as `buildClients` makes
 * them) against the emulators, inside a mock activity context whose start the test sets; and the
 * interceptor on a real worker against the test run's Temporal server.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';

import { attemptClock, attemptTimeLeft, DEADLINE_MARGIN_MS, ensureCallFits, markAttemptStarted } from '../../activities/attempt-time.js';
import { ATTEMPT_OUT_OF_TIME } from '../../contracts/failures.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { toStatusView } from '../../domain/status-view.js';
import { loadConfig } from '../../registry/load.js';
import { INTEGRATION_REQUEST_TIMEOUT_MS } from '../../workers/clients.js';
import { createHelpDeskWorkers } from '../../workers/help-desk-worker.js';
import { workflowBundle } from '../support/temporal.js';
import { failureOf, HELP_CHANNEL, requestState, startIntegrations, TRACKER, type Integrations } from './support/fixtures.js';

const START_TO_CLOSE_MS = 30_000;

/** Runs `fn` as an activity attempt that began `elapsedMs` ago, with a 30 s start-to-close timeout. */
function inAttempt<T>(elapsedMs: number, fn: () => Promise<T>, attempt = 1): Promise<T> {
  const env = new MockActivityEnvironment({ startToCloseTimeoutMs: START_TO_CLOSE_MS, attempt, activityType: 'syncTrackerIssue' });
  return env.run(async () => {
    markAttemptStarted(Context.current(), Date.now() - elapsedMs);
    return fn();
  });
}

/** Late enough in the attempt that a 10 s call could still run at its deadline. */
const LATE_MS = START_TO_CLOSE_MS - INTEGRATION_REQUEST_TIMEOUT_MS - DEADLINE_MARGIN_MS + 1_000;

describe('attemptTimeLeft and ensureCallFits', () => {
  it('has no deadline outside an activity, and refuses nothing there', () => {
    expect(attemptTimeLeft()).toBeNull();
    expect(() => ensureCallFits('GitLab POST /notes', INTEGRATION_REQUEST_TIMEOUT_MS)).not.toThrow();
  });

  it('has no deadline in an activity whose start nobody recorded (a worker without the interceptor)', async () => {
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: START_TO_CLOSE_MS });
    expect(await env.run(async () => attemptTimeLeft())).toBeNull();
  });

  it('counts down from the recorded start', async () => {
    const left = await inAttempt(12_000, async () => attemptTimeLeft());
    expect(left).toBeGreaterThan(17_000);
    expect(left).toBeLessThanOrEqual(18_000);
  });

  it('lets a call start while its whole timeout fits before the deadline, with the margin to spare', async () => {
    await inAttempt(START_TO_CLOSE_MS - INTEGRATION_REQUEST_TIMEOUT_MS - DEADLINE_MARGIN_MS - 1_000, async () =>
      ensureCallFits('GitLab POST /notes', INTEGRATION_REQUEST_TIMEOUT_MS),
    );
  });

  it('refuses a call that could outlive the attempt: retryable, and saying what and why', async () => {
    const failure = await failureOf(inAttempt(LATE_MS, async () => ensureCallFits('GitLab POST /notes', INTEGRATION_REQUEST_TIMEOUT_MS), 2));
    expect(failure).toMatchObject({ type: ATTEMPT_OUT_OF_TIME, nonRetryable: false });
    expect(failure.message).toMatch(/^GitLab POST \/notes not sent: attempt 2 of syncTrackerIssue has \d+\.\d s left of its 30 s, and the call may take 10 s/);
  });
});

describe('the clients in a late attempt', () => {
  let it_: Integrations;
  beforeAll(async () => {
    it_ = await startIntegrations();
  });
  afterAll(() => it_.close());
  beforeEach(() => {
    it_.gitlabEmu.reset();
    it_.slackEmu.reset();
  });

  it('GitLab: a late attempt sends nothing; the next attempt adds the note, once', async () => {
    const state = requestState({ tier: 3 });
    const { iid } = await it_.gitlab.createTrackerIssue({ state, reason: 'change request starts at Tier 3', slackThread: null });
    const before = it_.gitlabEmu.calls.length;
    const args = { iid, effectId: `${state.id}#3`, state, event: 'comment' as const, note: 'Still locked out.' };

    const late = await failureOf(inAttempt(LATE_MS, () => it_.gitlab.syncTrackerIssue(args)));
    expect(late).toMatchObject({ type: ATTEMPT_OUT_OF_TIME, nonRetryable: false });
    expect(late.message).toContain(`GitLab GET /api/v4/projects/${encodeURIComponent(TRACKER)}/issues/${iid}`);
    expect(it_.gitlabEmu.calls.slice(before)).toEqual([]);

    await inAttempt(0, () => it_.retry(() => it_.gitlab.syncTrackerIssue(args)), 2);
    expect(it_.gitlabEmu.notes(TRACKER, iid).filter((n) => !n.system)).toHaveLength(1);
  });

  it('GitLab: an attempt whose reads were slow does not make its next call, the write included', async () => {
    const state = requestState({ tier: 3 });
    const { iid } = await it_.gitlab.createTrackerIssue({ state, reason: 'change request starts at Tier 3', slackThread: null });
    const args = { iid, effectId: `${state.id}#4`, state, event: 'comment' as const, note: 'Slow reads.' };
    // 14 s left: the issue's read may start, but GitLab answers it in 2.5 s, and then the retry's
    // look for an earlier note (and the note after it) could run past the deadline.
    it_.gitlabEmu.failNext(`GET /api/v4/projects/${TRACKER}/issues/${iid}`, { kind: 'slow', delayMs: 2_500 });
    const before = it_.gitlabEmu.calls.length;
    const failure = await failureOf(inAttempt(START_TO_CLOSE_MS - 14_000, () => it_.retry(() => it_.gitlab.syncTrackerIssue(args)), 2));
    expect(failure).toMatchObject({ type: ATTEMPT_OUT_OF_TIME });
    expect(failure.message).toMatch(/^GitLab GET \/api\/v4\/projects\/[^ ]+\/issues\/\d+\/notes not sent: attempt 2 /);
    expect(it_.gitlabEmu.calls.slice(before).map((c) => c.method)).toEqual(['GET']);
    expect(it_.gitlabEmu.notes(TRACKER, iid).filter((n) => !n.system)).toHaveLength(0);
  });

  it('Slack: a late attempt posts nothing; the next attempt posts the thread, once', async () => {
    const state = requestState();
    const args = { state, guides: [], shadowItOwner: null, mentions: ['it-helpdesk-analysts'], view: toStatusView(state, DEFAULT_CALENDAR, Date.now()) };
    const late = await failureOf(inAttempt(LATE_MS, () => it_.slack.postRequestThread(args)));
    expect(late).toMatchObject({ type: ATTEMPT_OUT_OF_TIME, nonRetryable: false });
    expect(late.message).toMatch(/^Slack [a-z.]+ not sent: attempt 1 /);
    expect(it_.slackEmu.calls).toEqual([]);

    await inAttempt(0, () => it_.retry(() => it_.slack.postRequestThread(args)), 2);
    expect(it_.slackEmu.threads(HELP_CHANNEL)).toHaveLength(1);
  });
});

describe('on a real worker', () => {
  it("records each attempt's start: the activity sees its start-to-close time counting down; tierflow's workers all have it", async () => {
    const address = inject('temporalAddress');
    const taskQueue = `attempt-time-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address });
    const clientConnection = await Connection.connect({ address });
    try {
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('./support/attempt-time-workflow.ts', import.meta.url)),
        activities: { timeLeft: async () => attemptTimeLeft() },
        interceptors: { activity: [attemptClock] },
      });
      const client = new Client({ connection: clientConnection });
      const left = await worker.runUntil(client.workflow.execute('reportAttemptTimeLeft', { taskQueue, workflowId: taskQueue }));
      expect(left).not.toBeNull();
      expect(left!).toBeGreaterThan(10_000);
      expect(left!).toBeLessThanOrEqual(20_000);

      // And tierflow's own workers, the request worker and each lane's, carry the interceptor.
      const it_ = await startIntegrations();
      try {
        const workers = await createHelpDeskWorkers({
          connection,
          namespace: 'default',
          taskQueue: `${taskQueue}-help-desk`,
          workflowBundle: await workflowBundle(),
          rates: { slack: 10, gitlab: 10 },
          deps: { config: loadConfig(), ...it_.clients, helpChannel: HELP_CHANNEL, gitlabProject: TRACKER, client },
        });
        const all = [workers.main, ...workers.lanes];
        for (const w of all) expect(w.options.interceptors.activity).toContain(attemptClock);
        await Promise.all(all.map((w) => w.runUntil(Promise.resolve()))); // releases the connection
      } finally {
        await it_.close();
      }
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  }, 120_000);
});
