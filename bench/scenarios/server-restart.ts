/**
 * Fault (b): stop the Temporal dev server and start it again on the same SQLite file while
 * requests are open with SLA clocks running. They must resume, and each breach must fire at its
 * due instant in coverage time (read off the timeline), not be lost or shifted by the outage.
 */
import { addCoverage } from '../../domain/calendar.js';
import { mapLimit, openLoop, sleep, waitFor } from '../support/load.js';
import { duplicatesAmong, emulatorCounts, postWebhook, requestIdOf, statusOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, percentile, targetRow, type Row } from '../support/stats.js';
import { driveToClosed, executionStatus } from './driver.js';
import type { ScenarioOptions } from './kill-worker.js';

export interface ServerRestartOptions extends ScenarioOptions {
  /** The Tier 2 P1 first-response target the stack's config carries. */
  firstResponseMs: number;
  downMs: number;
}

export async function serverRestartScenario(stack: Stack, opts: ServerRestartOptions): Promise<Row[]> {
  const keys = Array.from({ length: opts.requests }, (_, i) => `restart-${Date.now().toString(36)}-${i}`);
  const ids = keys.map(requestIdOf);
  opts.log(`server restart: ${ids.length} P1 requests, first response due ${opts.firstResponseMs / 1000} s after opening`);
  const answers = await openLoop(keys.length, 50, async (i) => (await postWebhook(stack.intakeUrl, { key: keys[i]!, priority: 'P1' })).status === 202);
  await waitFor(() => ids.every((id) => emulatorCounts(stack).threads.has(id)), 60_000, 250);
  const workerPid = stack.worker.pid;
  opts.log(`server restart: stopping the dev server for ${opts.downMs / 1000} s`);
  const stoppedAt = Date.now();
  await stack.restartServer(opts.downMs);
  const downFor = Date.now() - stoppedAt;
  const workerSurvived = await Promise.race([stack.worker.exited.then(() => false), sleep(2_000).then(() => true)]);
  if (!workerSurvived) {
    opts.log('server restart: the worker exited while the server was down; starting a new one');
    await stack.restartWorker();
  }

  // Wait for every breach (Tier 2 → 3), then read when it fired against when it was due.
  const breached = async (id: string) => (await statusOf(stack, id).catch(() => null))?.timeline.some((e) => e.action === 'sla_breached') ?? false;
  await waitFor(async () => (await mapLimit(ids, 8, breached)).every(Boolean), opts.firstResponseMs + 90_000, 2_000);
  const lateness: number[] = [];
  let unfired = 0;
  await mapLimit(ids, 8, async (id) => {
    const view = await statusOf(stack, id).catch(() => null);
    const opened = view?.timeline.find((e) => e.action === 'opened');
    const breach = view?.timeline.find((e) => e.action === 'sla_breached');
    if (!opened || !breach) return void (unfired += 1);
    lateness.push(Date.parse(breach.at) - addCoverage(stack.config.calendar, Date.parse(opened.at), opts.firstResponseMs));
  });
  const statuses = await mapLimit(ids, 8, (id) => executionStatus(stack, id));
  const resumed = statuses.filter((s) => s === 'RUNNING' || s === 'COMPLETED').length;
  const drive = await driveToClosed(stack, ids, opts.deadlineMs);
  const dup = duplicatesAmong(emulatorCounts(stack), ids);
  const worst = Math.max(...lateness);
  return [
    infoRow(
      '(b) requests open across the server restart',
      `${answers.filter((a) => a.ok).length}`,
      `server down ${fmt(downFor / 1000)} s (SQLite file kept); worker ${workerSurvived ? `${workerPid} rode it out` : 'had to be restarted'}`,
    ),
    targetRow(
      '(b) resumed after the restart',
      `${resumed}/${ids.length}`,
      `${ids.length}/${ids.length}`,
      resumed === ids.length && drive.closed.length === ids.length,
      `${drive.closed.length} then closed (ack → resolve); ${drive.missing.length} unknown to Temporal`,
    ),
    targetRow(
      '(b) breaches fired after the restart',
      `${lateness.length}/${ids.length}`,
      `${ids.length}/${ids.length}, no duplicates`,
      unfired === 0 && dup.threads + dup.issues + dup.replies + dup.notes === 0,
      `duplicate threads ${dup.threads}, issues ${dup.issues}, replies ${dup.replies}, notes ${dup.notes}`,
    ),
    targetRow(
      '(b) breach lateness after restart p50 / max',
      `${fmt(percentile(lateness, 50))} / ${fmt(worst)} ms`,
      'max ≤ 1,000 ms',
      worst <= 1_000,
      "timeline sla_breached − the clock's due instant in coverage time",
    ),
  ];
}
