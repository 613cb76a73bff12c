/**
 * Fault (d): Temporal unreachable from the intake (connections reset, then silently dropped).
 * Every webhook must get a 503 with Retry-After and leave nothing behind; once Temporal is back,
 * the senders' retries must succeed, each request existing exactly once.
 */
import { mapLimit, waitFor } from '../support/load.js';
import { emulatorCounts, postWebhook, requestIdOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, targetRow, type Row } from '../support/stats.js';
import { executionStatus, submitWithRetries } from './driver.js';
import type { ScenarioOptions } from './kill-worker.js';

export async function temporalUnreachableScenario(stack: Stack, opts: ScenarioOptions): Promise<Row[]> {
  const proxy = stack.proxy;
  if (!proxy) throw new Error('the Temporal-unreachable scenario needs a stack started with intakeProxy');
  const run = Date.now().toString(36);
  const half = Math.max(1, Math.floor(opts.requests / 2));
  const specs = Array.from({ length: opts.requests }, (_, i) => ({ key: `unreach-${run}-${i}` }));
  const ids = specs.map((s) => requestIdOf(s.key));
  const firstAnswers: Array<{ status: number; retryAfter: string | null; ms: number }> = [];
  const send = async (from: number, to: number) =>
    mapLimit(specs.slice(from, to), 8, async (spec) => {
      const a = await postWebhook(stack.intakeUrl, spec);
      firstAnswers.push({ status: a.status, retryAfter: a.headers.get('retry-after'), ms: a.ms });
    });

  opts.log(`Temporal unreachable: connections reset for ${half} webhooks, then dropped silently for ${specs.length - half}`);
  proxy.setMode('refuse');
  await send(0, half);
  proxy.setMode('blackhole');
  await send(half, specs.length);
  const refused = firstAnswers.filter((a) => a.status === 503 && a.retryAfter !== null).length;
  const otherAnswers = firstAnswers.filter((a) => !(a.status === 503 && a.retryAfter !== null)).map((a) => a.status);
  proxy.setMode('pass');
  // Nothing half-accepted: Temporal must not know any of them (checked on the stack's own client).
  const halfAccepted = (await mapLimit(ids, 8, (id) => executionStatus(stack, id))).filter((s) => s !== 'missing').length;

  opts.log('Temporal unreachable: reachable again; senders retry after Retry-After');
  const restoredAt = Date.now();
  const retried = await mapLimit(specs, 8, (spec) => submitWithRetries(stack, spec, 12));
  const succeeded = retried.filter((r) => r.answer.status === 202);
  const firstTime = succeeded.filter((r) => r.answer.body.duplicate === false).length;
  const again = await mapLimit(specs, 8, (spec) => postWebhook(stack.intakeUrl, spec));
  const dedupedRedelivery = again.filter((a) => a.status === 202 && a.body.duplicate === true).length;
  await waitFor(() => ids.every((id) => emulatorCounts(stack).threads.has(id)), opts.deadlineMs, 500);
  const threads = emulatorCounts(stack).threads;
  const once = ids.filter((id) => threads.get(id) === 1).length;
  const workflows = (await mapLimit(ids, 8, (id) => executionStatus(stack, id))).filter((s) => s !== 'missing').length;
  return [
    targetRow(
      '(d) webhooks answered 503 + Retry-After while unreachable',
      `${refused}/${specs.length}`,
      `${specs.length}/${specs.length}`,
      refused === specs.length,
      `${otherAnswers.length ? `other answers: ${otherAnswers.join(', ')}; ` : ''}slowest answer ${fmt(Math.max(...firstAnswers.map((a) => a.ms)))} ms (gateway deadline)`,
    ),
    targetRow('(d) half-accepted (known to Temporal after a 503)', `${halfAccepted}`, '0', halfAccepted === 0),
    targetRow(
      "(d) senders' retries succeeded, exactly once",
      `${succeeded.length}/${specs.length} (${firstTime} as new)`,
      `${specs.length}/${specs.length}, 1 workflow + 1 thread each`,
      succeeded.length === specs.length && workflows === specs.length && once === specs.length,
      `${fmt((Date.now() - restoredAt) / 1000)} s after reconnection, up to ${Math.max(...retried.map((r) => r.tries))} tries; ${workflows} workflows, ${once} with exactly one thread; a later redelivery answered duplicate ${dedupedRedelivery}/${specs.length}`,
    ),
  ];
}
