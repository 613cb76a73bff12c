/**
 * The whole lifecycle of helpRequestWorkflow on the time-skipping server: coverage-time clocks,
 * warnings, the 2 → 3 → 4 → 5 chain with reminders, pauses across weekends and holidays,
 * priority changes, reopen, cancel, self-service, and history kept bounded by continue-as-new.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { TierflowConfig } from '../../domain/config.js';
import { loadConfig } from '../../registry/load.js';
import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';
import { ACTION_SIGNALS, ACTION_UPDATES, statusQuery, type ActionArgs, type ActionName, type HelpRequestInput } from '../../contracts/help-request.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { HELP_CHANNEL, quietRuntime, startHarness, TRACKER, type Harness } from '../support/harness.js';
import { recordHistory } from '../support/histories.js';
import { registerSearchAttributes, unique } from '../support/temporal.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let env: TestWorkflowEnvironment;
let harness: Harness;

/** The built-in registry with one extra holiday. */
function configWithHoliday(holiday: string): TierflowConfig {
  const base = loadConfig();
  return { ...base, calendar: { ...base.calendar, holidays: [...base.calendar.holidays, holiday] } };
}

/** Skips the test server's clock to the next given UTC weekday (1 = Monday … 5 = Friday) at `hour`. */
async function skipTo(weekday: number, hour: number): Promise<number> {
  const now = await env.currentTimeMs();
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  while (new Date(target).getUTCDay() !== weekday % 7 || target <= now) target += DAY;
  await env.sleep(target - now);
  return target;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function start(overrides: Partial<HelpRequestInput> = {}) {
  const input: HelpRequestInput = {
    id: unique('req-life'),
    source: 'webhook',
    requester: { email: 'ada@example.com', slackUserId: 'U0ADA' },
    summary: 'Okta keeps asking me to re-enrol MFA',
    system: 'okta-sso',
    priority: 'P2',
    ...overrides,
  };
  const handle = await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
  started.push(handle);
  await handle.query(statusQuery); // the first workflow task has run
  return handle;
}

const act = (handle: WorkflowHandle, action: ActionName, args: Partial<ActionArgs> = {}) =>
  handle.executeUpdate(ACTION_UPDATES[action], { args: [{ actor: 'grace', ...args }] });

function repliesOf(id: string): string[] {
  const thread = harness.sandbox.slack.threads(HELP_CHANNEL).find((t) => t.parent.metadata?.event_payload?.request_id === id);
  return thread ? thread.replies.map((r) => r.text) : [];
}

let holidayMonday = '';
/** Requests started by the current test; cancelled after it so their reminders don't slow later skips. */
const started: WorkflowHandle[] = [];
afterEach(async () => {
  for (const handle of started.splice(0)) await act(handle, 'cancel', { reason: 'test finished' }).catch(() => undefined);
});
beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTemporalBinary('testServer').executable } });
  await registerSearchAttributes(env.connection);
  // A holiday on the Monday after the next Thursday, for the pause test (the file's first test).
  const now = new Date(await env.currentTimeMs());
  let thursday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12);
  while (new Date(thursday).getUTCDay() !== 4 || thursday <= now.getTime()) thursday += DAY;
  holidayMonday = iso(thursday + 4 * DAY).slice(0, 10);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client, config: configWithHoliday(holidayMonday) });
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('helpRequestWorkflow lifecycle', () => {
  it('pauses clocks across a weekend and a holiday while waiting on the requester, and resumes on their reply', async () => {
    const thursday = await skipTo(4, 12);
    const handle = await start(); // P2: 4h first response
    await env.sleep(HOUR);
    await act(handle, 'pause', { note: 'need a screenshot' });
    await env.sleep(DAY + 10 * HOUR); // to Friday 23:00
    const status = await handle.query(statusQuery);
    expect(status.status).toBe('waiting_on_requester');
    expect(status.clocks[0]!.dueAt).toBeNull();
    const resumed = await act(handle, 'comment', { actor: 'ada@example.com', note: 'screenshot attached' });
    expect(resumed.status).toBe('open');
    // Real seconds pass between the skips (the server's clock runs while the test talks to it), more on a busy machine.
    expect(Math.abs(resumed.clocks[0]!.remainingMs - 3 * HOUR)).toBeLessThan(15_000);
    // 1h left on Friday, the weekend and the holiday Monday closed: due Tuesday 02:00.
    const due = Date.parse(resumed.clocks[0]!.dueAt!);
    expect(Math.abs(due - (thursday + 4 * DAY + 14 * HOUR))).toBeLessThan(15_000);
    expect(holidayMonday).toBe(iso(thursday + 4 * DAY).slice(0, 10));
    await recordHistory('paused-over-weekend-and-holiday', handle);
  });

  it('breaches a P2 request opened Friday 22:00 UTC on Monday 02:00 UTC, posting nothing over the weekend', async () => {
    await skipTo(5, 22);
    const handle = await start();
    const opened = await handle.query(statusQuery);
    // Real milliseconds pass while the test server runs activities; count from the opening instant.
    const friday = Date.parse(opened.timeline[0]!.at);
    expect(new Date(friday).getUTCHours()).toBe(22);
    expect(opened.clocks[0]!.dueAt).toBe(iso(friday + 2 * HOUR + 2 * DAY + 2 * HOUR));
    expect(opened.details).toBe('Tier 2 — waiting for first response, due Mon 02:00 UTC');

    await env.sleep(2 * DAY + 2 * HOUR + 30 * MINUTE); // to Mon 00:30
    let status = await handle.query(statusQuery);
    expect(status.tier).toBe(2);
    expect(repliesOf(handle.workflowId)).toEqual([]); // nothing over the weekend
    await env.sleep(MINUTE * 45); // past Mon 01:00: the 75% warning
    expect(repliesOf(handle.workflowId).some((t) => /warning/i.test(t))).toBe(true);
    await env.sleep(HOUR + MINUTE);
    status = await handle.query(statusQuery);
    expect(status).toMatchObject({ tier: 3, slaBreached: true });
    const breach = status.timeline.find((e) => e.action === 'sla_breached')!;
    const lateness = Date.parse(breach.at) - (friday + 2 * HOUR + 2 * DAY + 2 * HOUR);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1_000);
    expect(status.links.gitlabIssue).toMatch(/issues\/\d+$/);
    await recordHistory('friday-night-breach', handle);
  });

  it('walks 2 → 3 → 4 → 5 on breaches and then reminds, never outside the window', async () => {
    await skipTo(4, 9);
    const handle = await start({ priority: 'P1' });
    // P1: 30m + 1h + 2h first responses, then Tier 5 15m, then reminders every 2 coverage hours.
    await env.sleep(30 * MINUTE + HOUR + 2 * HOUR + 15 * MINUTE + 5 * MINUTE);
    let status = await handle.query(statusQuery);
    expect(status.tier).toBe(5);
    expect(status.timeline.filter((e) => e.action === 'escalated').map((e) => e.note?.slice(0, 15))).toEqual([
      'Tier 2 → Tier 3',
      'Tier 3 → Tier 4',
      'Tier 4 → Tier 5',
    ]);
    await env.sleep(4 * DAY); // Thursday → Monday, across the weekend
    status = await handle.query(statusQuery);
    const reminders = status.timeline.filter((e) => e.action === 'reminder');
    expect(reminders.length).toBeGreaterThanOrEqual(10);
    for (const r of reminders) expect([1, 2, 3, 4, 5]).toContain(new Date(r.at).getUTCDay());
    const issues = harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(handle.workflowId));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.labels).toContain('tier::5');
    await recordHistory('escalation-chain-with-reminders', handle);
  });

  it('opens a crisis at Tier 5 and a change request at Tier 3, each with its GitLab issue at once', async () => {
    await skipTo(2, 10);
    const crisis = await start({ type: 'crisis', priority: 'P1', summary: 'Okta admin account compromised' });
    const change = await start({ type: 'change', summary: 'Change the Okta session lifetime' });
    for (const [handle, tier] of [
      [crisis, 5],
      [change, 3],
    ] as const) {
      const status = await eventuallyStatus(handle, (s) => s.links.gitlabIssue !== null);
      expect(status.tier).toBe(tier);
      const [issue] = harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(handle.workflowId));
      expect(issue!.labels).toEqual(expect.arrayContaining([`tier::${tier}`, 'corpsys::okta-sso']));
    }
    await recordHistory('crisis-at-tier-5', crisis);
    await recordHistory('change-at-tier-3', change);
  });

  it('keeps the elapsed time when the priority changes mid-flight', async () => {
    await skipTo(3, 9);
    const handle = await start({ priority: 'P3' }); // 8h first response
    await env.sleep(2 * HOUR);
    const changed = await act(handle, 'priority', { priority: 'P2' }); // 4h target, 2h spent
    expect(changed.priority).toBe('P2');
    expect(Math.abs(changed.clocks[0]!.remainingMs - 2 * HOUR)).toBeLessThan(2_000);
  });

  it('escalates a request waiting on the requester with the new tier’s clocks paused, running again when the requester replies', async () => {
    await skipTo(2, 9);
    const handle = await start();
    await act(handle, 'pause', { note: 'need the device serial' });
    await env.sleep(HOUR);
    const escalated = await act(handle, 'escalate', { note: 'Okta admin needed' });
    expect(escalated).toMatchObject({ tier: 3, status: 'waiting_on_requester' });
    expect(escalated.clocks.filter((c) => c.tier === 3).map((c) => [c.state, c.dueAt])).toEqual([
      ['paused', null],
      ['paused', null],
    ]);
    await env.sleep(2 * DAY); // paused: nothing breaches meanwhile
    expect((await handle.query(statusQuery)).tier).toBe(3);
    const resumed = await act(handle, 'comment', { actor: 'ada@example.com', note: 'serial C02XYZ' });
    expect(resumed.status).toBe('open');
    expect(resumed.clocks.filter((c) => c.tier === 3).every((c) => c.state === 'running' && c.dueAt !== null)).toBe(true);
    await recordHistory('escalated-while-waiting', handle);
  });

  it('rejects invalid transitions with the validator’s message and no trace in history', async () => {
    await skipTo(1, 10);
    const handle = await start();
    await act(handle, 'resolve', { note: 'done' });
    for (const [action, args, message] of [
      ['resolve', {}, /already resolved/],
      ['acknowledge', {}, /already resolved/],
      ['escalate', { note: 'x' }, /already resolved/],
      ['resume', {}, /already resolved/],
    ] as const) {
      const attempt = act(handle, action, args);
      await expect(attempt).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(attempt).rejects.toSatisfy((err: WorkflowUpdateFailedError) => message.test(err.cause?.message ?? ''));
    }
    const history = await handle.fetchHistory();
    expect(history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  });

  it('reopens inside the reopen window, and completes as closed after it', async () => {
    await skipTo(2, 9);
    const handle = await start();
    await act(handle, 'resolve', { note: 'MFA reset' });
    await env.sleep(2 * DAY);
    const reopened = await act(handle, 'reopen', { actor: 'ada@example.com', note: 'broken again' });
    expect(reopened.status).toBe('open');
    await act(handle, 'resolve', { note: 'really fixed' });
    await env.sleep(8 * DAY);
    await expect(act(handle, 'reopen', { actor: 'ada@example.com' })).rejects.toThrow();
    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(repliesOf(handle.workflowId).filter((t) => /Reopened/i.test(t))).toHaveLength(1);
    await recordHistory('resolved-reopened-closed', handle);
  });

  it('cancels a duplicate and completes at once', async () => {
    await skipTo(2, 11);
    const handle = await start();
    const cancelled = await act(handle, 'cancel', { reason: 'duplicate', note: 'same as yesterday' });
    expect(cancelled.status).toBe('cancelled');
    expect((await handle.result()).status).toBe('cancelled');
    await recordHistory('cancelled-duplicate', handle);
  });

  it('resolves as self-served when the requester says a guide solved it', async () => {
    await skipTo(2, 12);
    const handle = await start();
    const solved = await act(handle, 'solved', { actor: 'U0ADA' });
    expect(solved.status).toBe('resolved');
    expect(solved.timeline.at(-1)).toMatchObject({ actor: 'U0ADA', action: 'solved' });
    await recordHistory('self-served', handle);
  });

  it('takes the same actions as signals from fire-and-forget senders, ignoring a refused one', async () => {
    await skipTo(3, 14);
    const handle = await start();
    await handle.signal(ACTION_SIGNALS.acknowledge, { actor: 'ops-from-temporal-ui', source: 'temporal-ui' });
    await handle.signal(ACTION_SIGNALS.acknowledge, { actor: 'someone-else' }); // refused: already acknowledged
    await handle.signal(ACTION_SIGNALS.resolve, { actor: 'ops-from-temporal-ui', note: 'done from the UI' });
    const status = await eventuallyStatus(handle, (s) => s.status === 'resolved');
    expect(status.assignee).toBe('ops-from-temporal-ui');
    expect(status.timeline.map((e) => `${e.action}:${e.actor}`)).toEqual([
      'opened:ada@example.com',
      'acknowledge:ops-from-temporal-ui',
      'resolve:ops-from-temporal-ui',
    ]);
  });

  it('continues as new to keep history bounded, carrying the whole state', async () => {
    await skipTo(3, 10);
    const handle = await start({ historyLimit: 60 });
    for (let i = 0; i < 25; i += 1) await act(handle, 'comment', { note: `comment ${i}`, source: 'slack' });
    const status = await eventuallyStatus(handle, (s) => s.timeline.filter((e) => e.action === 'comment').length === 25);
    expect(status.links.slackThread).not.toBeNull();
    const latest = env.client.workflow.getHandle(handle.workflowId);
    expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId);
    expect((await latest.fetchHistory()).events!.length).toBeLessThan(100);
    await recordHistory('continued-as-new', latest);
  });
});

async function eventuallyStatus(handle: WorkflowHandle, ok: (s: Awaited<ReturnType<typeof queryStatus>>) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await queryStatus(handle);
    if (ok(status)) return status;
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function queryStatus(handle: WorkflowHandle) {
  return handle.query(statusQuery);
}
