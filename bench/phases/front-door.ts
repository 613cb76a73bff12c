/**
 * The front door: a signed `POST /webhooks/requests` → 202, against the raw
 * `client.workflow.start` the intake makes, side by side in one run. Requests are interleaved
 * one for one at a fixed offered load, so both sides see the same server at the same moment.
 * The starts go to a task queue no worker polls: these figures are the intake's and the
 * server's, not the worker's backlog (which the other phases measure).
 */
import { closedLoop, openLoop } from '../support/load.js';
import { inputOf, postWebhook, rawStart } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, percentile, targetRow, type Row } from '../support/stats.js';

export interface FrontDoorOptions {
  /** Offered load of each side (intake and raw start), requests per second. */
  ratePerSecond: number;
  /** Duration of the latency run. */
  latencySeconds: number;
  /** Duration of each throughput run (intake, then raw start). */
  throughputSeconds: number;
  /** Senders of the throughput runs. */
  concurrency: number;
  log: (line: string) => void;
}

const ms = (v: number) => `${fmt(v)} ms`;

/** Measures the intake against raw starts; returns the table rows. */
export async function measureFrontDoor(stack: Stack, opts: FrontDoorOptions): Promise<Row[]> {
  const sinkQueue = `${stack.taskQueue}-front-door`;
  const intakeUrl = await stack.startIntake(sinkQueue);
  const run = Date.now().toString(36);
  const viaIntake = async (key: string) => (await postWebhook(intakeUrl, { key })).status === 202;
  const viaRaw = async (key: string) => {
    await rawStart(stack.client, sinkQueue, inputOf({ key }));
    return true;
  };

  opts.log('front door: warm-up');
  for (let i = 0; i < 50; i += 1) {
    await viaIntake(`fd-${run}-warm-i${i}`);
    await viaRaw(`fd-${run}-warm-r${i}`);
  }

  const count = Math.max(20, Math.round(opts.ratePerSecond * opts.latencySeconds)) * 2;
  opts.log(`front door: latency, ${count / 2} intake + ${count / 2} raw starts interleaved at ${opts.ratePerSecond}/s each`);
  const samples = await openLoop(count, opts.ratePerSecond * 2, (i) => (i % 2 === 0 ? viaIntake(`fd-${run}-lat-${i}`) : viaRaw(`fd-${run}-lat-${i}`)));
  const intake = samples.filter((s) => s.index % 2 === 0);
  const raw = samples.filter((s) => s.index % 2 === 1);
  const p = (list: typeof samples, q: number) =>
    percentile(
      list.filter((s) => s.ok).map((s) => s.ms),
      q,
    );
  const errors = (list: typeof samples) => list.filter((s) => !s.ok).length;
  const ratio = p(intake, 99) / p(raw, 99);

  opts.log(`front door: throughput, ${opts.concurrency} senders for ${opts.throughputSeconds}s each side`);
  const maxCount = 1_000_000;
  const intakeRun = await closedLoop(opts.concurrency, opts.throughputSeconds * 1000, maxCount, (i) => viaIntake(`fd-${run}-tp-i${i}`));
  const rawRun = await closedLoop(opts.concurrency, opts.throughputSeconds * 1000, maxCount, (i) => viaRaw(`fd-${run}-tp-r${i}`));

  const load = `${opts.ratePerSecond}/s each`;
  return [
    infoRow('intake latency p50 (POST → 202)', ms(p(intake, 50)), `${load}, n=${intake.length}, errors ${errors(intake)}`),
    infoRow('intake latency p99 (POST → 202)', ms(p(intake, 99))),
    infoRow('raw workflow.start latency p50', ms(p(raw, 50)), `${load}, n=${raw.length}, errors ${errors(raw)}`),
    infoRow('raw workflow.start latency p99', ms(p(raw, 99))),
    targetRow('intake p99 / raw start p99', `${fmt(ratio, 2)}×`, '≤ 1.5×', ratio <= 1.5 && errors(intake) === 0),
    targetRow(
      'sustained intake throughput',
      `${fmt(intakeRun.perSecond)} req/s`,
      '≥ 100 req/s, 0 errors',
      intakeRun.perSecond >= 100 && intakeRun.errors === 0,
      `${intakeRun.completed} accepted, ${intakeRun.errors} errors in ${fmt(intakeRun.seconds)} s, ${opts.concurrency} senders, p99 ${ms(percentile(intakeRun.latenciesMs, 99))}`,
    ),
    infoRow(
      'raw workflow.start throughput',
      `${fmt(rawRun.perSecond)} starts/s`,
      `${rawRun.completed} started, ${rawRun.errors} errors, p99 ${ms(percentile(rawRun.latenciesMs, 99))}`,
    ),
    infoRow('intake / raw start throughput', `${fmt(intakeRun.perSecond / rawRun.perSecond, 2)}×`),
  ];
}
