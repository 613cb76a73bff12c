/**
 * The weekly SLA digest end to end on the real dev server: requests opened and acted on, their
 * SLA outcome read back from visibility, `slaDigestWorkflow` posting the chart and summary to the
 * digest channel of the Slack emulator through the real client — once per week, however often it
 * runs — and the Schedule that starts it, made only when a digest channel is configured.
 *
 * The test has a namespace of its own: the digest reports every request of the namespace opened
 * in the week, and other test files fill the shared one at the same time.
 */
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { HELP_REQUEST_WORKFLOW, helpRequestStartOptions, type HelpRequestInput } from '../../contracts/help-request.js';
import { RECONCILE_SCHEDULE_ID } from '../../contracts/reconcile-tracker.js';
import {
  digestFileName,
  digestWeekOf,
  isoWeekOf,
  SLA_DIGEST_SCHEDULE_ID,
  SLA_DIGEST_WORKFLOW,
  weekBounds,
  type SlaDigestResult,
} from '../../contracts/sla-digest.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { readSlaReport } from '../../queries/sla-report.js';
import { ensureSchedules } from '../../workers/schedules.js';
import { eventually, quietRuntime, startHarness, type Harness } from '../support/harness.js';
import { freshNamespace, unique } from '../support/temporal.js';

const DIGEST = 'C0SLADIGEST';
const WEEK = isoWeekOf(Date.now(), 'UTC');

let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let harness: Harness;

beforeAll(async () => {
  quietRuntime();
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  const namespace = await freshNamespace(connection, 'tierflow-digest');
  client = new Client({ connection, namespace });
  nativeConnection = await NativeConnection.connect({ address });
  harness = await startHarness({ connection: nativeConnection, client, namespace, digestChannel: DIGEST });

  // Three requests this week: one answered and resolved, one answered, one untouched.
  const gateway = createTemporalGateway(client, { taskQueue: harness.taskQueue });
  const ids: string[] = [];
  for (const summary of ['Okta push never arrives', 'VPN drops every hour', '<!channel> please reset my MFA']) {
    const input: HelpRequestInput = { id: unique('req-digest'), source: 'webhook', requester: { email: 'ada@example.com' }, summary, system: 'okta-sso' };
    await client.workflow.start(HELP_REQUEST_WORKFLOW, helpRequestStartOptions(input, harness.taskQueue));
    ids.push(input.id);
  }
  await gateway.act(ids[0]!, 'acknowledge', { actor: 'grace@example.com' });
  await gateway.act(ids[0]!, 'resolve', { actor: 'grace@example.com' });
  await gateway.act(ids[1]!, 'acknowledge', { actor: 'grace@example.com' });
  // What the digest will read: visibility has the outcomes once the requests have published them.
  await eventually(
    'the three requests with their outcomes in visibility',
    async () => {
      const report = await readSlaReport(client, weekBounds(WEEK, 'UTC'));
      return report.total.opened === 3 && report.total.firstResponse.measured === 2 && report.total.resolution.measured === 1;
    },
    30_000,
  );
}, 120_000);

afterAll(async () => {
  for await (const schedule of client?.schedule.list() ?? []) await client.schedule.getHandle(schedule.scheduleId).delete();
  await harness?.close();
  await connection?.close();
  await nativeConnection?.close();
});

/** The week's digest files our bot shared in the digest channel. */
const digestFiles = (week: string) => harness.sandbox.slack.files.filter((f) => f.completed && f.channels.includes(DIGEST) && f.name === digestFileName(week));

