/**
 * Carries out a request's effects through activities: the Slack thread and the tracker issue
 * (alone and first, since later effects need their links), then the announcements of a decision
 * (thread replies, tracker notes) side by side; then the search attributes and the Temporal UI's
 * details, then the live status message. An action accepted while an activity runs queues more
 * effects: `drain` runs until nothing is left.
 *
 * The order of activities and upserts is part of the workflow's replayed history: keep it.
 */
import { ActivityFailure, ApplicationFailure, log, patched, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import { INTEGRATION_ACTIVITY, INTEGRATION_CONFIG_ERROR, SWARM_ACTIVITY } from '../contracts/failures.js';
import { searchAttributesOf } from '../contracts/search-attributes.js';
import type { Effect } from '../domain/request.js';
import { describeState, type RequestStatusView } from '../domain/status-view.js';
import type { LiveRequest } from './live-request.js';

const integrations = proxyActivities<Activities>(INTEGRATION_ACTIVITY);

/** Patch id of the live status message (see `refreshStatusMessage`). */
export const STATUS_MESSAGE_PATCH = 'status-message-v1';

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
/** The activity options with a summary for the Temporal UI (at most 200 characters). */
const withSummary = (summary: string, options = INTEGRATION_ACTIVITY) => ({ ...options, summary: summary.slice(0, 200) });

export class EffectRunner {
  /** The search attributes last upserted (their values), so an unchanged set is not upserted again. */
  #published = '';
  /** The fingerprint of the status message as last posted or updated. */
  #shownStatus = '';

  constructor(private readonly request: LiveRequest) {}

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
        const thread = await integrations.postRequestThread.executeWithOptions(withSummary('Slack: post the request thread'), [
          { state: request.snapshot(), guides: plan.guides, shadowItOwner: plan.shadowItOwner, mentions: effect.mentions, view: posted },
        ]);
        request.link({ slackChannel: thread.channel, slackTs: thread.ts, statusTs: thread.statusTs, slackThread: thread.permalink });
        this.#shownStatus = this.fingerprint(posted);
        return;
      }
      case 'open_tracker_issue': {
        const issue = await integrations.createTrackerIssue.executeWithOptions(withSummary(`GitLab: open the Tier ${request.state.tier} issue`), [
          { state: request.snapshot(), reason: effect.reason, slackThread: links.slackThread },
        ]);
        request.link({ gitlabIssueIid: issue.iid, gitlabProjectId: issue.projectId ?? null, gitlabIssue: issue.webUrl });
        if (issue.warning) request.note({ at: Date.now(), actor: 'tierflow', action: 'integration_warning', note: issue.warning });
        return;
      }
      case 'open_swarm': {
        const requester = request.state.requester.slackUserId;
        const swarm = await integrations.openSwarmChannel.executeWithOptions(withSummary('Slack: open the crisis swarm channel', SWARM_ACTIVITY), [
          {
            state: request.snapshot(),
            invite: { groups: plan.swarm?.groups ?? [], users: requester ? [requester] : [] },
            helpThread: links.slackThread,
            gitlabIssue: links.gitlabIssue,
          },
        ]);
        request.swarmOpened({ id: swarm.channel, name: swarm.name });
        return;
      }
      case 'thread_reply':
        if (!links.slackChannel || !links.slackTs) return;
        await integrations.postThreadReply.executeWithOptions(withSummary(`Slack: ${words(effect.event)}`), [
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
          },
        ]);
        return;
      case 'sync_tracker':
        if (links.gitlabIssueIid === null) return;
        await integrations.syncTrackerIssue.executeWithOptions(withSummary(`GitLab: ${words(effect.event)}`), [
          { iid: links.gitlabIssueIid, effectId: effect.id, state: request.snapshot(), event: effect.event, note: effect.note, mentions: effect.mentions },
        ]);
        return;
    }
  }

  private fingerprint(view: RequestStatusView): string {
    return statusFingerprint(view, this.request.legacy.announceOutsideCoverage === true);
  }

  /** Search attributes (only when a value changed) and the Temporal UI's one-line details. */
  private publish(): void {
    const { state, plan } = this.request;
    const attributes = searchAttributesOf(state, plan.calendar);
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
    await integrations.updateStatusMessage.executeWithOptions(withSummary(`Slack: status message — ${current.details}`), [
      { channel: slackChannel, statusTs, state: request.snapshot(), view: current, guides: request.plan.guides, shadowItOwner: request.plan.shadowItOwner },
    ]);
    this.#shownStatus = fingerprint;
  }
}
