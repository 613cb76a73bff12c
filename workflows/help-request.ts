/**
 * `helpRequestWorkflow`: one durable workflow per help request, walking the tiers. This file is
 * the lifecycle: route the request, serve it while it is active (actions, SLA warnings, breaches
 * and reminders), keep it reopenable for the reopen window, then close. Every decision is the pure
 * state machine's (`domain/request*.ts`), held by `LiveRequest`; `EffectRunner` carries out its
 * effects through activities; `registerHandlers` wires the messages.
 */
import { allHandlersFinished, condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { PLAN_ACTIVITY } from '../contracts/failures.js';
import { statusQuery, type CarriedRequest, type HelpRequestInput } from '../contracts/help-request.js';
import { formatInstant } from '../domain/calendar.js';
import type { RequestStatusView } from '../domain/status-view.js';
import { registerHandlers } from './action-handlers.js';
import { EffectRunner } from './effect-runner.js';
import { LiveRequest, routingView } from './live-request.js';

const { planRequest } = proxyLocalActivities<Activities>(PLAN_ACTIVITY);

/** Continue as new after this many history events, unless the input says otherwise (tests lower it). */
const DEFAULT_HISTORY_LIMIT = 2_000;

export async function helpRequestWorkflow(input: HelpRequestInput, carried?: CarriedRequest): Promise<RequestStatusView> {
  // Until the request is routed (one local activity, recorded), the status says so rather than failing.
  setHandler(statusQuery, () => routingView(input));
  const request = carried ? LiveRequest.resume(input, carried) : LiveRequest.open(input, await planRequest(input));
  registerHandlers(request);
  const effects = new EffectRunner(request);
  effects.start();

  // History stays bounded: a long-running request (many comments) continues as new, carrying all.
  const continueIfLong = async () => {
    const info = workflowInfo();
    if (info.historyLength < (input.historyLimit ?? DEFAULT_HISTORY_LIMIT) && !info.continueAsNewSuggested) return;
    await condition(allHandlersFinished);
    const pending = await effects.beforeContinueAsNew();
    await continueAsNew<typeof helpRequestWorkflow>(input, { ...request.carried(), ...(pending.length > 0 ? { pending } : {}) });
  };

  // Active: carry out what was decided, then wait for an action or the next warning, breach or reminder.
  const serve = async () => {
    for (;;) {
      await effects.settle();
      if (!request.active) return;
      await continueIfLong();
      const seen = request.version;
      // In lanes the effects run beside the lifecycle: only a decision wakes it.
      const changed = effects.lanes ? () => request.version !== seen : () => request.version !== seen || request.pending.length > 0;
      const wake = request.nextWakeUp();
      if (wake === null) {
        await condition(changed);
        continue;
      }
      const waitMs = wake.at - Date.now();
      const summary = `${wake.summary} at ${formatInstant(request.plan.calendar, wake.at)}`;
      const woken = waitMs > 0 && (await condition(changed, waitMs, { summary }));
      if (!woken) request.timersDue();
    }
  };

  for (;;) {
    await serve();
    const { status, resolvedAt } = request.state;
    if (status !== 'resolved' || resolvedAt === null) break;
    // Resolved: the request stays open for the reopen window so "it's broken again" lands here.
    const left = resolvedAt + request.plan.policy.reopenWindowMs - Date.now();
    const reopened = left > 0 && (await condition(() => request.state.status !== 'resolved', left, { summary: 'reopen window closes' }));
    if (!reopened) break;
  }
  await condition(allHandlersFinished);
  request.close();
  await effects.finish();
  return request.view();
}
