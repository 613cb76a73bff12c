/**
 * Fault (a): `kill -9` the worker process with requests in flight, start a new one; every request
 * must still complete its lifecycle, with one Slack thread and (for Tier 3 requests) one GitLab
 * issue each, counted at the emulators.
 */
import { openLoop, sleep } from '../support/load.js';
import { duplicatesAmong, emulatorCounts, postWebhook, requestIdOf, type RequestSpec } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, targetRow, type Row } from '../support/stats.js';
import { driveToClosed } from './driver.js';

export interface ScenarioOptions {
  requests: number;
  deadlineMs: number;
  log: (line: string) => void;
}

/** Half the requests are change requests: they start at Tier 3 and open a tracker issue at once. */
export function mixedSpecs(prefix: string, count: number): RequestSpec[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, ...(i % 2 === 1 ? { type: 'change' as const } : {}) }));
}

export async function killWorkerScenario(stack: Stack, opts: ScenarioOptions): Promise<Row[]> {
  const specs = mixedSpecs(`kill-${Date.now().toString(36)}`, opts.requests);
  const ids = specs.map((s) => requestIdOf(s.key));
  opts.log(`kill -9: submitting ${specs.length} requests`);
  const answers = await openLoop(specs.length, 200, async (i) => (await postWebhook(stack.intakeUrl, specs[i]!)).status === 202);
  const accepted = answers.filter((a) => a.ok).length;
  await sleep(300);
  const postedBefore = ids.filter((id) => emulatorCounts(stack).threads.has(id)).length;
  const victim = stack.worker.pid;
  await stack.worker.kill('SIGKILL');
  opts.log(`kill -9: worker ${victim} killed with ${ids.length - postedBefore} of ${ids.length} requests not yet posted; restarting it`);
  const restartedAt = Date.now();
  await stack.restartWorker();
  const drive = await driveToClosed(stack, ids, opts.deadlineMs);
  const counts = emulatorCounts(stack);
  const dup = duplicatesAmong(counts, ids);
  const noThread = ids.filter((id) => !counts.threads.has(id)).length;
  const changeIds = specs.filter((s) => s.type === 'change').map((s) => requestIdOf(s.key));
  const noIssue = changeIds.filter((id) => !counts.issues.has(id)).length;
  const lost = drive.missing.length + drive.notClosed.length;
  return [
    infoRow(
      '(a) requests accepted, in flight at kill -9',
      `${accepted} accepted, ${ids.length - postedBefore} not yet posted`,
      `half of them change requests (Tier 3 → GitLab issue at open)`,
    ),
    targetRow(
      '(a) lost after kill -9 and restart',
      `${lost}`,
      '0',
      lost === 0 && accepted === ids.length,
      `${drive.closed.length}/${ids.length} closed (open → ack → resolve → closed) ${fmt((Date.now() - restartedAt) / 1000)} s after the restart; ${drive.missing.length} unknown to Temporal`,
    ),
    targetRow(
      '(a) duplicate Slack threads / GitLab issues',
      `${dup.threads} / ${dup.issues}`,
      '0 / 0',
      dup.threads === 0 && dup.issues === 0 && noThread === 0 && noIssue === 0,
      `${noThread} without a thread, ${noIssue} change requests without an issue; duplicate replies ${dup.replies}, notes ${dup.notes}`,
    ),
  ];
}
