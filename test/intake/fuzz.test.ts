/**
 * Property tests: whatever body and headers arrive, every endpoint answers a 2xx or a 4xx JSON
 * error naming the problem, never a 500; a body without the right signature or token never
 * reaches Temporal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

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
  fc.tuple(fc.constantFrom<Record<string, unknown>>(slackMessageEvent(), issueHook('close', { iid: 3 }), noteHook('hi', { iid: 3 }), blockActions('resolve', 'req-json-a')), fc.string(), fc.jsonValue()).map(
    ([base, key, value]) => ({ ...base, [key || 'type']: value }),
  ),
  fc.tuple(fc.jsonValue(), fc.constantFrom('channel', 'user', 'ts', 'thread_ts', 'text', 'subtype', 'bot_id', 'channel_type')).map(([value, key]) => slackMessageEvent({ [key]: value })),
);

const contentTypes = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', '');

function assertSane(status: number, body: string): void {
  expect(status).toBeLessThan(500);
  if (status >= 400) expect(JSON.parse(body)).toMatchObject({ error: expect.any(String) });
}

describe('intake robustness', () => {
  it.each(ROUTES)('%s answers random unsigned bodies and headers with 4xx JSON, starting nothing', async (route) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), jsonish.map((v) => JSON.stringify(v))), contentTypes, fc.dictionary(fc.constantFrom('x-slack-signature', 'x-slack-request-timestamp', 'x-gitlab-token', 'idempotency-key', 'x-tierflow-signature'), fc.string({ maxLength: 80 })), async (body, contentType, headers) => {
        const { gateway, started, acts, notices } = recordingGateway();
        const safeHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')]));
        const res = await signedApp(gateway).inject({ method: 'POST', url: route, payload: body, headers: { ...(contentType ? { 'content-type': contentType } : {}), ...safeHeaders } });
        assertSane(res.statusCode, res.body);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect([...started, ...acts, ...notices]).toHaveLength(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('/slack/events never fails on signed random JSON', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, async (value) => {
        const body = JSON.stringify(value);
        const res = await signedApp(recordingGateway().gateway).inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': 'application/json', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S) } });
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
        const res = await signedApp(recordingGateway().gateway).inject({ method: 'POST', url: route, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S) } });
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
        const res = await signedApp(gateway).inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': 'application/json', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S + (ahead ? skew : -skew)) } });
        expect(res.statusCode).toBe(401);
        expect(started).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
  });
});
