/**
 * Breaches never wait for Slack: with Slack failing, every request's lifecycle (state, search
 * attributes, clocks, the tracker issue) moves on time — the breach escalates at its instant —
 * and the announcements follow, in order, once Slack answers again, none twice.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ACTION_UPDATES, statusQuery, type HelpRequestInput } from '../../contracts/help-request.js';
import type { TierflowConfig } from '../../domain/config.js';
import { loadConfig } from '../../registry/load.js';
import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';
import { helpRequestWorkflow } from '../../workflows/help-request.js';
import { eventually, HELP_CHANNEL, quietRuntime, startHarness, TRACKER, type Harness } from '../support/harness.js';
import { registerSearchAttributes, unique } from '../support/temporal.js';

const MINUTE = 60_000;
const REQUESTS = 5;
let env: TestWorkflowEnvironment;
let harness: Harness;

/** Tier 2 P1: first response due 5 minutes after opening, always open. */
function config(): TierflowConfig {
  const base = loadConfig();
  const targets = { ...base.policy.targets, '2': { ...base.policy.targets['2'], P1: { firstResponseMs: 5 * MINUTE, resolutionMs: 4 * 60 * MINUTE } } };
  const always = { timezone: 'UTC', windows: [{ start: { day: 1 as const, time: '00:00' }, end: { day: 1 as const, time: '00:00' } }], holidays: [] };
  return { ...base, calendar: always, policy: { ...base.policy, targets } };
}

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTemporalBinary('testServer').executable } });
  await registerSearchAttributes(env.connection);
  harness = await startHarness({ connection: env.nativeConnection, client: env.client, config: config() });
});
afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

describe('effect lanes', () => {
  it('escalates every breach at its instant while Slack fails for ten minutes; the announcements follow once, in order', async () => {
    const slack = harness.sandbox.slack;
    slack.failNext('', { kind: 'server_error', status: 503 }, 1_000_000);
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const input: HelpRequestInput = {
        id: unique('req-lane'),
        source: 'webhook',
        requester: { email: 'ada@example.com' },
        summary: `VPN down ${i}`,
        system: 'okta-sso',
        priority: 'P1',
      };
      handles.push(await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] }));
    }
    const opened = await Promise.all(
      handles.map((h) =>
        eventually(`${h.workflowId} routed`, async () => {
          const status = await h.query(statusQuery);
          return status.timeline.length > 0 ? status : null;
        }),
      ),
    );

    // Seven minutes in, Slack still failing: every breach was handled at its instant, the tracker issue is open.
    await env.sleep(7 * MINUTE);
    for (const [i, handle] of handles.entries()) {
      const status = await handle.query(statusQuery);
      expect(status.tier).toBe(3);
      const breach = status.timeline.find((e) => e.action === 'sla_breached')!;
      // At its instant (the test server's clock runs on in real time between skips: a few ms).
      const late = Date.parse(breach.at) - Date.parse(opened[i]!.timeline[0]!.at) - 5 * MINUTE;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(1_000);
      expect(status.links.gitlabIssue).not.toBeNull();
      const described = await handle.describe();
      expect(described.searchAttributes.Tier).toEqual([3]);
    }
    expect(slack.messages).toEqual([]);
    expect(harness.sandbox.gitlab.issues(TRACKER)).toHaveLength(REQUESTS);

    // Ten minutes in, Slack answers again: each thread once, then its escalation, in order.
    await env.sleep(3 * MINUTE);
    slack.reset();
    await env.sleep(5 * MINUTE);
    for (const handle of handles) {
      const threadOf = () => slack.threads(HELP_CHANNEL).filter((t) => t.parent.metadata?.event_payload?.request_id === handle.workflowId);
      const thread = await eventually(`the escalation in the thread of ${handle.workflowId}`, () =>
        threadOf().some((t) => t.replies.some((r) => r.text.includes('Escalated to Tier 3'))) ? threadOf() : null,
      );
      expect(thread).toHaveLength(1);
      const effects = thread[0]!.replies.map((r) => String(r.metadata?.event_payload?.effect_id ?? ''));
      expect(new Set(effects).size).toBe(effects.length);
      // In the order decided: the warning at 75%, then the escalation.
      const texts = thread[0]!.replies.map((r) => r.text);
      const warning = texts.findIndex((t) => t.includes('SLA warning'));
      const escalation = texts.findIndex((t) => t.includes('Escalated to Tier 3'));
      expect(warning).toBeGreaterThanOrEqual(0);
      expect(escalation, texts.join('\n---\n')).toBeGreaterThan(warning);
    }
    for (const handle of handles) await handle.terminate('test finished');
  }, 120_000);

  it('continues as new without waiting for Slack, carrying what is not posted yet; each comment is posted once afterwards', async () => {
    const slack = harness.sandbox.slack;
    const input: HelpRequestInput = {
      id: unique('req-lane-can'),
      source: 'webhook',
      requester: { email: 'ada@example.com' },
      summary: 'Comments while Slack is down',
      system: 'okta-sso',
      priority: 'P4',
      historyLimit: 40,
    };
    slack.failNext('', { kind: 'server_error', status: 503 }, 1_000_000);
    const handle = await env.client.workflow.start(helpRequestWorkflow, { workflowId: input.id, taskQueue: harness.taskQueue, args: [input] });
    const COMMENTS = 25;
    for (let i = 0; i < COMMENTS; i += 1) {
      await handle.executeUpdate(ACTION_UPDATES.comment, { args: [{ actor: 'grace', note: `note ${i}`, source: 'api' }] });
    }
    const described = await handle.describe();
    // Continued as new while nothing could be posted: the run changed, the effects went along.
    expect(described.runId).not.toBe(handle.firstExecutionRunId);
    expect(slack.threads(HELP_CHANNEL).filter((t) => t.parent.metadata?.event_payload?.request_id === input.id)).toEqual([]);

    slack.reset();
    await env.sleep(MINUTE);
    const replies = await eventually(
      'every comment posted',
      () => {
        const thread = slack.threads(HELP_CHANNEL).find((t) => t.parent.metadata?.event_payload?.request_id === input.id);
        const comments = thread?.replies.filter((r) => r.text.includes('note ')) ?? [];
        return comments.length >= COMMENTS ? comments : null;
      },
      60_000,
    );
    expect(replies.map((r) => /note (\d+)/.exec(r.text)?.[1])).toEqual(Array.from({ length: COMMENTS }, (_, i) => String(i)));
    expect(slack.threads(HELP_CHANNEL).filter((t) => t.parent.metadata?.event_payload?.request_id === input.id)).toHaveLength(1);
    await handle.terminate('test finished');
  }, 120_000);
});
