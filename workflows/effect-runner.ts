/**
 * Carries out a request's effects through activities, in one of two ways decided once per run:
 *
 * - **Lanes** (patch `effect-lanes-v1`): two background loops, one per service, each carrying out
 *   its effects in the order they were decided — Slack (thread, replies, swarm, then the status
 *   message once nothing else is queued) and GitLab (the tracker issue and its notes) — on their own
 *   rate-limited task queues. The lifecycle never waits for them: search attributes and details are
 *   published as soon as a decision is taken, a breach escalates at its instant while Slack is down,
 *   and continue-as-new carries what is still queued to the next run.
 * - **Drain** (runs started before the patch): effects run before the lifecycle waits again — the
 *   Slack thread and the tracker issue alone and first, then a decision's announcements side by
 *   side — then the search attributes, details and status message, until nothing is left.
 *
 * The order of activities and upserts is part of the workflow's replayed history: keep it.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { INTEGRATION_ACTIVITY, INTEGRATION_CONFIG_ERROR, SWARM_ACTIVITY } from '../contracts/failures.js';
import { EFFECT_LANES, laneTaskQueue, type EffectLane } from '../contracts/help-request.js';
import { searchAttributesOf } from '../contracts/search-attributes.js';
import type { Effect } from '../domain/request.js';
import { describeState, type RequestStatusView } from '../domain/status-view.js';
import type { LiveRequest } from './live-request.js';

const integrations = proxyActivities<Activities>(INTEGRATION_ACTIVITY);

/** Patch id of the live status message (see `refreshStatusMessage`). */
export const STATUS_MESSAGE_PATCH = 'status-message-v1';

/** Patch id of the effect lanes (see the module comment). */
export const EFFECT_LANES_PATCH = 'effect-lanes-v1';

/** Which lane carries out each kind of effect. */
const LANE_OF: Readonly<Record<Effect['kind'], EffectLane>> = {
  post_thread: 'slack',
  thread_reply: 'slack',
  open_swarm: 'slack',
  open_tracker_issue: 'gitlab',
  sync_tracker: 'gitlab',
  open_review_issue: 'gitlab',
};

/** How long a new tracker issue waits for the Slack thread's link (its description links the thread); it opens without it after that. */
const THREAD_LINK_WAIT_MS = 30_000;

/**
 * What the status message shows, minus the ticking "time left": it is refreshed when this changes.
 * Under the handbook rules (see `HANDBOOK_PATCH`) a warning and a held escalation change it too.
 */
function statusFingerprint(v: RequestStatusView, legacy: boolean): string {
  const base = [v.tier, v.status, v.priority, v.system, v.assignee, v.slaBreached, v.links, v.clocks.map((c) => [c.kind, c.state, c.dueAt])];
  return JSON.stringify(legacy ? base : [...base, v.heldUntil ?? null, v.reopenUntil ?? null, v.timelineCounts.sla_warning ?? 0]);
}

const isAnnouncement = (effect: Effect | undefined): boolean => effect?.kind === 'thread_reply' || effect?.kind === 'sync_tracker';
const words = (kind: string): string => kind.replace(/_/g, ' ');
export class EffectRunner {
  /** The search attributes last upserted (their values), so an unchanged set is not upserted again. */
  #published = '';
  /** The request version and links last published: nothing is recomputed while they stay the same. */
  #publishedStamp = '';
  /** The fingerprint of the status message as last posted or updated. */
  #shownStatus = '';
  /** True when this run carries out effects in lanes (see the module comment). */
  readonly lanes: boolean;
  /** The effect each lane is carrying out now. */
  readonly #running = new Map<EffectLane, Effect>();
  /** The request version the status message was last checked at (-1: check again). */
  #checkedVersion = -1;
  #closing = false;
  #laneRuns: Promise<void>[] = [];
  readonly #taskQueue: string;

  constructor(private readonly request: LiveRequest) {
    this.lanes = patched(EFFECT_LANES_PATCH);
    this.#taskQueue = workflowInfo().taskQueue;
  }

