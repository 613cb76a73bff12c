/**
 * `helpRequestWorkflow`: one durable workflow per help request. This file wires messages, timers
 * and activities; every decision is taken by the pure state machine in `domain/request*.ts`.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { formatInstant } from '../domain/calendar.js';
import { ACTIONS, applyAction, refusal, type ActionArgs, type ActionContext } from '../domain/request-actions.js';
import { nextWakeUp, onTimersDue } from '../domain/request-timers.js';
import { openRequest, isActive, record, upgradeState, type Decision, type Effect, type RequestState } from '../domain/request.js';
import { describeState, toStatusView, type RequestStatusView } from '../domain/status-view.js';
import {
  ACTION_SIGNALS,
  ACTION_UPDATES,
  statusQuery,
  type CarriedRequest,
  type HelpRequestInput,
  type RequestPlan,
} from '../contracts/help-request.js';
import { INTEGRATION_ACTIVITY, INTEGRATION_CONFIG_ERROR, INVALID_TRANSITION, PLAN_ACTIVITY } from '../contracts/failures.js';
import { searchAttributesOf } from '../contracts/search-attributes.js';
import { recordSlaMetrics } from './sla-metrics.js';

const { planRequest } = proxyLocalActivities<Activities>(PLAN_ACTIVITY);
const INTEGRATION = INTEGRATION_ACTIVITY;
const integrations = proxyActivities<Activities>(INTEGRATION);

/** Patch id of the live status message (see `refreshStatusMessage`). */
export const STATUS_MESSAGE_PATCH = 'status-message-v1';

/** What the status message shows, minus the ticking "time left": it is refreshed when this changes. */
function statusFingerprint(v: RequestStatusView): string {
  return JSON.stringify([v.tier, v.status, v.priority, v.system, v.assignee, v.slaBreached, v.links, v.clocks.map((c) => [c.kind, c.state, c.dueAt])]);
}

/** The status of a request whose routing has not been decided yet (the first instants of its life). */
function routingView(input: HelpRequestInput): RequestStatusView {
  return {
    id: input.id,
    tier: 2,
    status: 'open',
    priority: input.priority ?? 'P3',
    system: input.system ?? null,
    type: input.type ?? 'question',
    summary: input.summary,
    requester: input.requester.email,
    assignee: null,
    slaBreached: false,
    details: 'Routing the request',
    clocks: [],
    links: { slackThread: null, gitlabIssue: input.gitlabIssue?.url ?? null },
    timeline: [],
    timelineCounts: {},
    timelineOmitted: 0,
  };
}

const DEFAULT_HISTORY_LIMIT = 2_000;

