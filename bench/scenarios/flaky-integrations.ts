/**
 * Fault (c): the Slack and GitLab emulators fail for a while — 429 with Retry-After, 500s,
 * answers slower than the client's timeout, dropped connections, and "ambiguous" failures where
 * the call took effect but its answer was lost. Every request must still complete, with nothing
 * posted or opened twice.
 */
import type { Failure } from '../../sandbox/index.js';
import { openLoop } from '../support/load.js';
import { duplicatesAmong, emulatorCounts, postWebhook, requestIdOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, targetRow, type Row } from '../support/stats.js';
import { driveToClosed } from './driver.js';
import { mixedSpecs, type ScenarioOptions } from './kill-worker.js';

interface Rule {
  service: 'slack' | 'gitlab';
  match: string;
  failure: Failure;
  times: number;
}

/** The failures armed, scaled by `factor` (1 = the full harness). */
export function failurePlan(factor: number): Rule[] {
  const n = (times: number) => Math.max(1, Math.round(times * factor));
  return [
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'rate_limit', retryAfterSeconds: 1 }, times: n(6) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'server_error' }, times: n(6) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'ambiguous', answer: 'bad_gateway' }, times: n(6) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'ambiguous', answer: 'drop' }, times: n(4) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'drop' }, times: n(4) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'slow', delayMs: 2_000 }, times: n(4) },
    { service: 'slack', match: 'chat.postMessage', failure: { kind: 'slow', delayMs: 12_000 }, times: n(2) },
    { service: 'slack', match: 'conversations.', failure: { kind: 'server_error', status: 503 }, times: n(4) },
    { service: 'slack', match: 'conversations.', failure: { kind: 'rate_limit', retryAfterSeconds: 2 }, times: n(3) },
    { service: 'slack', match: 'chat.update', failure: { kind: 'ambiguous', answer: 'bad_gateway' }, times: n(3) },
    { service: 'slack', match: 'chat.update', failure: { kind: 'server_error' }, times: n(3) },
    { service: 'gitlab', match: 'POST /api/v4/', failure: { kind: 'ambiguous', answer: 'bad_gateway' }, times: n(5) },
    { service: 'gitlab', match: 'POST /api/v4/', failure: { kind: 'ambiguous', answer: 'drop' }, times: n(3) },
    { service: 'gitlab', match: 'POST /api/v4/', failure: { kind: 'rate_limit', retryAfterSeconds: 1 }, times: n(4) },
    { service: 'gitlab', match: 'POST /api/v4/', failure: { kind: 'server_error', status: 502 }, times: n(4) },
    { service: 'gitlab', match: 'POST /api/v4/', failure: { kind: 'slow', delayMs: 12_000 }, times: n(1) },
    { service: 'gitlab', match: 'GET /api/v4/', failure: { kind: 'server_error' }, times: n(3) },
    { service: 'gitlab', match: 'GET /api/v4/', failure: { kind: 'drop' }, times: n(2) },
    { service: 'gitlab', match: 'PUT /api/v4/', failure: { kind: 'ambiguous', answer: 'bad_gateway' }, times: n(2) },
  ];
}

export async function flakyIntegrationsScenario(stack: Stack, opts: ScenarioOptions & { failureFactor: number }): Promise<Row[]> {
  const specs = mixedSpecs(`flaky-${Date.now().toString(36)}`, opts.requests);
  const ids = specs.map((s) => requestIdOf(s.key));
  const plan = failurePlan(opts.failureFactor);
  const before = { slack: stack.sandbox.slack.calls.length, gitlab: stack.sandbox.gitlab.calls.length };
  for (const rule of plan) stack.sandbox[rule.service].failNext(rule.match, rule.failure, rule.times);
  const armed = plan.reduce((n, r) => n + r.times, 0);
  opts.log(`flaky integrations: ${armed} failures armed on the emulators, ${specs.length} requests`);
  const answers = await openLoop(specs.length, 20, async (i) => (await postWebhook(stack.intakeUrl, specs[i]!)).status === 202);
  const drive = await driveToClosed(stack, ids, opts.deadlineMs);
  const applied = new Map<string, number>();
  for (const call of [...stack.sandbox.slack.calls.slice(before.slack), ...stack.sandbox.gitlab.calls.slice(before.gitlab)]) {
    if (call.failure) applied.set(call.failure, (applied.get(call.failure) ?? 0) + 1);
  }
  const injected = [...applied.values()].reduce((a, b) => a + b, 0);
  const counts = emulatorCounts(stack);
  const dup = duplicatesAmong(counts, ids);
  const changeIds = specs.filter((s) => s.type === 'change').map((s) => requestIdOf(s.key));
  const missingEffects = ids.filter((id) => !counts.threads.has(id)).length + changeIds.filter((id) => !counts.issues.has(id)).length;
  const lost = drive.notClosed.length + drive.missing.length;
  return [
    infoRow(
      '(c) failures injected at the emulators',
      `${injected} of ${armed} armed${injected < armed ? ' (the rest met no matching call)' : ''}`,
      [...applied].map(([k, v]) => `${k} ${v}`).join(', '),
    ),
    targetRow(
      '(c) requests completed despite them',
      `${drive.closed.length}/${ids.length}`,
      `${ids.length}/${ids.length}`,
      lost === 0 && answers.every((a) => a.ok),
      `in ${fmt(drive.seconds)} s; ${missingEffects} missing threads/issues`,
    ),
    targetRow(
      '(c) duplicates (threads / issues / replies / notes)',
      `${dup.threads} / ${dup.issues} / ${dup.replies} / ${dup.notes}`,
      '0 / 0 / 0 / 0',
      dup.threads + dup.issues + dup.replies + dup.notes === 0 && missingEffects === 0,
    ),
  ];
}
