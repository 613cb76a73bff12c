/**
 * The JSON intake against replays, through the real intake app (in memory, recording gateway):
 * a captured signed delivery sent again lands on the same request, the same delivery later than
 * 5 minutes (or pre-dated into the future) is refused, a signature never vouches for another
 * body, and a bad header is refused before the body is read. And the API's `Idempotency-Key`
 * lives in its own namespace of Update ids, apart from Slack's and GitLab's deliveries.
 */
import { once } from 'node:events';
import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createApp } from '../../intake/app.js';
import { createIntakeMetrics } from '../../intake/metrics.js';
import { signRequest } from '../../intake/signature.js';
import { slackEventUpdateId } from '../../intake/slack-events.js';
import type { RequestGateway } from '../../intake/temporal-gateway.js';
import { recordingGateway } from './support/gateway.js';
import { HELP_CHANNEL, slackMessageEvent, TRACKER_PATH } from './support/payloads.js';
import { NOW_S, postEvent, SLACK_SECRET } from './support/signed-app.js';

const SECRET = 'json-intake-test-secret';
const TOKEN = 'json-intake-api-token';
const CAPTURED = JSON.stringify({ requester: { email: 'ada@example.com', name: 'Ada' }, summary: 'Locked out of Okta', system: 'okta-sso' });

/** An intake whose clock the test moves (epoch ms). */
function intake(gateway: RequestGateway, intakeSecret: string | null = SECRET) {
  const clock = { nowMs: NOW_S * 1000 };
  const metrics = createIntakeMetrics();
  const app = createApp({
    gateway,
    metrics,
    options: {
      intakeSecret,
      apiToken: TOKEN,
      publicUrl: 'http://tierflow.test',
      slack: { signingSecret: SLACK_SECRET, helpChannel: HELP_CHANNEL },
      gitlab: { webhookSecret: null, project: TRACKER_PATH },
      now: () => clock.nowMs,
    },
  });
  return { app, clock, metrics };
}

type App = ReturnType<typeof intake>['app'];

/** Sends exactly these bytes and headers, as a replaying attacker would. */
const deliver = (app: App, raw: string, signature: string | undefined) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/requests',
    payload: raw,
    headers: { 'content-type': 'application/json', ...(signature !== undefined ? { 'x-tierflow-signature': signature } : {}) },
  });

describe('a captured signed delivery', () => {
  it.each([
    ['without an idempotency key', CAPTURED, /^req-json-d-[0-9a-f]{32}$/],
    ['with an idempotency key', JSON.stringify({ ...JSON.parse(CAPTURED), idempotencyKey: 'form-77' }), /^req-json-form-77$/],
  ])('sent 3 times (%s) makes one request: 202 with the same id, duplicate on the 2nd and 3rd', async (_name, raw, idShape) => {
    const { gateway, started } = recordingGateway();
    const { app, metrics } = intake(gateway);
    const signature = signRequest(SECRET, raw, NOW_S - 10);
    const answers = [await deliver(app, raw, signature), await deliver(app, raw, signature), await deliver(app, raw, signature)];
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
    const [first, ...replays] = answers.map((a) => a.json() as { id: string; duplicate: boolean });
    expect(first!.id).toMatch(idShape);
    expect(first!.duplicate).toBe(false);
    expect(replays).toEqual([expect.objectContaining({ id: first!.id, duplicate: true }), expect.objectContaining({ id: first!.id, duplicate: true })]);
    expect(new Set(started.map((s) => s.id))).toEqual(new Set([first!.id]));
    expect(await metrics.registry.metrics()).toContain('tierflow_intake_requests_total{source="webhook",outcome="duplicate",reason=""} 2');
  });

  it('lands on the same request whatever v1 entries a replayer adds or repeats', async () => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const signature = signRequest(SECRET, CAPTURED, NOW_S);
    const first = await deliver(app, CAPTURED, signature);
    const padded = await deliver(app, CAPTURED, `${signature},v1=${'0'.repeat(64)},${signature.split(',')[1]}`);
    expect(padded.statusCode).toBe(202);
    expect(padded.json()).toMatchObject({ id: first.json().id, duplicate: true });
    expect(new Set(started.map((s) => s.id)).size).toBe(1);
  });

  it('sent again 6 minutes later is refused with 401 stale, and starts nothing more', async () => {
    const { gateway, started } = recordingGateway();
    const { app, clock } = intake(gateway);
    const signature = signRequest(SECRET, CAPTURED, NOW_S);
    expect((await deliver(app, CAPTURED, signature)).statusCode).toBe(202);
    clock.nowMs += 6 * 60_000;
    const later = await deliver(app, CAPTURED, signature);
    expect(later.statusCode).toBe(401);
    expect(later.json().error).toMatch(/X-Tierflow-Signature is stale by 360 s/);
    expect(started).toHaveLength(1);
  });

  it.each([
    ['5 min 1 s', 301],
    ['an hour', 3_600],
  ])('signed %s in the future is refused with 401 and starts nothing', async (_name, ahead) => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const res = await deliver(app, CAPTURED, signRequest(SECRET, CAPTURED, NOW_S + ahead));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(new RegExp(`X-Tierflow-Signature is ${ahead} s in the future`));
    expect(started).toHaveLength(0);
  });

  it('does not vouch for an altered body: 401 naming the mismatch, nothing started', async () => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const signature = signRequest(SECRET, CAPTURED, NOW_S);
    const altered = CAPTURED.replace('Locked out of Okta', 'Grant admin to mallory');
    const res = await deliver(app, altered, signature);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/X-Tierflow-Signature does not match the body/);
    expect(started).toHaveLength(0);
  });

  it('is refused as 401, not parsed, when its body is not even JSON and the signature is forged', async () => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const res = await deliver(app, '{"summary":', `t=${NOW_S},v1=${'a'.repeat(64)}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).not.toMatch(/JSON/);
    expect(started).toHaveLength(0);
  });
});

describe('the X-Tierflow-Signature header', () => {
  it('accepts several v1 entries (secret rotation) when one matches', async () => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const res = await deliver(app, CAPTURED, signRequest(['retired-secret', SECRET], CAPTURED, NOW_S));
    expect(res.statusCode).toBe(202);
    expect(started).toHaveLength(1);
  });

  it.each([
    ['missing', undefined, /missing X-Tierflow-Signature/],
    ['in the retired sha256= form', 'sha256=' + 'a'.repeat(64), /sha256=<hex> form .* no longer accepted; send t=<unix seconds>,v1=/],
    ['malformed', `t=${NOW_S},t=${NOW_S},v1=${'a'.repeat(64)}`, /malformed X-Tierflow-Signature: t= given more than once/],
  ])('answers 401 naming the header when it is %s', async (_name, signature, message) => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway);
    const res = await deliver(app, CAPTURED, signature);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(message);
    expect(started).toHaveLength(0);
  });

  describe('on a listening intake', () => {
    let app: App | undefined;
    afterEach(async () => app?.close());

    /** Sends the headers of a 60 KB body (under the limit) and none of the body; the answer received within `waitMs`, or null. */
    async function headersOnly(signature: string, waitMs: number): Promise<string | null> {
      const address = await app!.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /webhooks/requests HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 60000\r\nx-tierflow-signature: ${signature}\r\n\r\n`,
      );
      let received = '';
      socket.on('data', (chunk: Buffer) => void (received += chunk.toString()));
      const deadline = Date.now() + waitMs;
      while (!received.includes('\r\n\r\n{') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
      return received.includes('\r\n\r\n{') ? received : null;
    }

    it.each([
      ['stale', signRequest(SECRET, CAPTURED, NOW_S - 3_600), /stale by 3600 s/],
      ['malformed', 'v1=nothex', /malformed X-Tierflow-Signature/],
    ])('refuses a %s header before reading the body', async (_name, signature, message) => {
      ({ app } = intake(recordingGateway().gateway));
      const answer = await headersOnly(signature, 3_000);
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toMatch(message);
    });

    it('waits for the body when the header is well formed and fresh (the HMAC needs it)', async () => {
      ({ app } = intake(recordingGateway().gateway));
      expect(await headersOnly(signRequest(SECRET, CAPTURED, NOW_S), 500)).toBeNull();
    });
  });
});

