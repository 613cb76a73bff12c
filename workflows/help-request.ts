/**
 * `helpRequestWorkflow`: one durable workflow per help request. This file only wires messages,
 * timers and activities; every decision is taken by the pure state machine in `domain/request.ts`.
 */
import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';

import type { Activities } from '../activities/index.js';
import {
  applyAction,
  nextDeadline,
  onClocksDue,
  openRequest,
  refusal,
  type ActionArgs,
  type DecisionContext,
  type Effect,
  type EngineerAction,
  type RequestState,
} from '../domain/request.js';
import { toStatusView, type RequestStatusView } from '../domain/status-view.js';
import {
  acknowledgeSignal,
  acknowledgeUpdate,
  resolveSignal,
  resolveUpdate,
  statusQuery,
  type HelpRequestInput,
  type RequestPlan,
} from './contracts.js';
import {
  PriorityKey,
  RequestTypeKey,
  SlaBreachedKey,
  SlaDueAtKey,
  StatusKey,
  SystemKey,
  TierKey,
} from './search-attributes.js';

const { planRequest } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

// Slack and GitLab calls retry until they succeed, except for errors no retry can fix.
const { postRequestThread, postThreadReply, createTrackerIssue } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['IntegrationConfigError'],
  },
});

/** The error type a validator throws for a transition the state does not allow. */
export const INVALID_TRANSITION = 'InvalidTransition';

export async function helpRequestWorkflow(input: HelpRequestInput): Promise<RequestStatusView> {
  const plan: RequestPlan = await planRequest(input);
  const ctx = (): DecisionContext => ({ now: Date.now(), calendar: plan.calendar, policy: plan.policy });

  const opened = openRequest(
    {
      id: input.id,
      requester: input.requester,
      summary: input.summary,
      description: input.description,
      type: plan.type,
      priority: input.priority,
      system: plan.system,
      startTier: plan.startTier,
    },
    ctx(),
  );
  let state: RequestState = opened.state;
  const pending: Effect[] = [...opened.effects];
  const view = () => toStatusView(state, plan.calendar, Date.now());

  const act = (action: EngineerAction, args: ActionArgs): RequestStatusView => {
    const decision = applyAction(state, action, args, ctx());
    state = decision.state;
    pending.push(...decision.effects);
    return view();
  };
  const validate = (action: EngineerAction) => (args: ActionArgs) => {
    const why = refusal(state, action, args);
    if (why) throw ApplicationFailure.nonRetryable(why, INVALID_TRANSITION);
  };
  // Signals carry the same meaning for fire-and-forget senders; a refused one is logged, not thrown.
  const actQuietly = (action: EngineerAction) => (args: ActionArgs) => {
    const why = refusal(state, action, args);
    if (why) log.warn('signal refused', { action, why });
    else act(action, args);
  };

  setHandler(statusQuery, view);
  setHandler(acknowledgeUpdate, (args) => act('acknowledge', args), { validator: validate('acknowledge') });
  setHandler(resolveUpdate, (args) => act('resolve', args), { validator: validate('resolve') });
  setHandler(acknowledgeSignal, actQuietly('acknowledge'));
  setHandler(resolveSignal, actQuietly('resolve'));

  const runEffects = async () => {
    while (pending.length > 0) {
      const effect = pending.shift()!;
      switch (effect.kind) {
        case 'post_thread': {
          const thread = await postRequestThread({ state, guides: plan.guides, shadowItOwner: plan.shadowItOwner });
          state = { ...state, links: { ...state.links, slackChannel: thread.channel, slackTs: thread.ts, slackThread: thread.permalink } };
          break;
        }
        case 'open_tracker_issue': {
          const issue = await createTrackerIssue({ state, reason: effect.reason, slackThread: state.links.slackThread });
          state = { ...state, links: { ...state.links, gitlabIssueIid: issue.iid, gitlabIssue: issue.webUrl } };
          break;
        }
        case 'thread_reply':
          if (state.links.slackChannel && state.links.slackTs) {
            await postThreadReply({ channel: state.links.slackChannel, threadTs: state.links.slackTs, state, event: effect.event, note: effect.note });
          }
          break;
      }
    }
  };

  const publish = () => {
    const due = nextDeadline(state, plan.calendar);
    const pairs: SearchAttributeUpdatePair[] = [
      { key: TierKey, value: state.tier },
      { key: StatusKey, value: state.status },
      { key: PriorityKey, value: state.priority },
      { key: RequestTypeKey, value: state.type },
      { key: SystemKey, value: state.system?.id ?? 'unknown' },
      { key: SlaBreachedKey, value: state.slaBreached },
      { key: SlaDueAtKey, value: due === null ? null : new Date(due) },
    ];
    upsertSearchAttributes(pairs);
  };

  const isActive = () => state.status !== 'resolved' && state.status !== 'cancelled';
  for (;;) {
    publish();
    await runEffects();
    if (!isActive()) break;
    const due = nextDeadline(state, plan.calendar);
    const woken = await condition(() => pending.length > 0 || !isActive(), due === null ? undefined : Math.max(0, due - Date.now()));
    if (!woken) {
      const decision = onClocksDue(state, ctx());
      state = decision.state;
      pending.push(...decision.effects);
    }
  }
  publish();
  await runEffects();

  // The request stays open for the reopen window so a late "it's broken again" lands here.
  await condition(() => false, plan.policy.reopenWindowMs);
  if (state.status === 'resolved') state = { ...state, status: 'closed' };
  publish();
  return view();
}