describe('the weekly SLA digest', () => {
  it('posts the week’s chart to the digest channel with a summary naming the counts, once, however often it runs', async () => {
    const run = () =>
      client.workflow.execute(SLA_DIGEST_WORKFLOW, { taskQueue: harness.taskQueue, workflowId: unique('sla-digest'), args: [{ week: WEEK, timeZone: 'UTC' }] });
    const first = (await run()) as SlaDigestResult;
    expect(first).toMatchObject({ week: WEEK, channel: DIGEST, posted: true });

    const files = digestFiles(WEEK);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(first.fileId).toBe(file.id);
    expect(file.mimetype).toBe('image/png');
    expect([...file.bytes!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(file.bytes!.readUInt32BE(16)).toBe(1440);
    const comment = file.comment!;
    expect(comment).toContain(`*SLA digest ${WEEK}*`);
    expect(comment).toContain('• Opened: *3* (last week 0)');
    expect(comment).toContain('• First response met: *100%* (2 of 2; last week n/a)');
    expect(comment).toContain('• Resolution met: *100%* (1 of 1; last week n/a)');
    expect(comment).toContain('• Breached: *0* · Escalations: *0* · Reopens: *0*');
    // Counts and registry ids only: no request's text, and nothing that pings.
    expect(comment).not.toMatch(/Okta push|VPN|<!channel>/);
    const shared = harness.sandbox.slack.messages.filter((m) => m.channel === DIGEST && m.upload);
    expect(shared.map((m) => m.text)).toEqual([comment]);

    const again = (await run()) as SlaDigestResult;
    expect(again).toEqual({ week: WEEK, channel: DIGEST, posted: false, fileId: file.id });
    expect(digestFiles(WEEK)).toHaveLength(1);
    expect(harness.sandbox.slack.messages.filter((m) => m.channel === DIGEST && m.upload)).toHaveLength(1);
  });

  it('fails a run for a malformed week at once, naming the field', async () => {
    const run = client.workflow.execute(SLA_DIGEST_WORKFLOW, { taskQueue: harness.taskQueue, workflowId: unique('sla-digest'), args: [{ week: '2026-49' }] });
    await expect(run).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^week "2026-49" is not an ISO week/) } });
  });
});

describe('the digest Schedule', () => {
  it('is not made without a digest channel; with one it runs Monday 08:00 in the calendar’s zone, skipping overlaps, and reports last week', async () => {
    await ensureSchedules(client, { taskQueue: harness.taskQueue });
    await expect(client.schedule.getHandle(SLA_DIGEST_SCHEDULE_ID).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).describe()).scheduleId).toBe(RECONCILE_SCHEDULE_ID);

    await ensureSchedules(client, { taskQueue: harness.taskQueue, digest: { timeZone: 'Europe/Berlin' } });
    await ensureSchedules(client, { taskQueue: harness.taskQueue, digest: { timeZone: 'Europe/Berlin' } }); // idempotent
    const handle = client.schedule.getHandle(SLA_DIGEST_SCHEDULE_ID);
    const schedule = await handle.describe();
    expect(schedule.spec.timezone).toBe('Europe/Berlin');
    expect(schedule.spec.calendars).toHaveLength(1);
    expect(schedule.spec.calendars![0]).toMatchObject({
      dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    expect(schedule.policies.overlap).toBe('SKIP');
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: SLA_DIGEST_WORKFLOW,
      taskQueue: harness.taskQueue,
      args: [{ timeZone: 'Europe/Berlin' }],
    });
    const next = DateTime.fromJSDate(schedule.info.nextActionTimes[0]!, { zone: 'Europe/Berlin' });
    expect([next.weekday, next.hour, next.minute]).toEqual([1, 8, 0]);

    // Run now: it reports the week before this one (its nominal time is now), into the digest channel.
    const before = Date.now();
    await handle.trigger();
    const started = await eventually('the triggered run', async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 20_000);
    const result = (await client.workflow.getHandle(started).result()) as SlaDigestResult;
    const lastWeek = digestWeekOf(before, 'Europe/Berlin');
    expect(result).toMatchObject({ week: lastWeek, channel: DIGEST, posted: true });
    expect(digestFiles(lastWeek)).toHaveLength(1);
    expect(digestFiles(lastWeek)[0]!.comment).toContain('• Opened: *0*');
  });
});
