/**
 * The worker path of a request: webhook → first Slack post (at the emulator, same clock as the
 * sender), and the history a typical lifecycle (open → acknowledge → resolve → closed) leaves.
 */
import { mapLimit, openLoop, waitFor } from '../support/load.js';
import { act, emulatorCounts, postWebhook, requestIdOf } from '../support/requests.js';
import type { Stack } from '../support/stack.js';
import { fmt, infoRow, percentile, targetRow, type Row } from '../support/stats.js';

export interface FirstPostOptions {
  ratePerSecond: number;
  seconds: number;
  log: (line: string) => void;
}

/** Webhook → first Slack post p50/p99 at a modest offered load. */
export async function measureFirstPost(stack: Stack, opts: FirstPostOptions): Promise<Row[]> {
  const run = Date.now().toString(36);
  const count = Math.max(10, Math.round(opts.ratePerSecond * opts.seconds));
  const sentAt = new Map<string, number>();
  opts.log(`first post: ${count} webhooks at ${opts.ratePerSecond}/s`);
  const samples = await openLoop(count, opts.ratePerSecond, async (i) => {
    const key = `fp-${run}-${i}`;
    sentAt.set(requestIdOf(key), Date.now());
    return (await postWebhook(stack.intakeUrl, { key })).status === 202;
  });
  const ids = [...sentAt.keys()];
  const posted = () => {
    const { firstPostAt } = emulatorCounts(stack);
    return ids.filter((id) => firstPostAt.has(id)).length;
  };
  await waitFor(() => posted() === ids.length, 120_000, 500);
  const { firstPostAt } = emulatorCounts(stack);
  const delays = ids.filter((id) => firstPostAt.has(id)).map((id) => firstPostAt.get(id)! - sentAt.get(id)!);
  const p50 = percentile(delays, 50);
  const missing = ids.length - delays.length;
  return [
    targetRow(
      'webhook → first Slack post p50',
      `${fmt(p50)} ms`,
      '≤ 250 ms',
      p50 <= 250 && missing === 0,
      `${opts.ratePerSecond}/s offered, n=${delays.length}${missing ? `, ${missing} not posted within 120 s` : ''}, ${samples.filter((s) => !s.ok).length} intake errors`,
    ),
    infoRow('webhook → first Slack post p99', `${fmt(percentile(delays, 99))} ms`),
  ];
}

export interface LifecycleOptions {
  requests: number;
  log: (line: string) => void;
}

/** History events of open → acknowledge → resolve → closed (after the short reopen window). */
export async function measureLifecycle(stack: Stack, opts: LifecycleOptions): Promise<Row[]> {
  const run = Date.now().toString(36);
  const ids = Array.from({ length: opts.requests }, (_, i) => requestIdOf(`lc-${run}-${i}`));
  opts.log(`lifecycle: ${ids.length} requests open → acknowledge → resolve → closed`);
  await mapLimit(ids, 8, (id) => postWebhook(stack.intakeUrl, { key: id.replace(/^req-json-/, '') }));
  await waitFor(() => ids.every((id) => emulatorCounts(stack).threads.has(id)), 60_000, 250);
  const acted = await mapLimit(ids, 8, async (id) => {
    const ack = await act(stack, id, 'acknowledge');
    const resolved = await act(stack, id, 'resolve', { actor: 'grace', note: 'fixed' });
    return ack.status === 200 && resolved.status === 200;
  });
  const closed = async (id: string) => (await stack.client.workflow.getHandle(id).describe()).status.name === 'COMPLETED';
  await waitFor(async () => (await Promise.all(ids.map(closed))).every(Boolean), 90_000, 1_000);
  const histories = await mapLimit(ids, 8, async (id) => {
    const handle = stack.client.workflow.getHandle(id);
    const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    return { events: history.events?.length ?? 0, done: description.status.name === 'COMPLETED' };
  });
  const done = histories.filter((h) => h.done).map((h) => h.events);
  return [
    infoRow(
      'history events per request (open → ack → resolve → closed)',
      done.length ? `${fmt(percentile(done, 50), 0)} (min ${Math.min(...done)}, max ${Math.max(...done)})` : 'n/a',
      `${done.length}/${ids.length} lifecycles completed, ${acted.filter(Boolean).length} acted on; P3, no SLA event`,
    ),
  ];
}
