/**
 * Part (b) of `npm run test:cluster`: tierflow scaled out on the cluster, under faults.
 *
 * Three worker processes and two intake processes (`fleet.ts`) behind a round-robin balancer
 * (`round-robin.ts`); the Slack and GitLab emulators in this process. Signed JSON requests arrive at
 * `rate` per second for `minutes`, each retried by its sender until a 202 (same idempotency key);
 * every accepted one is walked through its lifecycle (`lifecycle.ts`). Every 30 s one random worker
 * or intake is SIGKILLed and started again; once, half-way, the Temporal server itself is SIGKILLed
 * and started again on the same database. Then everything is counted at the emulators and in
 * Temporal: lost requests, duplicate threads / issues / replies / notes, breach lateness.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { bundleWorkflowCode } from '@temporalio/worker';

import { benchConfig } from '../bench/support/bench-config.js';
import { emulatorEnv } from '../bench/support/emulator-env.js';
import { sleep } from '../bench/support/load.js';
import { duplicatesAmong, emulatorCounts, requestIdOf, statusOf, type RequestSpec, type StackView } from '../bench/support/requests.js';
import { API_TOKEN, HELP_CHANNEL, INTAKE_SECRET, TRACKER } from '../bench/support/stack.js';
import { fmt, infoRow, percentile, targetRow, type Row } from '../bench/support/stats.js';
import type { WorkerProcessSpec } from '../bench/support/worker-process.js';
import { executionStatus, submitWithRetries } from '../bench/scenarios/driver.js';
import { loadSettings } from '../config/settings.js';
import { HELP_REQUEST_TASK_QUEUE, HELP_REQUEST_WORKFLOW } from '../contracts/help-request.js';
import { EFFECT_EVENT_TYPE } from '../contracts/slack-ids.js';
import { markedEffectId } from '../contracts/tracker-marker.js';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workers/help-desk-worker.js';
import { startStack } from '../workers/stack.js';
import { CpuMeter, cpuRows } from './cpu.js';
import { startFleet, type Kind } from './fleet.js';
import type { Cluster } from './index.js';
import { runLifecycle, ThreadIndex, type LifecycleEnd } from './lifecycle.js';
import { freeLoopbackPorts } from './ports.js';
import { startRoundRobin } from './round-robin.js';

export interface ScaleOutOptions {
  /** How long requests arrive. */
  minutes: number;
  /** Requests per second. */
  rate: number;
  workers: number;
  intakes: number;
  /** One random worker or intake is killed this often (ms). */
  killEveryMs: number;
  /** The Tier 2 P1 first-response target: every tenth request is a P1 left to breach it. */
  firstResponseMs: number;
  /** How long, after the last request arrives, the lifecycles may take to end. */
  drainMs: number;
  log: (line: string) => void;
}

export interface ScaleOutResult {
  rows: Row[];
  /** False when any target was missed. */
  ok: boolean;
}

const quiet = () => undefined;

/** The full run's rate (`--minutes 10 --rate 50`): the table says how many cores it would take. */
const FULL_RATE = 50;

/** How long the processes are metered with nothing arriving, before the load (their idle CPU). */
const IDLE_METER_MS = 15_000;

/** The i-th request: every tenth a P1 (watched until it breaches), every other a change request (Tier 3: a GitLab issue at once). */
function specOf(run: string, i: number): RequestSpec & { watchBreach: boolean } {
  const p1 = i % 10 === 0;
  return {
    key: `cluster-${run}-${i}`,
    ...(p1 ? { priority: 'P1' as const } : {}),
    ...(!p1 && i % 2 === 1 ? { type: 'change' as const } : {}),
    watchBreach: p1,
  };
}

/** Lane rates that keep up with `rate` requests a second (each makes a handful of Slack and GitLab calls). */
const laneRates = (rate: number) => ({ slack: Math.max(50, rate * 10), gitlab: Math.max(50, rate * 5) });

