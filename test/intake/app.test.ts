import { describe, expect, it } from 'vitest';

import { createApp } from '../../intake/app.js';
import { signRequest } from '../../intake/signature.js';
import { statusLinkFor, statusLinkKey } from '../../intake/status-link.js';
import { GatewayError, type RequestGateway } from '../../intake/temporal-gateway.js';
import { recordingGateway } from './support/gateway.js';

const SECRET = 'intake-test-secret';
const TOKEN = 'api-test-token';
/** The app's clock: 2024-03-04 10:00:00 UTC, in seconds. */
const NOW_S = 1_709_546_400;

function appWith(gateway: RequestGateway, intakeSecret: string | null = SECRET) {
  return createApp({ gateway, options: { intakeSecret, apiToken: TOKEN, publicUrl: 'http://tierflow.test', now: () => NOW_S * 1000 } });
}

const validBody = {
  requester: { email: 'ada@example.com', name: 'Ada' },
  summary: 'Locked out of Okta',
  description: 'MFA reset please',
  system: 'okta-sso',
  priority: 'P2',
  idempotencyKey: 'form-8812',
};

function post(app: ReturnType<typeof appWith>, body: unknown, headers: Record<string, string> = {}, sign = true, signedAt = NOW_S) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return app.inject({
    method: 'POST',
    url: '/webhooks/requests',
    payload,
    headers: {
      'content-type': 'application/json',
      ...(sign ? { 'x-tierflow-signature': signRequest(SECRET, payload, signedAt) } : {}),
      ...headers,
    },
  });
}

