/**
 * Property tests: whatever body and headers arrive, every endpoint answers a 2xx or a 4xx JSON
 * error naming the problem, never a 500; a body without the right signature or token never
 * reaches Temporal. The JSON intake accepts exactly the headers its contract describes (checked
 * against the fuzz oracle's own statement of the scheme), only inside the 5-minute window, and
 * a replay lands on the same request.
 */
import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FUZZ_NOW_MS, FUZZ_SECRETS, type FuzzCase } from '../../bench/fuzz/cases.js';
import { fuzzTarget } from '../../bench/fuzz/harness.js';
import { hasValidCredential } from '../../bench/fuzz/oracle.js';
import { signRequest } from '../../intake/signature.js';
import { slackSignatureHeaders } from '../../intake/slack-signature.js';
import { recordingGateway } from './support/gateway.js';
import { blockActions, issueHook, noteHook, slackMessageEvent, slashCommandFields } from './support/payloads.js';
import { formEncode, GITLAB_SECRET, NOW_S, signedApp, SLACK_SECRET } from './support/signed-app.js';

const RUNS = 200;
const ROUTES = ['/slack/events', '/slack/commands', '/slack/interactions', '/webhooks/gitlab', '/webhooks/requests'] as const;

/** JSON values, mostly objects, some shaped like the real payloads with fields replaced at random. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('type', 'event', 'event_id', 'object_kind', 'user', 'project', 'object_attributes', 'challenge', 'actions'), fc.jsonValue()),
  fc
    .tuple(
      fc.constantFrom<Record<string, unknown>>(
        slackMessageEvent(),
        issueHook('close', { iid: 3 }),
        noteHook('hi', { iid: 3 }),
        blockActions('resolve', 'req-json-a'),
      ),
      fc.string(),
      fc.jsonValue(),
    )
    .map(([base, key, value]) => ({ ...base, [key || 'type']: value })),
  fc
    .tuple(fc.jsonValue(), fc.constantFrom('channel', 'user', 'ts', 'thread_ts', 'text', 'subtype', 'bot_id', 'channel_type'))
    .map(([value, key]) => slackMessageEvent({ [key]: value })),
);

const contentTypes = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', '');

function assertSane(status: number, body: string): void {
  expect(status).toBeLessThan(500);
  if (status >= 400) expect(JSON.parse(body)).toMatchObject({ error: expect.any(String) });
}

describe('intake robustness', () => {
  it.each(ROUTES)('%s answers random unsigned bodies and headers with 4xx JSON, starting nothing', async (route) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          jsonish.map((v) => JSON.stringify(v)),
        ),
        contentTypes,
        fc.dictionary(
          fc.constantFrom('x-slack-signature', 'x-slack-request-timestamp', 'x-gitlab-token', 'idempotency-key', 'x-tierflow-signature'),
          fc.string({ maxLength: 80 }),
        ),
        async (body, contentType, headers) => {
          const { gateway, started, acts, notices } = recordingGateway();
          const safeHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')]));
          const res = await signedApp(gateway).inject({
            method: 'POST',
            url: route,
            payload: body,
            headers: { ...(contentType ? { 'content-type': contentType } : {}), ...safeHeaders },
          });
          assertSane(res.statusCode, res.body);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect([...started, ...acts, ...notices]).toHaveLength(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('/slack/events never fails on signed random JSON', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, async (value) => {
        const body = JSON.stringify(value);
        const res = await signedApp(recordingGateway().gateway).inject({
          method: 'POST',
          url: '/slack/events',
          payload: body,
          headers: { 'content-type': 'application/json', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S) },
        });
        assertSane(res.statusCode, res.body);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(['/slack/commands', '/slack/interactions'])('%s never fails on signed random forms', async (route) => {
    const fields = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 200 })),
      fc.tuple(fc.constantFrom(...Object.keys(slashCommandFields())), fc.string()).map(([k, v]) => slashCommandFields({ [k]: v })),
      jsonish.map((v) => ({ payload: JSON.stringify(v) })),
      fc.string().map((payload) => ({ payload })),
    );
    await fc.assert(
      fc.asyncProperty(fields, async (form) => {
        const body = formEncode(form);
        const res = await signedApp(recordingGateway().gateway).inject({
          method: 'POST',
          url: route,
          payload: body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S) },
        });
        assertSane(res.statusCode, res.body);
      }),
      { numRuns: RUNS },
    );
  });

  it('/webhooks/gitlab never fails on random JSON with the right token', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, fc.option(fc.string({ maxLength: 60 }).map((k) => k.replace(/[^\x20-\x7e]/g, ''))), async (value, key) => {
        const res = await signedApp(recordingGateway().gateway).inject({
          method: 'POST',
          url: '/webhooks/gitlab',
          payload: JSON.stringify(value),
          headers: { 'content-type': 'application/json', 'x-gitlab-token': GITLAB_SECRET, ...(key ? { 'idempotency-key': key } : {}) },
        });
        assertSane(res.statusCode, res.body);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects any Slack timestamp more than 5 minutes from now, whatever the (valid) signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 301, max: 10 ** 9 }), fc.boolean(), async (skew, ahead) => {
        const { gateway, started } = recordingGateway();
        const body = JSON.stringify(slackMessageEvent());
        const res = await signedApp(gateway).inject({
          method: 'POST',
          url: '/slack/events',
          payload: body,
          headers: { 'content-type': 'application/json', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S + (ahead ? skew : -skew)) },
        });
        expect(res.statusCode).toBe(401);
        expect(started).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
  });
});

/** A valid JSON intake body, with or without an idempotency key. */
const webhookBody = fc
  .record(
    {
      requester: fc.record(
        {
          email: fc.constantFrom('ada@example.com', 'x.y+z@sub.example.org'),
          name: fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim().length > 0),
        },
        { requiredKeys: ['email'] },
      ),
      summary: fc.string({ minLength: 1, maxLength: 120 }).filter((t) => t.trim().length > 0),
      priority: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
      idempotencyKey: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.constantFrom('d-0123456789abcdef', 'h-x'),
      ),
    },
    { requiredKeys: ['requester', 'summary'] },
  )
  .map((b) => JSON.stringify(b));

