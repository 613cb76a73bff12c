/**
 * Many open requests with live SLA clocks: the worker's resident memory (its own process, VmRSS)
 * while they are open, and timer lateness — how long after a clock's due time its breach
 * (the escalation) was handled — read from each request's timeline (`sla_breached` entry) against
 * the clock's due instant (the `opened` entry plus the target in coverage time).
 */
import { addCoverage } from '../../domain/calendar.js';
import { fetchRuntimeMetrics } from '../../workers/metrics.js';
import type { RequestStatusView } from '../../contracts/help-request.js';
import { mapLimit, sleep } from '../support/load.js';
import { histogramMean, metricSum } from '../support/prom.js';
import { emulatorCounts, inputOf, rawStart, requestIdOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, MiB, percentile, targetRow, type Row } from '../support/stats.js';

export interface OpenRequestsOptions {
  count: number;
  /** The Tier 2 P1 first-response target the stack's config carries (the clock that breaches). */
  firstResponseMs: number;
  /** How long to keep watching after the last request's due time. */
  graceMs: number;
  startConcurrency: number;
  /** Handled breaches whose timeline is read (status query) for lateness. */
  sampleSize: number;
  log: (line: string) => void;
}

function pick<T>(items: T[], n: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** Opens `count` P1 requests and watches them breach; returns the table rows. */
export async function measureOpenRequests(stack: Stack, opts: OpenRequestsOptions): Promise<Row[]> {
  const run = Date.now().toString(36);
  const ids = Array.from({ length: opts.count }, (_, i) => requestIdOf(`open-${run}-${i}`));
  const baseline = stack.worker.rssBytes();
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, stack.worker.rssBytes());
      await sleep(1_000);
    }
  })();
  const tq = `TaskQueue = '${stack.taskQueue}'`;
  const count = (query: string) =>
    stack.client.workflow.count(`${tq} AND WorkflowId STARTS_WITH 'req-json-open-${run}-' AND ${query}`).then(
      (c) => c.count,
      () => Number.NaN,
    );

  opts.log(`open requests: starting ${opts.count} P1 requests (first response due after ${opts.firstResponseMs / 1000} s)`);
  const postedBefore = emulatorCounts(stack).threads.size;
  const phaseStart = Date.now();
  let startErrors = 0;
  await mapLimit(ids, opts.startConcurrency, (id) =>
    rawStart(stack.client, stack.taskQueue, inputOf({ key: id.replace(/^req-json-/, ''), priority: 'P1' })).catch(() => void (startErrors += 1)),
  );
  const startSeconds = (Date.now() - phaseStart) / 1000;
  const rssAllOpen = stack.worker.rssBytes();
  const running = await count(`ExecutionStatus = 'Running'`);
  opts.log(`open requests: ${opts.count - startErrors} started in ${fmt(startSeconds)} s; ${running} running; worker RSS ${fmt(rssAllOpen / MiB, 0)} MiB`);

  const deadline = Date.now() + opts.firstResponseMs + opts.graceMs;
  let breached = 0;
  let lastLog = 0;
  while (Date.now() < deadline) {
    breached = await count('SlaBreached = true');
    if (breached >= opts.count - startErrors) break;
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      const cachedNow = stack.workerMetricsAddress
        ? metricSum(await fetchRuntimeMetrics(stack.workerMetricsAddress, 10_000), 'temporal_sticky_cache_size')
        : Number.NaN;
      opts.log(
        `open requests: ${breached} breached so far; ${emulatorCounts(stack).threads.size} threads posted in all; worker RSS ${fmt(stack.worker.rssBytes() / MiB, 0)} MiB (peak ${fmt(peak / MiB, 0)}), ${cachedNow} workflows cached`,
      );
    }
    await sleep(2_000);
  }
  const endedAt = Date.now();
  const posted = emulatorCounts(stack).threads.size - postedBefore;
  const metrics = stack.workerMetricsAddress ? await fetchRuntimeMetrics(stack.workerMetricsAddress, 10_000) : '';
  opts.log(`open requests: ${breached} breached by the end; reading ${Math.min(opts.sampleSize, ids.length)} timelines`);

  // Due by the end: accepted at least one target before it (the clock's due instant is never earlier).
  const dueBy = new Date(endedAt - opts.firstResponseMs).toISOString();
  const dueCount = await count(`StartTime < '${dueBy}'`);
  const notHandled = Math.max(0, dueCount - breached);

  // Lateness of the breaches handled, from their timelines (a status query each; the worker answers).
  const handled: Array<{ id: string; startTime: number }> = [];
  for await (const wf of stack.client.workflow.list({ query: `${tq} AND WorkflowId STARTS_WITH 'req-json-open-${run}-' AND SlaBreached = true` })) {
    handled.push({ id: wf.workflowId, startTime: wf.startTime.getTime() });
  }
  const readUntil = Date.now() + 90_000;
  const readings = (
    await mapLimit(pick(handled, opts.sampleSize), 8, async ({ id, startTime }) => {
      if (Date.now() > readUntil) return null;
      const view = await stack.client.connection
        .withDeadline(Date.now() + 15_000, () => stack.client.workflow.getHandle(id).query<RequestStatusView>('status'))
        .catch(() => null);
      const opened = view?.timeline.find((e) => e.action === 'opened');
      const breach = view?.timeline.find((e) => e.action === 'sla_breached');
      if (!opened || !breach) return null;
      const due = addCoverage(stack.config.calendar, Date.parse(opened.at), opts.firstResponseMs);
      return { lateMs: Date.parse(breach.at) - due, clockStartDelayMs: Date.parse(opened.at) - startTime };
    })
  ).filter((r): r is { lateMs: number; clockStartDelayMs: number } => r !== null);
  sampling = false;
  await sampler;

  const lateness = readings.map((r) => r.lateMs);
  const p99Ms = percentile(lateness, 99);
  const cached = metricSum(metrics, 'temporal_sticky_cache_size');
  const perCached = cached > 0 ? (peak - baseline) / cached : Number.NaN;
  const wftWait = histogramMean(metrics, 'temporal_workflow_task_schedule_to_start_latency');
  const wftRun = histogramMean(metrics, 'temporal_workflow_task_execution_latency');
  return [
    infoRow(
      'open requests with live SLA clocks',
      `${fmt(opts.count - startErrors, 0)}`,
      `started in ${fmt(startSeconds)} s (${fmt((opts.count - startErrors) / startSeconds)} starts/s); ${running} running after the start loop`,
    ),
    targetRow(
      'worker RSS with them open (peak)',
      `${fmt(peak / MiB, 0)} MiB`,
      '≤ 1,024 MiB',
      peak <= 1024 * MiB,
      `worker child process VmRSS; baseline ${fmt(baseline / MiB, 0)} MiB, ${fmt(rssAllOpen / MiB, 0)} MiB when all were started; ${fmt(cached, 0)} in the sticky cache (≈ ${fmt(perCached / 1024, 0)} KiB each)`,
    ),
    infoRow(
      'worker throughput under this backlog',
      `${fmt(posted / ((endedAt - phaseStart) / 1000))} requests/s`,
      `${posted} of ${opts.count} threads posted in ${fmt((endedAt - phaseStart) / 1000, 0)} s (the worker's capacity to open requests: WFT + Slack post + status message)`,
    ),
    infoRow(
      'timer lateness p50 (breaches handled)',
      `${fmt(percentile(lateness, 50))} ms`,
      `timeline sla_breached − clock due, n=${lateness.length} read of ${handled.length} handled; SLA clock started ${fmt(
        percentile(
          readings.map((r) => r.clockStartDelayMs),
          50,
        ),
      )} ms (p50) after the request was accepted`,
    ),
    targetRow(
      'timer lateness p99',
      `${fmt(p99Ms)} ms; ${fmt(notHandled, 0)} due, not handled`,
      '≤ 1,000 ms, all handled',
      p99Ms <= 1000 && notHandled === 0,
      `${breached} of ${dueCount} requests due by the end (accepted ≥ ${opts.firstResponseMs / 1000} s before it) had their breach handled; worker WFT schedule-to-start mean ${fmt(wftWait, 0)} ms, execution mean ${fmt(wftRun, 0)} ms`,
    ),
  ];
}