export async function helpRequestWorkflow(input: HelpRequestInput, carried?: CarriedRequest): Promise<RequestStatusView> {
  // Until the request is routed (one local activity), the status says so rather than failing.
  setHandler(statusQuery, () => routingView(input));
  const plan: RequestPlan = carried?.plan ?? (await planRequest(input));
  const ctx = (): ActionContext => ({ now: Date.now(), calendar: plan.calendar, policy: plan.policy, contacts: plan.contacts, systems: plan.systems });
  const pending: Effect[] = [];
  let state: RequestState;
  if (carried) {
    state = upgradeState(carried.state);
  } else {
    // Clocks start when the request was accepted (the workflow's start), not when a busy worker
    // first got to it.
    const acceptedAt = Math.min(Date.now(), workflowInfo().startTime.getTime());
    const opened = openRequest(
      { ...input, description: input.description, type: plan.type, system: plan.system, startTier: plan.startTier, mentions: plan.mentions },
      { ...ctx(), now: acceptedAt },
    );
    state = opened.state;
    pending.push(...opened.effects);
  }
  // Every decision bumps `version`, so the main loop wakes for any change, effects or not.
  let version = 0;
  const apply = (decision: Decision) => {
    recordSlaMetrics(state, decision.state, plan.calendar);
    state = decision.state;
    pending.push(...decision.effects);
    version += 1;
  };
  const view = () => toStatusView(state, plan.calendar, Date.now());

  // Messages: an Update per action, validated so a refused action leaves no trace in history;
  // a Signal of the same name for fire-and-forget senders, where a refusal is only logged.
  setHandler(statusQuery, view);
  for (const action of ACTIONS) {
    const refused = (args: ActionArgs) => refusal(state, action, args, ctx());
    setHandler(
      ACTION_UPDATES[action],
      (args: ActionArgs) => {
        apply(applyAction(state, action, args, ctx()));
        return view();
      },
      {
        validator: (args) => {
          const why = refused(args);
          if (why) throw ApplicationFailure.nonRetryable(why, INVALID_TRANSITION);
        },
      },
    );
    setHandler(ACTION_SIGNALS[action], (args) => {
      const why = refused(args);
      if (why) log.warn('signal refused', { action, why });
      else apply(applyAction(state, action, args, ctx()));
    });
  }

  let published = '';
  const publish = () => {
    const attributes = searchAttributesOf(state, plan.calendar);
    const key = JSON.stringify(attributes.map((a) => a.value));
    if (key !== published) {
      published = key;
      upsertSearchAttributes(attributes);
    }
    setCurrentDetails(describeState(state, plan.calendar));
  };

  // Announcements (thread replies, tracker notes) of one decision run side by side; the thread
  // and the tracker issue are created alone, first, since later effects need their links.
  // An action accepted while an activity runs queues more effects: drain until nothing is left.
  const runEffects = async () => {
    do {
      while (pending.length > 0) {
        const first = pending.shift()!;
        const batch = [first];
        if (first.kind === 'thread_reply' || first.kind === 'sync_tracker') {
          while (pending[0] && (pending[0].kind === 'thread_reply' || pending[0].kind === 'sync_tracker')) batch.push(pending.shift()!);
        }
        await Promise.all(batch.map(carryOutOrReport));
      }
      publish();
      await refreshStatusMessage();
    } while (pending.length > 0);
  };

  // A configuration problem (bad token, missing channel or project, missing scope) cannot be fixed by
  // retrying: the request keeps running and says what is wrong in its timeline, the worker log and
  // the Temporal UI, instead of failing.
  const carryOutOrReport = async (effect: Effect) => {
    try {
      await carryOut(effect);
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (!(cause instanceof ApplicationFailure) || cause.type !== INTEGRATION_CONFIG_ERROR) throw err;
      log.error('integration misconfigured', { requestId: state.id, effect: effect.kind, error: cause.message });
      state = record(state, { at: Date.now(), actor: 'tierflow', action: 'integration_error', note: `${effect.kind.replace(/_/g, ' ')} failed: ${cause.message}` });
    }
  };

  // The Block Kit status message in the thread is updated in place whenever what it shows changes.
  // Added after requests were already running: patched, so their recorded histories still replay.
  let shownStatus = '';
  const refreshStatusMessage = async () => {
    const { slackChannel, statusTs } = state.links;
    if (!slackChannel || !statusTs || !patched(STATUS_MESSAGE_PATCH)) return;
    const current = view();
    const fingerprint = statusFingerprint(current);
    if (fingerprint === shownStatus) return;
    await integrations.updateStatusMessage.executeWithOptions({ ...INTEGRATION, summary: `Slack: status message — ${current.details}`.slice(0, 200) }, [
      { channel: slackChannel, statusTs, state: snapshot(), view: current, guides: plan.guides, shadowItOwner: plan.shadowItOwner },
    ]);
    shownStatus = fingerprint;
  };
  // Activities get the state without its history of events (only the latest), so payloads in
  // the workflow history stay small however long the timeline grows.
  const snapshot = (): RequestState => ({ ...state, timeline: state.timeline.slice(-1) });
  const carryOut = async (effect: Effect) => {
    const { links } = state;
    switch (effect.kind) {
      case 'post_thread': {
        const posted = view();
        const thread = await integrations.postRequestThread.executeWithOptions({ ...INTEGRATION, summary: 'Slack: post the request thread' }, [
          { state: snapshot(), guides: plan.guides, shadowItOwner: plan.shadowItOwner, mentions: effect.mentions, view: posted },
        ]);
        state = { ...state, links: { ...state.links, slackChannel: thread.channel, slackTs: thread.ts, statusTs: thread.statusTs, slackThread: thread.permalink } };
        shownStatus = statusFingerprint(posted);
        return;
      }
      case 'open_tracker_issue': {
        const issue = await integrations.createTrackerIssue.executeWithOptions({ ...INTEGRATION, summary: `GitLab: open the Tier ${state.tier} issue` }, [
          { state: snapshot(), reason: effect.reason, slackThread: links.slackThread },
        ]);
        state = { ...state, links: { ...state.links, gitlabIssueIid: issue.iid, gitlabProjectId: issue.projectId ?? null, gitlabIssue: issue.webUrl } };
        return;
      }
      case 'thread_reply':
        if (links.slackChannel && links.slackTs) {
          await integrations.postThreadReply.executeWithOptions({ ...INTEGRATION, summary: `Slack: ${effect.event.replace(/_/g, ' ')}` }, [
            { channel: links.slackChannel, threadTs: links.slackTs, effectId: effect.id, state: snapshot(), event: effect.event, note: effect.note, mentions: effect.mentions },
          ]);
        }
        return;
      case 'sync_tracker':
        if (links.gitlabIssueIid !== null) {
          await integrations.syncTrackerIssue.executeWithOptions({ ...INTEGRATION, summary: `GitLab: ${effect.event.replace(/_/g, ' ')}` }, [
            { iid: links.gitlabIssueIid, effectId: effect.id, state: snapshot(), event: effect.event, note: effect.note },
          ]);
        }
        return;
    }
  };

  // History stays bounded: a long-running request (many comments) continues as new, carrying all.
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const continueIfLong = async () => {
    const info = workflowInfo();
    if (info.historyLength < historyLimit && !info.continueAsNewSuggested) return;
    await condition(allHandlersFinished);
    await runEffects();
    await continueAsNew<typeof helpRequestWorkflow>(input, { state, plan });
  };

  // Active: wait for an action or the next warning, breach or reminder.
  const serve = async () => {
    for (;;) {
      await runEffects();
      if (!isActive(state)) return;
      await continueIfLong();
      const seen = version;
      const changed = () => version !== seen || pending.length > 0;
      const wake = nextWakeUp(state, plan.calendar);
      if (wake === null) {
        await condition(changed);
        continue;
      }
      const waitMs = wake.at - Date.now();
      const woken = waitMs > 0 && (await condition(changed, waitMs, { summary: `${wake.summary} at ${formatInstant(plan.calendar, wake.at)}` }));
      if (!woken) apply(onTimersDue(state, ctx()));
    }
  };

  for (;;) {
    await serve();
    if (state.status !== 'resolved' || state.resolvedAt === null) break;
    // Resolved: the request stays open for the reopen window so "it's broken again" lands here.
    const closesAt = state.resolvedAt + plan.policy.reopenWindowMs;
    const left = closesAt - Date.now();
    const reopened = left > 0 && (await condition(() => state.status !== 'resolved', left, { summary: 'reopen window closes' }));
    if (!reopened) break;
  }
  await condition(allHandlersFinished);
  if (state.status === 'resolved') state = { ...state, status: 'closed' };
  await runEffects();
  return view();
}