const INTAKE_SECRET = 'intake-secret'; // signedApp's
const postJson = (app: ReturnType<typeof signedApp>, raw: string, signature: string) =>
  app.inject({ method: 'POST', url: '/webhooks/requests', payload: raw, headers: { 'content-type': 'application/json', 'x-tierflow-signature': signature } });

describe('JSON intake signatures (t=…,v1=…)', () => {
  it('accepts a header exactly when the contract says it is valid, and starts nothing otherwise', async () => {
    const target = await fuzzTarget();
    const nowS = Math.floor(FUZZ_NOW_MS / 1000);
    const sign = (t: string | number, raw: string, secret: string = FUZZ_SECRETS.intake) => createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
    const headers = fc.tuple(webhookBody, fc.integer({ min: -400, max: 400 })).chain(([raw, offset]) => {
      const t = nowS + offset;
      const otherV1 = fc.constantFrom(
        `v1=${sign(t, raw).toUpperCase()}`,
        `v1=${sign(t, raw, 'retired-secret')}`,
        `v1=${sign(t + 1, raw)}`,
        `v1=${sign(t, `${raw} `)}`,
      );
      const element = fc.oneof(
        { weight: 3, arbitrary: fc.constant(`t=${t}`) },
        {
          weight: 1,
          arbitrary: fc
            .oneof(
              fc.integer({ min: -400, max: 400 }).map((d) => String(nowS + d)),
              fc.constantFrom('', '0', `0${t}`, `${t}.5`, `-${t}`, `${t * 1000}`, 'now', '9'.repeat(40)),
            )
            .map((v) => `t=${v}`),
        },
        { weight: 3, arbitrary: fc.constantFrom(`v1=${sign(t, raw)}`, `v1=${sign(t, raw).toUpperCase()}`) },
        { weight: 2, arbitrary: otherV1 },
        { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-fA-Fg]{0,70}$/).map((h) => `v1=${h}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            `sha256=${createHmac('sha256', FUZZ_SECRETS.intake).update(raw).digest('hex')}`,
            'v0=abc',
            '',
            ' ',
            `T=${t}`,
            'v1',
            't',
            `V1=${sign(t, raw)}`,
          ),
        },
      );
      // Half near-valid (one t, the right v1 among up to eight others, any order), half anything.
      const nearValid = fc
        .array(otherV1, { maxLength: 8 })
        .chain((others) => fc.shuffledSubarray([`t=${t}`, `v1=${sign(t, raw)}`, ...others], { minLength: others.length + 2 }));
      return fc.oneof(nearValid, fc.array(element, { maxLength: 11 })).map((elements) => ({ raw, header: elements.join(',') }));
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(headers, async ({ raw, header }) => {
        const c: FuzzCase = {
          route: { method: 'POST', path: '/webhooks/requests' },
          method: 'POST',
          url: '/webhooks/requests',
          headers: { 'content-type': 'application/json', 'x-tierflow-signature': header },
          body: Buffer.from(raw),
          label: header,
        };
        const before = target.calls.length;
        const res = await target.app.inject({ method: 'POST', url: c.url, headers: c.headers, payload: raw });
        const valid = hasValidCredential('intake-hmac', c);
        expect(res.statusCode, `${header} → ${res.body}`).toBe(valid ? 202 : 401);
        if (!valid) expect(res.json().error).toMatch(/X-Tierflow-Signature/);
        expect(target.calls.length - before).toBe(valid ? 1 : 0);
        if (valid) accepted += 1;
      }),
      { numRuns: 400 },
    );
    // Both answers were reached, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(40);
    expect(accepted).toBeLessThan(360);
    await target.app.close();
  });

  it('rejects any timestamp more than 5 minutes from now, whatever the (valid) signature', async () => {
    await fc.assert(
      fc.asyncProperty(webhookBody, fc.integer({ min: 301, max: 10 ** 9 }), fc.boolean(), async (raw, skew, ahead) => {
        const { gateway, started } = recordingGateway();
        const res = await postJson(signedApp(gateway), raw, signRequest(INTAKE_SECRET, raw, NOW_S + (ahead ? skew : -skew)));
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toMatch(ahead ? /in the future/ : /stale by/);
        expect(started).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
  });

  it('never lets a valid signature vouch for another body', async () => {
    await fc.assert(
      fc.asyncProperty(webhookBody, webhookBody, fc.integer({ min: -300, max: 300 }), async (signedBody, sentBody, offset) => {
        fc.pre(signedBody !== sentBody);
        const { gateway, started } = recordingGateway();
        const res = await postJson(signedApp(gateway), sentBody, signRequest(INTAKE_SECRET, signedBody, NOW_S + offset));
        expect(res.statusCode).toBe(401);
        expect(started).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
  });

  it('lands every replay of an accepted delivery, inside the window, on the same request', async () => {
    await fc.assert(
      fc.asyncProperty(webhookBody, fc.integer({ min: -300, max: 300 }), fc.integer({ min: 2, max: 4 }), async (raw, offset, times) => {
        const { gateway, started } = recordingGateway();
        const app = signedApp(gateway);
        const signature = signRequest(INTAKE_SECRET, raw, NOW_S + offset);
        const answers = [];
        for (let i = 0; i < times; i += 1) answers.push(await postJson(app, raw, signature));
        expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 202));
        expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
        expect(answers.map((a) => a.json().duplicate)).toEqual([false, ...answers.slice(1).map(() => true)]);
        expect(new Set(started.map((s) => s.id)).size).toBe(1);
      }),
      { numRuns: 100 },
    );
  });
});
