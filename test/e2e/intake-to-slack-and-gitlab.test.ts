/**
 * End to end on the real dev server: the intake HTTP server, the worker, and the Slack and GitLab
 * emulators reached through the real client libraries.
 */
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { CoverageCalendar } from '../../domain/calendar.js';
import type { TierflowConfig } from '../../domain/config.js';
import { createApp } from '../../intake/app.js';
import { signRequest } from '../../intake/signature.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { loadConfig } from '../../registry/load.js';
import type { RequestStatusView } from '../../contracts/help-request.js';
import { StatusKey, TierKey } from '../../contracts/search-attributes.js';
import { eventually, HELP_CHANNEL, startDevServerHarness, TRACKER, type DevServerHarness, type Harness } from '../support/harness.js';
import { unique } from '../support/temporal.js';

const SECRET = 'e2e-intake-secret';
const TOKEN = 'e2e-api-token';

/** Always open, so a short SLA fires in real time whatever day the test runs. */
const ALWAYS_OPEN: CoverageCalendar = {
  timezone: 'UTC',
  windows: ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ start: { day, time: '00:00' }, end: { day: ((day % 7) + 1) as 1, time: '00:00' } })),
  holidays: [],
};

/** The built-in registry, always open, with a Tier 2 P1 first response due after 1.5 s. */
function fastConfig(): TierflowConfig {
  const base = loadConfig();
  const targets = { ...base.policy.targets, '2': { ...base.policy.targets['2'], P1: { firstResponseMs: 1_500, resolutionMs: 60 * 60_000 } } };
  return { ...base, calendar: ALWAYS_OPEN, policy: { ...base.policy, targets, reopenWindowMs: 2_000 } };
}

let stack: DevServerHarness;
let harness: Harness;
let client: Client;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  stack = await startDevServerHarness(inject('temporalAddress'), { config: fastConfig() });
  ({ harness, client } = stack);
  app = createApp({
    gateway: createTemporalGateway(client, { taskQueue: harness.taskQueue }),
    options: { intakeSecret: SECRET, apiToken: TOKEN, publicUrl: 'http://tierflow.test' },
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await stack?.close();
});

async function submit(body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${baseUrl}/webhooks/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(SECRET, raw, Date.now() / 1000) },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Partial<RequestStatusView> & { error?: string } };
}

function threadsFor(id: string) {
  return harness.sandbox.slack.threads(HELP_CHANNEL).filter((t) => t.parent.metadata?.event_payload?.request_id === id);
}

describe('a request end to end', () => {
  it('is accepted once, posted once to Slack, acknowledged and resolved over HTTP, and refused a second resolve', async () => {
    const key = unique('form');
    const body = {
      requester: { email: 'ada@example.com', name: 'Ada' },
      summary: 'Locked out of Okta <!channel>',
      system: 'okta-sso',
      priority: 'P3',
      idempotencyKey: key,
    };

    const first = await submit(body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ id: `req-json-${key}`, status: 'open', duplicate: false });
    const id = first.body.id as string;

    const redelivered = await submit(body);
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({ id, duplicate: true });

    const [thread] = await eventually('the Slack thread', () => (threadsFor(id).length > 0 ? threadsFor(id) : null));
    expect(thread!.parent.text).toContain('&lt;!channel&gt;');
    expect(thread!.parent.text).not.toContain('<!channel>');

    const status = await eventually('the thread link in the status', async () => {
      const res = await api('GET', `/requests/${id}`);
      return res.body.links?.slackThread ? res : null;
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ id, tier: 2, status: 'open', priority: 'P3', system: 'okta-sso' });
    expect(status.body.clocks?.map((c) => c.kind)).toEqual(['first_response', 'resolution']);

    const acked = await api('POST', `/requests/${id}/acknowledge`, { actor: 'grace' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', assignee: 'grace' });

    const resolved = await api('POST', `/requests/${id}/resolve`, { actor: 'grace', note: 'MFA reset' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');

    const twice = await api('POST', `/requests/${id}/resolve`, { actor: 'grace' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatch(/already resolved/);

    await eventually('the resolution reply', () => threadsFor(id)[0]?.replies.some((r) => r.text.includes('Resolved')));
    expect(threadsFor(id)).toHaveLength(1);
  });

  it('escalates an unacknowledged request to Tier 3 after its SLA and opens one GitLab issue', async () => {
    const res = await submit({ requester: { email: 'bob@example.com' }, summary: 'Cannot reach AWS console', system: 'aws', priority: 'P1' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const escalated = await eventually('the escalation to Tier 3', async () => {
      const status = await api('GET', `/requests/${id}`);
      return status.body.tier === 3 && status.body.links?.gitlabIssue ? status.body : null;
    });
    expect(escalated.slaBreached).toBe(true);
    const issues = harness.sandbox.gitlab.issues(TRACKER).filter((i) => i.title.includes(id));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.labels).toEqual(expect.arrayContaining(['corpsys::aws', 'tier::3', 'priority::P1']));
    expect(escalated.links?.gitlabIssue).toBe(issues[0]!.web_url);
  });

  it('answers 404 for an unknown request', async () => {
    const res = await api('GET', '/requests/req-json-never-was');
    expect(res.status).toBe(404);
  });
});

describe('the Temporal UI view of requests', () => {
  it('finds exactly the breached Tier 3 requests with Tier = 3 AND SlaBreached = true', async () => {
    const submitOne = async (summary: string, priority: string) =>
      (await submit({ requester: { email: 'ops@example.com' }, summary, system: 'okta-sso', priority })).body.id as string;
    const breached = await submitOne('breaches into Tier 3', 'P1');
    const calm = await submitOne('stays at Tier 2', 'P3');
    const escalatedByHand = await submitOne('escalated by hand, not breached', 'P3');
    await eventually('the thread of the hand-escalated request', () => threadsFor(escalatedByHand).length > 0);
    expect((await api('POST', `/requests/${escalatedByHand}/escalate`, { actor: 'grace', note: 'needs an Okta admin' })).body.tier).toBe(3);
    await eventually('the breach escalation', async () => (await api('GET', `/requests/${breached}`)).body.tier === 3);

    const query = `WorkflowId IN ('${breached}', '${calm}', '${escalatedByHand}') AND Tier = 3 AND SlaBreached = true`;
    const found = await eventually('the visibility store to catch up', async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.length === 1 ? ids : null;
    });
    expect(found).toEqual([breached]);
    const description = await client.workflow.getHandle(calm).describe();
    expect(await description.staticSummary()).toBe('Help request: stays at Tier 2');
    expect(description.typedSearchAttributes.get(TierKey)).toBe(2);
    expect(description.typedSearchAttributes.get(StatusKey)).toBe('open');
  });
});

describe('intake with Temporal unreachable', () => {
  it('answers 503 with Retry-After and starts nothing', async () => {
    const dead = Connection.lazy({ address: '127.0.0.1:1' });
    const deadApp = createApp({
      gateway: createTemporalGateway(new Client({ connection: dead }), { timeoutMs: 1_500 }),
      options: { intakeSecret: SECRET, apiToken: TOKEN, publicUrl: 'http://tierflow.test' },
    });
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'x' });
    const res = await deadApp.inject({
      method: 'POST',
      url: '/webhooks/requests',
      payload: raw,
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(SECRET, raw, Date.now() / 1000) },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json().error).toMatch(/unreachable/);
    await deadApp.close();
    await dead.close().catch(() => undefined);
  });
});
