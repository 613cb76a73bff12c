/**
 * The JSON intake against replays, end to end on the real dev server: the intake listening on a
 * real port, the worker posting to the Slack emulator. A captured signed delivery sent three
 * times is one request (one workflow, one Slack thread); the same bytes 6 minutes later, or
 * pre-dated into the future, are refused; and an API `Idempotency-Key` named like a Slack
 * delivery cannot swallow that delivery's comment.
 */
import { randomUUID } from 'node:crypto';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createApp } from '../../intake/app.js';
import { signRequest } from '../../intake/signature.js';
import { slackMessageRequestId } from '../../intake/slack-events.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { eventually, HELP_CHANNEL } from '../support/harness.js';
import { slackMessageEvent } from '../intake/support/payloads.js';
import { API_TOKEN, freshEventId, freshTs, requestStatus, slackEvent, startE2eIntake, type E2eIntake } from '../intake/support/e2e.js';

const SECRET = 'e2e-intake-secret'; // startE2eIntake's
const SIX_MINUTES_MS = 6 * 60_000;

let e2e: E2eIntake;
/** A second intake on the same Temporal, whose clock runs 6 minutes ahead: "the same delivery, later". */
let later: FastifyInstance;
let laterUrl: string;

beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
  later = createApp({
    gateway: createTemporalGateway(e2e.client, { taskQueue: e2e.harness.taskQueue }),
    options: { intakeSecret: SECRET, apiToken: API_TOKEN, publicUrl: 'http://tierflow.test', now: () => Date.now() + SIX_MINUTES_MS },
  });
  laterUrl = await later.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await later?.close();
  await e2e?.close();
});

/** Sends exactly these bytes with exactly this header, as a replaying attacker does. */
async function deliver(baseUrl: string, raw: string, signature: string) {
  const res = await fetch(`${baseUrl}/webhooks/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tierflow-signature': signature },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as { id?: string; duplicate?: boolean; error?: string } };
}

/** The requests whose Slack status message carries `marker` (each request posts one). */
function requestsMentioning(marker: string): Set<unknown> {
  return new Set(
    e2e.harness.sandbox.slack.messages
      .filter((m) => m.metadata?.event_type === 'tierflow_request' && m.text.includes(marker))
      .map((m) => m.metadata!.event_payload.request_id),
  );
}

async function workflowCount(id: string): Promise<number> {
  let n = 0;
  for await (const _ of e2e.client.workflow.list({ query: `WorkflowId = '${id}'` })) n += 1;
  return n;
}

describe('a captured signed JSON delivery, end to end', () => {
  it.each([
    ['without an idempotency key', false],
    ['with an idempotency key', true],
  ])('sent 3 times (%s) is one request: 202 with the same id, duplicate on the 2nd and 3rd; 6 minutes later 401 stale', async (_name, keyed) => {
    const marker = `replay-${randomUUID().slice(0, 8)}`;
    const raw = JSON.stringify({
      requester: { email: 'ada@example.com' },
      summary: `Laptop will not boot ${marker}`,
      ...(keyed ? { idempotencyKey: `form-${marker}` } : {}),
    });
    const signature = signRequest(SECRET, raw, Date.now() / 1000);

    const answers = [await deliver(e2e.baseUrl, raw, signature), await deliver(e2e.baseUrl, raw, signature), await deliver(e2e.baseUrl, raw, signature)];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const id = answers[0]!.body.id!;
    expect(id).toMatch(keyed ? new RegExp(`^req-json-form-${marker}$`) : /^req-json-d-[0-9a-f]{32}$/);
    expect(answers.map((a) => [a.body.id, a.body.duplicate])).toEqual([
      [id, false],
      [id, true],
      [id, true],
    ]);

    const stale = await deliver(laterUrl, raw, signature);
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/X-Tierflow-Signature is stale by 3[56]\d s/);

    await eventually('the status message in Slack', () => requestsMentioning(marker).size > 0);
    await eventually('visibility to list the workflow', async () => (await workflowCount(id)) > 0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(requestsMentioning(marker)).toEqual(new Set([id]));
    expect(await workflowCount(id)).toBe(1);
  });

  it('is refused when signed more than 5 minutes ahead, and opens nothing', async () => {
    const marker = `future-${randomUUID().slice(0, 8)}`;
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: `Pre-dated ${marker}` });
    const res = await deliver(e2e.baseUrl, raw, signRequest(SECRET, raw, Date.now() / 1000 + 301 + 60));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/X-Tierflow-Signature is 3[56]\d s in the future/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(requestsMentioning(marker).size).toBe(0);
  });
});

describe('API Idempotency-Key, end to end', () => {
  it('named like a Slack delivery (slack-<event id>) cannot pre-empt that delivery: both comments land', async () => {
    const ts = freshTs();
    const id = slackMessageRequestId(HELP_CHANNEL, ts);
    expect(
      (await slackEvent(e2e.baseUrl, slackMessageEvent({ ts, user: 'U0ADA0003', text: 'SSO loop on the wiki' }, { event_id: freshEventId() }))).status,
    ).toBe(200);
    await eventually('the request', () => requestStatus(e2e.baseUrl, id));

    const eventId = freshEventId();
    const api = await fetch(`${e2e.baseUrl}/requests/${id}/comment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': `slack-${eventId}` },
      body: JSON.stringify({ actor: 'token-holder', note: 'first in' }),
    });
    expect(api.status).toBe(200);
    const reply = await slackEvent(
      e2e.baseUrl,
      slackMessageEvent({ ts: freshTs(), thread_ts: ts, user: 'U0GRACE01', text: 'Clear the wiki cookies' }, { event_id: eventId }),
    );
    expect(reply.body).toEqual({ ok: true, request: id });

    const comments = (await requestStatus(e2e.baseUrl, id))!.timeline.filter((t) => t.action === 'comment');
    expect(comments.map((c) => c.actor).sort()).toEqual(['U0GRACE01', 'token-holder']);
  });
});
