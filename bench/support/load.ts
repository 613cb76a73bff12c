/**
 * Load shapes: an open loop (arrivals on a fixed schedule, whatever the answers do, so slow answers
 * cannot hide by slowing the sender) and a closed loop (N senders back to back, for throughput).
 * Both are bounded in count and time.
 */

export interface Sample {
  index: number;
  ok: boolean;
  ms: number;
}

/**
 * Calls `send(i)` for i in [0, count) at `ratePerSecond`, on schedule; waits for all answers.
 * `send` reports whether the answer was a success.
 */
export async function openLoop(count: number, ratePerSecond: number, send: (i: number) => Promise<boolean>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      send(i).then(
        (ok) => void samples.push({ index: i, ok, ms: performance.now() - t0 }),
        () => void samples.push({ index: i, ok: false, ms: performance.now() - t0 }),
      ),
    );
  }
  await Promise.all(pending);
  return samples.sort((a, b) => a.index - b.index);
}

export interface ClosedLoopResult {
  completed: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
}

/** `concurrency` senders calling `send(i)` back to back for `durationMs` (or until `maxCount` calls). */
export async function closedLoop(concurrency: number, durationMs: number, maxCount: number, send: (i: number) => Promise<boolean>): Promise<ClosedLoopResult> {
  let next = 0;
  let completed = 0;
  let errors = 0;
  const latenciesMs: number[] = [];
  const start = performance.now();
  const stopAt = start + durationMs;
  const sender = async () => {
    while (performance.now() < stopAt && next < maxCount) {
      const i = next++;
      const t0 = performance.now();
      const ok = await send(i).catch(() => false);
      latenciesMs.push(performance.now() - t0);
      if (ok) completed += 1;
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const seconds = (performance.now() - start) / 1000;
  return { completed, errors, seconds, perSecond: completed / seconds, latenciesMs };
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Polls `probe` until it returns true, or until `timeoutMs`; returns whether it did. */
export async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