export async function runScaleOut(cluster: Cluster, opts: ScaleOutOptions): Promise<ScaleOutResult> {
  const { log } = opts;
  const config = benchConfig({ tier2P1: { firstResponseMs: opts.firstResponseMs, resolutionMs: 3_600_000 }, reopenWindowMs: 2_000 });
  const namespace = cluster.namespace;
  const common = { temporalAddress: cluster.address, namespace, helpChannel: HELP_CHANNEL, project: TRACKER };

  // This process: the emulators, and a client of its own for counting.
  const settings = loadSettings(
    { ...emulatorEnv(common), INTAKE_SECRET, API_TOKEN, PUBLIC_URL: 'http://tierflow.cluster', TIERFLOW_SOURCES: 'webhook' },
    { entry: 'embedded' },
  );
  const base = await startStack(settings, {
    parts: { sandbox: true, worker: false, schedules: false, intake: false },
    config,
    // Faults are injected on purpose; the emulators' modelled rate limits would only add 429s this run does not judge.
    sandbox: { rateLimits: false },
    logger: null,
  });
  const stops: Array<() => Promise<unknown>> = [() => base.stop()];
  try {
    const sandbox = base.sandbox!;
    const emulators = { slackApiUrl: sandbox.slack.url, gitlabUrl: sandbox.gitlab.url };

    log('scale-out: bundling the workflow code once for every worker process');
    const bundle = await bundleWorkflowCode({
      ...WORKFLOW_BUNDLE_OPTIONS,
      logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet },
    });
    const bundlePath = join(cluster.dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const configFile = join(cluster.dir, 'registry.json');
    writeFileSync(configFile, JSON.stringify(config));
    const workerSpecFile = join(cluster.dir, 'worker.json');
    const spec: WorkerProcessSpec = { taskQueue: HELP_REQUEST_TASK_QUEUE, configFile, bundlePath, metrics: false, tuning: {} };
    writeFileSync(workerSpecFile, JSON.stringify(spec));

    log(`scale-out: starting ${opts.workers} worker and ${opts.intakes} intake processes against ${cluster.address}`);
    const fleet = await startFleet({
      workers: opts.workers,
      intakes: opts.intakes,
      workerSpecFile,
      workerEnv: { ...emulatorEnv({ ...common, ...emulators, rates: laneRates(opts.rate) }), LOG_LEVEL: 'warn' },
      intakeEnv: {
        ...emulatorEnv({ ...common, ...emulators }),
        INTAKE_SECRET,
        API_TOKEN,
        PUBLIC_URL: 'http://tierflow.cluster',
        TIERFLOW_SOURCES: 'webhook',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      intakePorts: await freeLoopbackPorts(opts.intakes),
      intakeMetricsPorts: await freeLoopbackPorts(opts.intakes),
      logDir: cluster.logDir,
      log,
    });
    stops.push(() => fleet.stop());
    const balancer = await startRoundRobin(fleet.intakePorts);
    stops.push(() => balancer.close());
    const view: StackView = { intakeUrl: balancer.url, client: base.client, sandbox };
    const threads = new ThreadIndex(view);

    // Load, lifecycles and faults at once.
    const run = Date.now().toString(36);
    const count = Math.round(opts.minutes * 60 * opts.rate);
    const loadMs = (count / opts.rate) * 1000;
    const accepted: string[] = [];
    const changeIds: string[] = [];
    const watchedIds: string[] = [];
    const retried: number[] = [];
    const gaveUp: string[] = [];
    const lifecycles: Array<Promise<LifecycleEnd>> = [];
    const kills: Record<Kind, number> = { worker: 0, intake: 0 };
    const faultLog: string[] = [];
    const faults: Fault[] = [];
    let serverDownMs = 0;
    let loadDone = false;

    log(
      `scale-out: ${count} requests at ${opts.rate}/s for ${fmt(loadMs / 1000, 0)} s; one worker or intake SIGKILLed every ${opts.killEveryMs / 1000} s, the Temporal server once`,
    );
    // CPU per process kind: first with nothing arriving, then over the same window as the "duration" row.
    const groups = [
      { name: 'Temporal server', roots: () => [cluster.serverPid()] },
      { name: 'PostgreSQL', roots: () => [cluster.postgresPid()] },
      { name: 'workers', roots: () => fleet.pids('worker'), size: opts.workers },
      { name: 'intakes', roots: () => fleet.pids('intake'), size: opts.intakes },
    ];
    const idleMeter = new CpuMeter(groups);
    idleMeter.start();
    await sleep(IDLE_METER_MS);
    idleMeter.stop();
    const meter = new CpuMeter(groups);
    stops.push(async () => meter.stop());
    meter.start();
    const loadStart = Date.now();
    const until = loadStart + loadMs + opts.drainMs;
    const load = (async () => {
      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < count; i += 1) {
        const wait = loadStart + (i * 1000) / opts.rate - Date.now();
        if (wait > 0) await sleep(wait);
        const s = specOf(run, i);
        const id = requestIdOf(s.key);
        sends.push(
          submitWithRetries(view, s, 60, 2_000).then(({ answer, tries }) => {
            if (tries > 1) retried.push(tries);
            if (answer.status !== 202) return void gaveUp.push(`${id}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`);
            accepted.push(id);
            if (s.type === 'change') changeIds.push(id);
            if (s.watchBreach) watchedIds.push(id);
            lifecycles.push(runLifecycle(view, id, s.watchBreach, { config, firstResponseMs: opts.firstResponseMs, until, threads }));
          }),
        );
      }
      await Promise.all(sends);
      loadDone = true;
    })();

    // Kills on every tick, each restart in the background (a slow one does not hold the next kill back,
    // and a slot being restarted is not picked again); the server restart half a tick after the middle
    // tick, on its own schedule, so the two never meet and a slow restart cannot skip it.
    const ticks = Math.max(1, Math.floor(loadMs / opts.killEveryMs));
    const restarting = new Set<string>();
    const note = (line: string) => {
      faultLog.push(`+${fmt((Date.now() - loadStart) / 1000, 0)}s ${line}`);
      log(`scale-out: ${faultLog.at(-1)!}`);
    };
    const fault = (what: string) => {
      faults.push({ at: Date.now(), what });
      note(`${what} SIGKILLed`);
    };
    const killLoop = (async () => {
      const restarts: Array<Promise<void>> = [];
      for (let k = 1; k <= ticks; k += 1) {
        const wait = loadStart + k * opts.killEveryMs - Date.now();
        if (wait > 0) await sleep(wait);
        if (loadDone) break;
        const slots = (['worker', 'intake'] as const).flatMap((kind) => Array.from({ length: fleet.size[kind] }, (_, slot) => ({ kind, slot })));
        const free = slots.filter((s) => !restarting.has(`${s.kind}${s.slot}`));
        const { kind, slot } = free[Math.floor(Math.random() * free.length)] ?? slots[0]!;
        restarting.add(`${kind}${slot}`);
        kills[kind] += 1;
        fault(`${kind} ${slot + 1}`);
        restarts.push(
          fleet
            .killAndRestart(kind, slot)
            .then(
              ({ pid, readyMs }) => note(`${kind} ${slot + 1}'s successor (pid ${pid}) ready ${fmt(readyMs / 1000)} s after the kill`),
              (err: unknown) => note(`${kind} ${slot + 1} could not be restarted: ${String(err)}`),
            )
            .finally(() => restarting.delete(`${kind}${slot}`)),
        );
      }
      await Promise.all(restarts);
    })();
    const serverRestart = (async () => {
      const wait = loadStart + Math.floor(ticks / 2) * opts.killEveryMs + opts.killEveryMs / 2 - Date.now();
      if (wait > 0) await sleep(wait);
      if (loadDone) return;
      fault('Temporal server');
      serverDownMs = await cluster.restartServer(0);
      note(`Temporal server serving again on the same database, ${fmt(serverDownMs / 1000)} s after the kill`);
    })();

    await Promise.all([load, killLoop, serverRestart]);
    log(`scale-out: ${accepted.length} accepted (${retried.length} after a retry, ${gaveUp.length} never); waiting for their lifecycles to end`);
    const ends = await Promise.all(lifecycles);
    // One more look at those that had not completed by the deadline: late is not lost.
    const unfinished = ends.filter((x) => x.status !== 'COMPLETED');
    for (const e of unfinished) e.status = await executionStatus(view, e.id);
    const late = unfinished.filter((e) => e.status === 'COMPLETED').length;
    const duration = Date.now() - loadStart;
    meter.stop();

    // Counting: in Temporal, then at the emulators.
    const completed = ends.filter((e) => e.status === 'COMPLETED');
    const missing = ends.filter((e) => e.status === 'missing');
    const lost = ends.filter((e) => e.status !== 'COMPLETED');
    const visibilityQuery = `WorkflowType = '${HELP_REQUEST_WORKFLOW}' AND TaskQueue = '${HELP_REQUEST_TASK_QUEUE}' AND ExecutionStatus = 'Completed'`;
    let visible = 0;
    for (let tries = 0; tries < 30; tries += 1) {
      visible = (await base.client.workflow.count(visibilityQuery).catch(() => ({ count: -1 }))).count;
      if (visible === completed.length) break;
      await sleep(1_000);
    }
    const counts = emulatorCounts(view);
    const dup = duplicatesAmong(counts, accepted);
    const noThread = accepted.filter((id) => !counts.threads.has(id)).length;
    const noIssue = changeIds.filter((id) => !counts.issues.has(id)).length;
    const lateness = ends.map((e) => e.breachLatenessMs).filter((ms): ms is number => ms !== null);
    const p1Count = Math.ceil(count / 10);
    const notNow = ends.filter((e) => e.notNow > 0);
    const stuckBy = new Map<string, number>();
    for (const e of lost) stuckBy.set((e.stuckAt ?? e.status).split(' (')[0]!, (stuckBy.get((e.stuckAt ?? e.status).split(' (')[0]!) ?? 0) + 1);
    const stuck = [...stuckBy].map(([why, n]) => `${n} ${why}`).join(', ');

    for (const line of faultLog) log(`  ${line}`);
    const lateBreaching = lateBreaches(ends, faults);
    for (const b of lateBreaching.slice(0, 20))
      log(
        `scale-out: breach of ${b.id} due at +${fmt((b.dueAt - loadStart) / 1000, 0)}s fired ${fmt(b.lateMs / 1000)} s late${b.after ? `, ${fmt((b.dueAt - b.after.at) / 1000, 0)} s after ${b.after.what} was SIGKILLed` : ''}`,
      );
    if (gaveUp.length > 0) log(`scale-out: never accepted: ${gaveUp.slice(0, 5).join(' | ')}`);
    for (const e of lost.slice(0, 10)) log(`scale-out: lost ${e.id}: ${e.status}, stuck at ${e.stuckAt}; ${await describeStuck(view, e.id)}`);
    for (const line of duplicateEffects(view, accepted).slice(0, 10)) log(`scale-out: duplicated ${line}`);

    const rows: Row[] = [
      infoRow(
        'cluster',
        `Temporal ${cluster.version}, ${cluster.shards} shards, PostgreSQL`,
        `${opts.workers} workers, ${opts.intakes} intakes behind a round-robin`,
      ),
      infoRow(
        'requests sent / accepted (202)',
        `${count} / ${accepted.length}`,
        `${fmt(opts.rate, 0)}/s for ${fmt(loadMs / 1000, 0)} s; ${retried.length} needed a retry (max ${Math.max(0, ...retried)} tries); intakes took ${[...balancer.handed.values()].join(' / ')} connections`,
      ),
      targetRow(
        'requests never accepted',
        `${gaveUp.length}`,
        '0',
        gaveUp.length === 0,
        'a sender retries a refused or cut request with the same idempotency key',
      ),
      infoRow(
        'kills (SIGKILL + restart)',
        `${kills.worker + kills.intake}`,
        `${kills.worker} worker, ${kills.intake} intake, one every ${opts.killEveryMs / 1000} s; unplanned exits ${fleet.unplannedExits.length}`,
      ),
      infoRow(
        'Temporal server restarts',
        serverDownMs > 0 ? '1' : '0',
        serverDownMs > 0 ? `SIGKILL, same database; ${fmt(serverDownMs / 1000)} s until it served again` : 'the run ended first',
      ),
      targetRow(
        'lost (accepted, not at its lifecycle end)',
        `${lost.length}`,
        '0',
        lost.length === 0 && accepted.length === count,
        `${completed.length}/${accepted.length} completed (thread → ack → resolve → closed; ${late} only after the drive's deadline); ${missing.length} unknown to Temporal${stuck ? `; stuck: ${stuck}` : ''}`,
      ),
      targetRow('completed, counted by SQL visibility', `${visible}`, `${completed.length}`, visible === completed.length, `count(${visibilityQuery})`),
      targetRow(
        'duplicated threads / issues / replies / notes',
        `${dup.threads} / ${dup.issues} / ${dup.replies} / ${dup.notes}`,
        '0 / 0 / 0 / 0',
        dup.threads + dup.issues + dup.replies + dup.notes === 0 && noThread === 0 && noIssue === 0,
        `${noThread} without a thread, ${noIssue} of ${changeIds.length} change requests without an issue`,
      ),
      targetRow(
        'actions answered 409 "cannot take this now"',
        `${notNow.reduce((a, e) => a + e.notNow, 0)} (${notNow.length} requests)`,
        '0',
        notNow.length === 0,
        'Temporal refused the Update with WorkflowNotReady (workflow task on its 3rd+ attempt after a kill): a transient state the intake answers as a refusal; retried here',
      ),
      targetRow(
        'P1 breaches fired',
        `${lateness.length}`,
        `${watchedIds.length}`,
        lateness.length === watchedIds.length,
        `every tenth request is a P1 (${p1Count} sent) left unacknowledged past its ${opts.firstResponseMs / 1000} s first-response target`,
      ),
      infoRow(
        'breach lateness p50 / p99 / max',
        `${fmt(percentile(lateness, 50), 0)} / ${fmt(percentile(lateness, 99), 0)} / ${fmt(Math.max(...lateness), 0)} ms`,
        `timeline sla_breached − the clock's due instant; ${lateSummary(lateBreaching)}`,
      ),
      infoRow('duration', `${fmt(duration / 1000, 0)} s`, `load ${fmt(loadMs / 1000, 0)} s, then lifecycles ending; logs in ${cluster.logDir}`),
      ...cpuRows(meter.totals(), accepted.length, FULL_RATE, idleMeter.totals()),
    ];
    return { rows, ok: !rows.some((r) => r.verdict === 'MISS') };
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log(`scale-out: error while stopping: ${String(err)}`));
  }
}