describe('POST /webhooks/requests', () => {
  it("starts a request from a signed body and answers 202 with its id, status, the requester's signed page and the API path", async () => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway), validBody);
    expect(res.statusCode).toBe(202);
    const url = statusLinkFor('req-json-form-8812', { key: statusLinkKey(TOKEN), publicUrl: 'http://tierflow.test', now: NOW_S * 1000 });
    expect(url).toMatch(/^http:\/\/tierflow\.test\/status\/req-json-form-8812\?exp=\d+&sig=[\w-]{43}$/);
    expect(res.json()).toEqual({ id: 'req-json-form-8812', status: 'open', duplicate: false, url, api: 'http://tierflow.test/requests/req-json-form-8812' });
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ id: 'req-json-form-8812', source: 'webhook', summary: 'Locked out of Okta', system: 'okta-sso', priority: 'P2' });
  });

  it('derives the same request id when the same idempotency key is delivered again', async () => {
    const { gateway, started } = recordingGateway();
    const app = appWith(gateway);
    const first = await post(app, validBody);
    const second = await post(app, validBody);
    expect(second.json().id).toBe(first.json().id);
    expect(second.json().duplicate).toBe(true);
    expect(new Set(started.map((s) => s.id)).size).toBe(1);
  });

  it('gives requests without an idempotency key, signed at different times, distinct ids', async () => {
    const { gateway } = recordingGateway();
    const app = appWith(gateway);
    const { idempotencyKey: _, ...body } = validBody;
    const a = await post(app, body, {}, true, NOW_S - 1);
    const b = await post(app, body, {}, true, NOW_S);
    expect(a.json().id).toMatch(/^req-json-d-[0-9a-f]{32}$/);
    expect(b.json().id).toMatch(/^req-json-d-[0-9a-f]{32}$/);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it.each([
    ['a forged signature', { 'x-tierflow-signature': `t=${NOW_S},v1=${'0'.repeat(64)}` }],
    ['a signature of another body', { 'x-tierflow-signature': signRequest(SECRET, '{}', NOW_S) }],
    ['a signature made with another secret', { 'x-tierflow-signature': signRequest('other', JSON.stringify(validBody), NOW_S) }],
    ['a malformed signature header', { 'x-tierflow-signature': 'md5=abc' }],
    ['the retired body-only form', { 'x-tierflow-signature': `sha256=${'0'.repeat(64)}` }],
  ])('rejects %s with 401 and starts nothing', async (_name, headers) => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway), validBody, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/x-tierflow-signature/i);
    expect(started).toHaveLength(0);
  });

  it('rejects an unsigned body with 401 when INTAKE_SECRET is set', async () => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway), validBody, {}, false);
    expect(res.statusCode).toBe(401);
    expect(started).toHaveLength(0);
  });

  it('accepts an unsigned body when no intake secret is configured (sandbox mode)', async () => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway, null), validBody, {}, false);
    expect(res.statusCode).toBe(202);
    expect(started).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', '{"requester": ', /malformed JSON/],
    ['a missing summary', { requester: { email: 'ada@example.com' } }, /summary/],
    ['an empty summary', { ...validBody, summary: '   ' }, /summary/],
    ['a summary over 200 characters', { ...validBody, summary: 'x'.repeat(201) }, /summary/],
    ['a bad email', { ...validBody, requester: { email: 'not-an-email' } }, /requester\.email/],
    ['a wrong-typed priority', { ...validBody, priority: 2 }, /priority/],
    ['an unknown priority', { ...validBody, priority: 'P9' }, /priority/],
    ['an unknown field', { ...validBody, severity: 'high' }, /severity/],
    ['an array body', [1, 2], /body|expected object/],
    ['a null body', 'null', /body|expected object/],
  ])('answers 400 naming the problem for %s', async (_name, body, message) => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway), body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(started).toHaveLength(0);
  });

  it('answers 413 for an oversized body', async () => {
    const { gateway, started } = recordingGateway();
    const res = await post(appWith(gateway), { ...validBody, description: 'x'.repeat(200_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatch(/too large/);
    expect(started).toHaveLength(0);
  });

  it('answers 415 for a non-JSON content type', async () => {
    const { gateway } = recordingGateway();
    const res = await appWith(gateway).inject({
      method: 'POST',
      url: '/webhooks/requests',
      payload: 'summary=x',
      headers: { 'content-type': 'text/plain', 'x-tierflow-signature': signRequest(SECRET, 'summary=x', NOW_S) },
    });
    expect(res.statusCode).toBe(415);
  });

  it('answers 503 with Retry-After when Temporal is unreachable', async () => {
    const { gateway } = recordingGateway({
      start: async () => {
        throw new GatewayError('unavailable', 'Temporal is unreachable; retry later');
      },
    });
    const res = await post(appWith(gateway), validBody);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});

describe('the request API', () => {
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('answers 401 without the bearer token', async () => {
    const { gateway } = recordingGateway();
    const app = appWith(gateway);
    expect((await app.inject({ method: 'GET', url: '/requests/req-json-x' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/requests/req-json-x', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/requests/req-json-x/resolve', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown request id', async () => {
    const { gateway } = recordingGateway();
    const res = await appWith(gateway).inject({ method: 'GET', url: '/requests/req-json-nope', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatch(/req-json-nope/);
  });

  it('answers 404 for an id that is not a request id', async () => {
    const { gateway } = recordingGateway();
    const res = await appWith(gateway).inject({ method: 'GET', url: '/requests/..%2Fetc', headers: auth });
    expect(res.statusCode).toBe(404);
  });

  it('runs an action with its actor, note and the delivery id, in the api- namespace, as update id', async () => {
    const { gateway, acts } = recordingGateway();
    const res = await appWith(gateway).inject({
      method: 'POST',
      url: '/requests/req-json-a/resolve',
      headers: { ...auth, 'idempotency-key': 'delivery-1' },
      payload: { actor: 'grace', note: 'reset MFA' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('resolved');
    expect(acts).toEqual([{ id: 'req-json-a', action: 'resolve', args: { actor: 'grace', note: 'reset MFA', source: 'api' }, updateId: 'api-delivery-1' }]);
  });

  it('answers 404 for an unknown action and 400 for a bad action body', async () => {
    const { gateway, acts } = recordingGateway();
    const app = appWith(gateway);
    const unknown = await app.inject({ method: 'POST', url: '/requests/req-json-a/explode', headers: auth, payload: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/unknown action explode/);
    const bad = await app.inject({ method: 'POST', url: '/requests/req-json-a/resolve', headers: auth, payload: { actor: 42 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/actor/);
    expect(acts).toHaveLength(0);
  });

  it('answers 409 with the reason when the transition is not allowed', async () => {
    const { gateway } = recordingGateway({
      act: async () => {
        throw new GatewayError('conflict', 'cannot resolve: request is already resolved');
      },
    });
    const res = await appWith(gateway).inject({ method: 'POST', url: '/requests/req-json-a/resolve', headers: auth, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('cannot resolve: request is already resolved');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { gateway } = recordingGateway();
    const res = await appWith(gateway).inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatch(/no route/);
  });
});
