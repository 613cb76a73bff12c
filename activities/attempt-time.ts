/**
 * How long the running activity attempt has left, and a guard that keeps a Slack or GitLab call from
 * outliving it.
 *
 * Why: Temporal times an attempt out at its start-to-close deadline and schedules the next one, but
 * nothing stops the first: the worker is not told (no heartbeat) and the SDK does not cancel it
 * locally (checked on the dev server: attempt 1 of a 2 s activity ran on for 5 s while attempt 2
 * ran and completed). An attempt still writing after its deadline races the retry, which looks for
 * the write, does not find it yet, and writes again: a duplicate note or reply. So no call starts
 * unless it can end, at its own HTTP timeout, {@link DEADLINE_MARGIN_MS} before the attempt's
 * deadline; a call that cannot is refused with a retryable {@link ATTEMPT_OUT_OF_TIME} failure
 * before anything is sent, and the next attempt looks first.
 *
 * The attempt's start is when its activity began on this worker ({@link attemptClock}, an activity
 * interceptor, records it): the worker takes a task only when it has a free slot, so that is within
 * milliseconds of the start Temporal counts from. Outside an activity, or in one the interceptor did
 * not see, there is no deadline and nothing is refused.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

import { ATTEMPT_OUT_OF_TIME } from '../contracts/failures.js';

/** Room kept between a call's latest possible end and the attempt's deadline (clock steps, the server's own timer). */
export const DEADLINE_MARGIN_MS = 2_000;

const startedAt = new WeakMap<Context, number>();

/** The worker interceptor that records when each activity attempt began (pass it in `interceptors.activity`). */
export const attemptClock: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      startedAt.set(ctx, Date.now());
      return next(input);
    },
  },
});

/** Records an attempt's start by hand: for tests that run an activity without a worker's interceptors. */
export function markAttemptStarted(ctx: Context, at: number): void {
  startedAt.set(ctx, at);
}

function currentContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

/**
 * Milliseconds before Temporal times the running attempt out (start-to-close), or null when there is
 * no attempt to bound (outside an activity, or an attempt the interceptor did not record).
 * @example attemptTimeLeft() // 28_800, 1.2 s into a 30 s attempt; null in a script
 */
export function attemptTimeLeft(now: number = Date.now()): number | null {
  const ctx = currentContext();
  const began = ctx ? startedAt.get(ctx) : undefined;
  if (!ctx || began === undefined) return null;
  const timeoutMs = ctx.info.startToCloseTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return null;
  return began + timeoutMs - now;
}

/**
 * Throws before a call that, taking its whole `callTimeoutMs`, could still run when the attempt is
 * timed out. The failure is retryable and says what was refused and why.
 * @param what the call, for the message: "GitLab POST /projects/1/issues/7/notes".
 * @example ensureCallFits('Slack chat.postMessage', 10_000)
 */
export function ensureCallFits(what: string, callTimeoutMs: number, now: number = Date.now()): void {
  const left = attemptTimeLeft(now);
  if (left === null || left >= callTimeoutMs + DEADLINE_MARGIN_MS) return;
  const info = Context.current().info;
  throw ApplicationFailure.retryable(
    `${what} not sent: attempt ${info.attempt} of ${info.activityType} has ${Math.max(0, left / 1000).toFixed(1)} s left of its ` +
      `${(info.startToCloseTimeoutMs / 1000).toFixed(0)} s, and the call may take ${(callTimeoutMs / 1000).toFixed(0)} s; ` +
      'a call still running when the attempt times out would race the retry, so the next attempt looks for what this one wrote and goes on',
    ATTEMPT_OUT_OF_TIME,
  );
}