interface Fault {
  at: number;
  /** What was SIGKILLed: "worker 2", "intake 1", "Temporal server". */
  what: string;
}

/** Breaches fired later than this are lined up with the faults before them. */
const LATE_BREACH_MS = 5_000;
/** A fault this long before a breach's due instant (or after it, before the breach fired) may have delayed it. */
const FAULT_REACH_MS = 30_000;

interface LateBreach {
  id: string;
  dueAt: number;
  lateMs: number;
  /** The latest fault that may have delayed it, if any. */
  after: Fault | undefined;
}

/** The breaches over {@link LATE_BREACH_MS} late, in due order, each with the fault just before it. */
function lateBreaches(ends: LifecycleEnd[], faults: Fault[]): LateBreach[] {
  return ends
    .flatMap((e) =>
      e.breachLatenessMs !== null && e.breachDueAt !== null && e.breachLatenessMs > LATE_BREACH_MS
        ? [{ id: e.id, dueAt: e.breachDueAt, lateMs: e.breachLatenessMs }]
        : [],
    )
    .sort((a, b) => a.dueAt - b.dueAt)
    .map((b) => ({ ...b, after: faults.filter((f) => f.at >= b.dueAt - FAULT_REACH_MS && f.at <= b.dueAt + b.lateMs).at(-1) }));
}

