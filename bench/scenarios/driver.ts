/**
 * Drives requests through a lifecycle the way people do, patiently: a sender retries a refused
 * webhook after its Retry-After; an engineer acknowledges once the thread is in Slack, then
 * resolves; the request closes after its (short) reopen window. Bounded by a deadline; what did
 * not finish is reported, never waited for forever.
 */
import { WorkflowNotFoundError } from '@temporalio/client';

import { mapLimit, sleep } from '../support/load.js';
import { act, emulatorCounts, postWebhook, type Answer, type RequestSpec, type StackView } from '../support/requests.js';

/** Posts until a 202 (at most `attempts` times), waiting the answer's Retry-After (capped) between tries. */
export async function submitWithRetries(stack: StackView, spec: RequestSpec, attempts = 10, capMs = 5_000): Promise<{ answer: Answer; tries: number }> {
  let answer = await postWebhook(stack.intakeUrl, spec);
  let tries = 1;
  while (answer.status !== 202 && tries < attempts) {
    const retryAfter = Number(answer.headers.get('retry-after') ?? '1');
    await sleep(Math.min(capMs, Math.max(250, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000)));
    answer = await postWebhook(stack.intakeUrl, spec);
    tries += 1;
  }
  return { answer, tries };
}

/** The workflow's execution status, or `missing` when Temporal has no such workflow. */
export async function executionStatus(stack: StackView, id: string): Promise<string> {
  try {
    return (await stack.client.workflow.getHandle(id).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'missing';
    return 'unreachable';
  }
}

/** Runs an action until Temporal has it (200) or the state already shows it (409), retrying the rest. */
async function actUntilDone(stack: StackView, id: string, action: string, until: number): Promise<number> {
  let last = 0;
  while (Date.now() < until) {
    const answer = await act(stack, id, action, { actor: 'grace', note: `${action} by the fault harness` });
    last = answer.status;
    if (answer.status === 200 || answer.status === 409) return answer.status;
    await sleep(1_000);
  }
  return last;
}

export interface DriveResult {
  closed: string[];
  notClosed: string[];
  /** Accepted requests Temporal does not know. */
  missing: string[];
  seconds: number;
}

/** Acknowledges and resolves every request once its thread is posted, then waits until each has closed. */
export async function driveToClosed(stack: StackView, ids: string[], deadlineMs: number): Promise<DriveResult> {
  const started = Date.now();
  const until = started + deadlineMs;
  let threads = emulatorCounts(stack).threads;
  let refreshedAt = Date.now();
  const threadOf = (id: string) => {
    if (Date.now() - refreshedAt > 500) {
      threads = emulatorCounts(stack).threads;
      refreshedAt = Date.now();
    }
    return threads.has(id);
  };
  await mapLimit(ids, 16, async (id) => {
    while (!threadOf(id) && Date.now() < until) await sleep(500);
    await actUntilDone(stack, id, 'acknowledge', until);
    await actUntilDone(stack, id, 'resolve', until);
  });
  const closed: string[] = [];
  const notClosed: string[] = [];
  const missing: string[] = [];
  await mapLimit(ids, 16, async (id) => {
    for (;;) {
      const status = await executionStatus(stack, id);
      if (status === 'COMPLETED') return void closed.push(id);
      if (Date.now() > until) return void (status === 'missing' ? missing : notClosed).push(id);
      await sleep(1_000);
    }
  });
  return { closed, notClosed, missing, seconds: (Date.now() - started) / 1000 };
}