  /** The activity options for an effect: a summary for the Temporal UI, and in lanes the lane's task queue. */
  private options(lane: EffectLane, summary: string, base: ActivityOptions = INTEGRATION_ACTIVITY): ActivityOptions {
    return { ...base, summary: summary.slice(0, 200), ...(this.lanes ? { taskQueue: laneTaskQueue(this.#taskQueue, lane) } : {}) };
  }

  /** Starts the lanes (lanes mode only). */
  start(): void {
    if (this.lanes) this.#laneRuns = EFFECT_LANES.map((lane) => this.runLane(lane));
  }

  /** Before the lifecycle waits: in lanes mode the state is published at once; otherwise every effect is carried out first. */
  async settle(): Promise<void> {
    if (this.lanes) this.publish();
    else await this.drain();
  }

  /** At the end of the request: every effect carried out and the status message final. */
  async finish(): Promise<void> {
    if (!this.lanes) return this.drain();
    this.publish();
    this.#closing = true;
    await Promise.all(this.#laneRuns);
    // One lane's effect may have decided work for a lane that had already finished (the review
    // issue, opened in the GitLab lane, is announced in Slack): run the lanes again until none is left.
    while (this.request.pending.length > 0) {
      this.#laneRuns = EFFECT_LANES.map((lane) => this.runLane(lane));
      await Promise.all(this.#laneRuns);
    }
  }

  /** Before continue-as-new: without lanes every effect is carried out first; with them, nothing waits. */
  async beforeContinueAsNew(): Promise<Effect[]> {
    if (!this.lanes) {
      await this.drain();
      return [];
    }
    // What was running may have been carried out already: the next run looks before it writes.
    return [...EFFECT_LANES.flatMap((lane) => this.#running.get(lane) ?? []), ...this.request.pending];
  }

  private nextOf(lane: EffectLane): number {
    return this.request.pending.findIndex((e) => LANE_OF[e.kind] === lane);
  }

  /** One lane: its effects in order, then (Slack) the status message when the request changed. */
  private async runLane(lane: EffectLane): Promise<void> {
    const statusDue = () => lane === 'slack' && this.request.version !== this.#checkedVersion;
    for (;;) {
      await condition(() => this.#closing || this.nextOf(lane) >= 0 || statusDue());
      const index = this.nextOf(lane);
      if (index >= 0) {
        const [effect] = this.request.pending.splice(index, 1);
        this.#running.set(lane, effect!);
        if (effect!.kind === 'open_tracker_issue') await this.awaitThreadLink();
        await this.carryOutOrReport(effect!);
        this.#running.delete(lane);
        // A link learned (the issue, the thread) shows in the search attributes and the status message.
        this.publish();
        this.#checkedVersion = -1;
        continue;
      }
      if (statusDue()) {
        this.#checkedVersion = this.request.version;
        await this.refreshStatusMessage();
        continue;
      }
      return;
    }
  }

  /** A new tracker issue links the Slack thread: it waits a little for the thread if that is being posted. */
  private async awaitThreadLink(): Promise<void> {
    const ready = () =>
      this.request.state.links.slackThread !== null ||
      (this.#running.get('slack')?.kind !== 'post_thread' && !this.request.pending.some((e) => e.kind === 'post_thread'));
    if (!ready()) await condition(ready, THREAD_LINK_WAIT_MS);
  }

  /** Carries out every pending effect, then publishes the state, until nothing is pending. */
  async drain(): Promise<void> {
    const { pending } = this.request;
    do {
      while (pending.length > 0) {
        const batch = [pending.shift()!];
        if (isAnnouncement(batch[0])) while (isAnnouncement(pending[0])) batch.push(pending.shift()!);
        await Promise.all(batch.map((effect) => this.carryOutOrReport(effect)));
      }
      this.publish();
      await this.refreshStatusMessage();
    } while (pending.length > 0);
  }

  /**
   * A configuration problem (bad token, missing channel or project, missing scope) cannot be fixed
   * by retrying: the request keeps running and says what is wrong in its timeline, the worker log
   * and the Temporal UI, instead of failing.
   */
  private async carryOutOrReport(effect: Effect): Promise<void> {
    try {
      await this.carryOut(effect);
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (!(cause instanceof ApplicationFailure) || cause.type !== INTEGRATION_CONFIG_ERROR) throw err;
      log.error('integration misconfigured', { requestId: this.request.state.id, effect: effect.kind, error: cause.message });
      this.request.note({ at: Date.now(), actor: 'tierflow', action: 'integration_error', note: `${words(effect.kind)} failed: ${cause.message}` });
    }
  }

  private async carryOut(effect: Effect): Promise<void> {
    const { request } = this;
    const { plan } = request;
    const { links } = request.state;
    switch (effect.kind) {
      case 'post_thread': {
        const posted = request.view();
        const thread = await integrations.postRequestThread.executeWithOptions(this.options('slack', 'Slack: post the request thread'), [
          { state: request.snapshot(), guides: plan.guides, shadowItOwner: plan.shadowItOwner, mentions: effect.mentions, view: posted, ...this.rerun(effect) },
        ]);
        request.link({ slackChannel: thread.channel, slackTs: thread.ts, statusTs: thread.statusTs, slackThread: thread.permalink });
        this.#shownStatus = this.fingerprint(posted);
        return;
      }
      case 'open_tracker_issue': {
        const issue = await integrations.createTrackerIssue.executeWithOptions(this.options('gitlab', `GitLab: open the Tier ${request.state.tier} issue`), [
          { state: request.snapshot(), reason: effect.reason, slackThread: links.slackThread, ...this.rerun(effect) },
        ]);
        request.link({ gitlabIssueIid: issue.iid, gitlabProjectId: issue.projectId ?? null, gitlabIssue: issue.webUrl });
        if (issue.warning) request.note({ at: Date.now(), actor: 'tierflow', action: 'integration_warning', note: issue.warning });
        return;
      }
      case 'open_swarm': {
        const requester = request.state.requester.slackUserId;
        const swarm = await integrations.openSwarmChannel.executeWithOptions(this.options('slack', 'Slack: open the crisis swarm channel', SWARM_ACTIVITY), [
          {
            state: request.snapshot(),
            invite: { groups: plan.swarm?.groups ?? [], users: requester ? [requester] : [] },
            helpThread: links.slackThread,
            gitlabIssue: links.gitlabIssue,
            ...this.rerun(effect),
          },
        ]);
        request.swarmOpened({ id: swarm.channel, name: swarm.name });
        return;
      }
      case 'open_review_issue': {
        // The state as it is now (resolved: its outcome final), with the whole bounded timeline the snapshot leaves out.
        const review = await integrations.openReviewIssue.executeWithOptions(this.options('gitlab', 'GitLab: open the post-incident review issue'), [
          {
            state: request.snapshot(),
            timeline: request.state.timeline,
            calendar: plan.calendar,
            group: effect.group,
            cc: effect.cc,
            ...this.rerun(effect),
          },
        ]);
        request.reviewOpened({ url: review.webUrl });
        if (review.warning) request.note({ at: Date.now(), actor: 'tierflow', action: 'integration_warning', note: review.warning });
        return;
      }
      case 'thread_reply':
        if (!links.slackChannel || !links.slackTs) return;
        await integrations.postThreadReply.executeWithOptions(this.options('slack', `Slack: ${words(effect.event)}`), [
          {
            channel: links.slackChannel,
            threadTs: links.slackTs,
            effectId: effect.id,
            state: request.snapshot(),
            event: effect.event,
            note: effect.note,
            mentions: effect.mentions,
            // The swarm channel's own opening message says it all: its announcement is not mirrored into it.
            mirrorChannel: effect.event === 'swarm_opened' ? null : (links.swarmChannel ?? null),
            ...this.rerun(effect),
          },
        ]);
        return;
      case 'sync_tracker':
        if (links.gitlabIssueIid === null) return;
        await integrations.syncTrackerIssue.executeWithOptions(this.options('gitlab', `GitLab: ${words(effect.event)}`), [
          {
            iid: links.gitlabIssueIid,
            effectId: effect.id,
            state: request.snapshot(),
            event: effect.event,
            note: effect.note,
            mentions: effect.mentions,
            ...this.rerun(effect),
          },
        ]);
        return;
    }
  }

  /**
   * An effect carried over from the last run may have been carried out already (its activity was
   * running at continue-as-new): its activity looks for what it wrote even on a first attempt.
   */
  private rerun(effect: Effect): { mayHaveRun?: true } {
    return this.request.carriedOver.has(effect.id) ? { mayHaveRun: true } : {};
  }

  private fingerprint(view: RequestStatusView): string {
    return statusFingerprint(view, this.request.legacy.announceOutsideCoverage === true);
  }

  /** Search attributes (only when a value changed) and the Temporal UI's one-line details; nothing is recomputed while the request is unchanged. */
  private publish(): void {
    const { state, plan } = this.request;
    const stamp = `${this.request.version}|${state.links.gitlabIssueIid}|${state.links.slackThread}|${state.timelineTotal}`;
    if (this.lanes && stamp === this.#publishedStamp) return;
    this.#publishedStamp = stamp;
    const attributes = searchAttributesOf(state, plan.calendar, { outcome: this.request.publishesOutcome });
    const key = JSON.stringify(attributes.map((a) => a.value));
    if (key !== this.#published) {
      this.#published = key;
      upsertSearchAttributes(attributes);
    }
    setCurrentDetails(describeState(state, plan.calendar));
  }

  /**
   * The Block Kit status message in the thread is updated in place whenever what it shows changes.
   * Added after requests were already running: patched, so their recorded histories still replay.
   */
  private async refreshStatusMessage(): Promise<void> {
    const { request } = this;
    const { slackChannel, statusTs } = request.state.links;
    if (!slackChannel || !statusTs || !patched(STATUS_MESSAGE_PATCH)) return;
    const current = request.view();
    const fingerprint = this.fingerprint(current);
    if (fingerprint === this.#shownStatus) return;
    await integrations.updateStatusMessage.executeWithOptions(this.options('slack', `Slack: status message — ${current.details}`), [
      { channel: slackChannel, statusTs, state: request.snapshot(), view: current, guides: request.plan.guides, shadowItOwner: request.plan.shadowItOwner },
    ]);
    this.#shownStatus = fingerprint;
  }
}