/** "3 over 5 s late: 2 after a worker SIGKILL, 1 after an intake SIGKILL", for the lateness row. */
function lateSummary(late: LateBreach[]): string {
  if (late.length === 0) return `none over ${LATE_BREACH_MS / 1000} s late`;
  const by = new Map<string, number>();
  for (const b of late) {
    const kind = b.after ? `after ${b.after.what.replace(/ \d+$/, '')} SIGKILL` : 'with no kill in the 30 s before';
    by.set(kind, (by.get(kind) ?? 0) + 1);
  }
  return `${late.length} over ${LATE_BREACH_MS / 1000} s late: ${[...by].map(([kind, n]) => `${n} ${kind}`).join(', ')}`;
}

/** What a request that did not reach its end shows: status, tier, and its latest timeline entries. */
async function describeStuck(view: StackView, id: string): Promise<string> {
  const status = await statusOf(view, id).catch((err: unknown) => ({ error: String(err) }));
  if ('error' in status) return `status query failed: ${status.error}`;
  const recent = status.timeline.slice(-4).map((e) => `${e.at.slice(11, 23)} ${e.action}`);
  return `tier ${status.tier}, ${status.status}, reopen until ${status.reopenUntil ?? '-'}; latest: ${recent.join(', ')}`;
}

/** Each effect written more than once at the emulators, with when each copy was written. */
function duplicateEffects(view: StackView, ids: string[]): string[] {
  const wanted = new Set(ids);
  const notes = new Map<string, string[]>();
  for (const issue of view.sandbox.gitlab.issues(TRACKER)) {
    for (const note of view.sandbox.gitlab.notes(TRACKER, issue.iid)) {
      const effect = markedEffectId(note.body);
      if (effect && wanted.has(effect.replace(/#\d+$/, ''))) notes.set(effect, [...(notes.get(effect) ?? []), note.created_at.slice(11, 23)]);
    }
  }
  const replies = new Map<string, string[]>();
  for (const message of view.sandbox.slack.messages) {
    const effect = (message.metadata?.event_payload as { effect_id?: string } | undefined)?.effect_id;
    if (message.channel === HELP_CHANNEL && message.metadata?.event_type === EFFECT_EVENT_TYPE && effect && wanted.has(effect.replace(/#\d+$/, ''))) {
      replies.set(effect, [...(replies.get(effect) ?? []), message.ts]);
    }
  }
  const many = (kind: string, map: Map<string, string[]>) =>
    [...map].filter(([, at]) => at.length > 1).map(([effect, at]) => `${kind} ${effect} at ${at.join(', ')}`);
  return [...many('GitLab note', notes), ...many('Slack reply', replies)];
}