describe('sandbox mode (no INTAKE_SECRET)', () => {
  it('accepts unsigned bodies and gives each one without a key its own random id', async () => {
    const { gateway, started } = recordingGateway();
    const { app } = intake(gateway, null);
    const a = await deliver(app, CAPTURED, undefined);
    const b = await deliver(app, CAPTURED, undefined);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json().id).toMatch(/^req-json-[0-9a-f-]{36}$/);
    expect(a.json().id).not.toBe(b.json().id);
    expect(started).toHaveLength(2);
  });
});

describe('API Idempotency-Key', () => {
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

  it('cannot pre-empt a Slack delivery: slack-Ev123 becomes the update id api-slack-Ev123, apart from the Slack event Ev123', async () => {
    const { gateway, acts } = recordingGateway();
    const { app } = intake(gateway);
    const api = await app.inject({
      method: 'POST',
      url: '/requests/req-json-form-1/comment',
      headers: { ...auth, 'idempotency-key': 'slack-Ev123' },
      payload: { actor: 'mallory', note: 'first!' },
    });
    expect(api.statusCode).toBe(200);
    const slack = await postEvent(
      app as never,
      slackMessageEvent({ ts: '1700000001.000300', thread_ts: '1700000000.000200', text: 'any news?' }, { event_id: 'Ev123' }),
    );
    expect(slack.statusCode).toBe(200);
    expect(acts.map((a) => a.updateId)).toEqual(['api-slack-Ev123', slackEventUpdateId('Ev123')]);
    expect(slackEventUpdateId('Ev123')).toBe('slack-Ev123');
  });

  it.each([
    ['gitlab-8f2c', 'api-gitlab-8f2c'],
    ['retry:7.a_b', 'api-retry:7.a_b'],
  ])('namespaces %s as %s', async (key, updateId) => {
    const { gateway, acts } = recordingGateway();
    const { app } = intake(gateway);
    const res = await app.inject({
      method: 'POST',
      url: '/requests/req-json-a/acknowledge',
      headers: { ...auth, 'idempotency-key': key },
      payload: { actor: 'grace' },
    });
    expect(res.statusCode).toBe(200);
    expect(acts).toEqual([expect.objectContaining({ updateId })]);
  });

  it('leaves the update id to Temporal without the header', async () => {
    const { gateway, acts } = recordingGateway();
    const { app } = intake(gateway);
    expect((await app.inject({ method: 'POST', url: '/requests/req-json-a/acknowledge', headers: auth, payload: {} })).statusCode).toBe(200);
    expect(acts).toEqual([expect.not.objectContaining({ updateId: expect.anything() })]);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['with a slash', 'slack/Ev123'],
    ['over 200 characters', 'k'.repeat(201)],
    ['sent twice', ['k1', 'k2']],
  ])('answers 400 naming the header for a key %s, and acts on nothing', async (_name, key) => {
    const { gateway, acts } = recordingGateway();
    const { app } = intake(gateway);
    const res = await app.inject({ method: 'POST', url: '/requests/req-json-a/acknowledge', headers: { ...auth, 'idempotency-key': key }, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/Idempotency-Key/);
    expect(acts).toHaveLength(0);
  });
});
