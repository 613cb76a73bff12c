/**
 * Walks one accepted request through its lifecycle while the faults go on, as people would: once
 * its Slack thread is there an engineer acknowledges it (a P1 is left alone until its first-response
 * clock breaches, to measure how late the breach fired), then resolves it; it closes after the
 * short reopen window. Built from the fault harness's pieces (`bench/scenarios/driver.ts`,
 * `bench/support/requests.ts`); the thread index is kept incrementally, as the run posts thousands.
 */
import { addCoverage } from '../domain/calendar.js';
import type { TierflowConfig } from '../domain/config.js';
import { SlaBreachedKey } from '../contracts/search-attributes.js';
import { THREAD_EVENT_TYPE } from '../contracts/slack-ids.js';
import { executionStatus } from '../bench/scenarios/driver.js';
import { sleep } from '../bench/support/load.js';
import { act, statusOf, type StackView } from '../bench/support/requests.js';
import { HELP_CHANNEL } from '../bench/support/stack.js';

/** Request ids with a Slack thread in the help channel, read from the emulator's new messages only. */
export class ThreadIndex {
  private read = 0;
  private readonly ids = new Set<string>();

  constructor(private readonly view: StackView) {}

  has(id: string): boolean {
    const messages = this.view.sandbox.slack.messages;
    for (; this.read < messages.length; this.read += 1) {
      const message = messages[this.read]!;
      const payload = message.metadata?.event_payload as { request_id?: string } | undefined;
      if (message.channel === HELP_CHANNEL && message.metadata?.event_type === THREAD_EVENT_TYPE && payload?.request_id) this.ids.add(payload.request_id);
    }
    return this.ids.has(id);
  }
}

export interface LifecycleEnd {
  id: string;
  /** The execution status at the end: COMPLETED when the lifecycle ran to its end. */
  status: string;
  /** P1 only: ms between the breach's due instant (coverage time) and the breach on the timeline; null when it did not fire. */
  breachLatenessMs: number | null;
  /** P1 only: the breach's due instant (epoch ms), to line a late breach up with the faults; null when it did not fire. */
  breachDueAt: number | null;
  /** Where it stopped, if it did not complete. */
  stuckAt: string | null;
  /** Answers 409 "cannot take this now" while the workflow could take the action (see {@link NOT_NOW}). */
  notNow: number;
}

export interface LifecycleOptions {
  config: TierflowConfig;
  /** The Tier 2 P1 first-response target of `config`. */
  firstResponseMs: number;
  /** Wall-clock instant after which nothing is waited for. */
  until: number;
  threads: ThreadIndex;
}

/**
 * The intake's answer to an Update Temporal refused with FAILED_PRECONDITION (`temporal-gateway.ts`:
 * "request <id> cannot take this now"), as opposed to the workflow's own refusal of a transition
 * (409 with the validator's message). Temporal answers WorkflowNotReady (a FAILED_PRECONDITION) while
 * the request's workflow task is on its third attempt or later — after a worker was killed in the
 * middle of one, for instance — which passes once a worker completes the task.
 */
const NOT_NOW = /cannot take this now/;

/**
 * Sends an action until Temporal has it (200) or the workflow refuses it (409 from its validator),
 * retrying the rest once a second (503 while an intake or the server is down, and the 409 "cannot
 * take this now" above, counted); says what the last answer was, so a request that did not move can
 * be explained.
 */
async function actUntil(view: StackView, id: string, action: string, until: number): Promise<{ status: number; text: string; notNow: number }> {
  let tries = 0;
  let notNow = 0;
  for (;;) {
    const answer = await act(view, id, action, { actor: 'grace', note: `${action} by the cluster run` });
    tries += 1;
    const error = String(answer.body.error ?? '');
    const text = `${action} ${answer.status} after ${tries} ${tries === 1 ? 'try' : 'tries'}${answer.status === 200 ? '' : ` (${error.slice(0, 160)})`}`;
    const transient = answer.status === 409 && NOT_NOW.test(error);
    if (transient) notNow += 1;
    if ((answer.status === 200 || answer.status === 409) && !transient) return { status: answer.status, text, notNow };
    if (Date.now() > until) return { status: answer.status, text, notNow };
    await sleep(1_000);
  }
}

/**
 * Waits for the request's first SLA breach, then reads how late it fired off its timeline. The wait
 * polls `describe` (the `SlaBreached` search attribute, answered by the server alone), not the status
 * query, which every worker would have to answer (replaying the history when it is not cached).
 */
async function breachLateness(view: StackView, id: string, opts: LifecycleOptions, openedAt: number): Promise<{ lateMs: number; dueAt: number } | null> {
  await sleep(Math.max(0, openedAt + opts.firstResponseMs - Date.now()));
  for (;;) {
    const breached = await view.client.workflow
      .getHandle(id)
      .describe()
      .then((d) => d.typedSearchAttributes.get(SlaBreachedKey) === true)
      .catch(() => false);
    if (breached) break;
    if (Date.now() > opts.until) return null;
    await sleep(2_000);
  }
  while (Date.now() < opts.until) {
    const timeline = (await statusOf(view, id).catch(() => null))?.timeline ?? [];
    const opened = timeline.find((e) => e.action === 'opened');
    const breach = timeline.find((e) => e.action === 'sla_breached');
    if (opened && breach) {
      const dueAt = addCoverage(opts.config.calendar, Date.parse(opened.at), opts.firstResponseMs);
      return { lateMs: Date.parse(breach.at) - dueAt, dueAt };
    }
    await sleep(2_000);
  }
  return null;
}

/**
 * Drives `id` to its end (or `until`) and says how far it got.
 * @example const end = await runLifecycle(view, requestIdOf(key), true, { config, firstResponseMs, until, threads });
 */
export async function runLifecycle(view: StackView, id: string, watchBreach: boolean, opts: LifecycleOptions): Promise<LifecycleEnd> {
  const acceptedAt = Date.now();
  let notNow = 0;
  const end = (status: string, stuckAt: string | null, breach: { lateMs: number; dueAt: number } | null = null): LifecycleEnd => ({
    id,
    status,
    breachLatenessMs: breach?.lateMs ?? null,
    breachDueAt: breach?.dueAt ?? null,
    stuckAt,
    notNow,
  });
  while (!opts.threads.has(id)) {
    if (Date.now() > opts.until) return end(await executionStatus(view, id), 'no Slack thread');
    await sleep(500);
  }
  const lateness = watchBreach ? await breachLateness(view, id, opts, acceptedAt) : null;
  if (watchBreach && lateness === null) return end(await executionStatus(view, id), 'breach never fired');
  const answers: string[] = [];
  for (const action of ['acknowledge', 'resolve']) {
    const answer = await actUntil(view, id, action, opts.until);
    answers.push(answer.text);
    notNow += answer.notNow;
    if (answer.status !== 200 && answer.status !== 409) return end(await executionStatus(view, id), `${action} answered ${answer.text}`, lateness);
  }
  // Closes after the reopen window.
  await sleep(opts.config.policy.reopenWindowMs);
  for (;;) {
    const status = await executionStatus(view, id);
    if (status === 'COMPLETED') return end(status, null, lateness);
    if (Date.now() > opts.until) return end(status, `not closed (answers: ${answers.join('; ')})`, lateness);
    await sleep(1_000);
  }
}
