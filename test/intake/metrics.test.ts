import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { createIntakeMetrics, type IntakeMetrics } from '../../intake/metrics.js';
import { createMetricsApp } from '../../intake/metrics-server.js';
import { slackSignatureHeaders } from '../../intake/slack-signature.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { issueHook, slackMessageEvent } from './support/payloads.js';
import { NOW_S, postEvent, postGitlab, signedApp } from './support/signed-app.js';

/** The value of one sample line of the text exposition, or 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

/** `GET /metrics` on the metrics listener of `metrics` (in memory). */
const scrape = (metrics: IntakeMetrics, extraMetrics?: () => Promise<string>) =>
  createMetricsApp({ metrics, ...(extraMetrics ? { extraMetrics } : {}) }).inject({ method: 'GET', url: '/metrics' });

describe('GET /metrics on the metrics listener', () => {
  it('is not served by the public intake app', async () => {
    const { gateway } = recordingGateway();
    const res = await signedApp(gateway).inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toMatch(/tierflow_intake/);
  });

  it('serves GET /metrics only', async () => {
    const app = createMetricsApp({ metrics: createIntakeMetrics() });
    expect((await app.inject({ method: 'GET', url: '/requests/req-json-x' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/metrics' })).statusCode).toBe(404);
  });

  it('counts deliveries by source, outcome and reason, and times them by route', async () => {
    const { gateway } = recordingGateway();
    const registry = new Registry();
    const metrics = createIntakeMetrics(registry);
    const app = signedApp(gateway, { metrics });
    await postEvent(app, slackMessageEvent());
    await postEvent(app, slackMessageEvent());
    await postEvent(app, slackMessageEvent({ bot_id: 'B1' }));
    await postEvent(app, slackMessageEvent(), { timestamp: NOW_S - 3_600 });
    const forged = JSON.stringify(slackMessageEvent());
    await app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: forged,
      headers: { 'content-type': 'application/json', ...slackSignatureHeaders('nope', forged, NOW_S) },
    });
    await postGitlab(app, issueHook('close', { iid: 1 }), { token: 'wrong' });
    await postGitlab(app, { object_kind: 'issue' });

    const res = await scrape(metrics);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="accepted",reason=""}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="duplicate",reason=""}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="ignored",reason="bot_message"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="rejected",reason="stale_timestamp"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="rejected",reason="bad_signature"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="gitlab",outcome="rejected",reason="bad_token"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="gitlab",outcome="rejected",reason="invalid_body"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_latency_seconds_count{route="/slack/events"}')).toBe(5);
    expect(sample(text, 'tierflow_intake_latency_seconds_count{route="/webhooks/gitlab"}')).toBe(2);
  });

  it('labels an unreachable Temporal as rejected/unavailable and an unsigned JSON intake as rejected/bad_signature', async () => {
    const metrics = createIntakeMetrics();
    const app = signedApp(failingGateway('unavailable'), { metrics });
    await postEvent(app, slackMessageEvent());
    await app.inject({ method: 'POST', url: '/webhooks/requests', payload: '{}', headers: { 'content-type': 'application/json' } });
    const text = (await scrape(metrics)).body;
    expect(sample(text, 'tierflow_intake_requests_total{source="slack",outcome="rejected",reason="unavailable"}')).toBe(1);
    expect(sample(text, 'tierflow_intake_requests_total{source="webhook",outcome="rejected",reason="bad_signature"}')).toBe(1);
  });

  it('appends the extra metrics hook (e.g. worker SDK metrics) and keeps serving when it fails', async () => {
    const metrics = createIntakeMetrics();
    expect((await scrape(metrics, async () => '# HELP temporal_worker_up x\ntemporal_worker_up 1\n')).body).toMatch(/\ntemporal_worker_up 1\n$/);
    const res = await scrape(metrics, async () => {
      throw new Error('worker gone');
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/tierflow_intake_requests_total/);
  });

  it('gives each set of metrics its own registry by default, so two apps in one process do not collide', async () => {
    const { gateway } = recordingGateway();
    const [metricsA, metricsB] = [createIntakeMetrics(), createIntakeMetrics()];
    await postEvent(signedApp(gateway, { metrics: metricsA }), slackMessageEvent());
    signedApp(gateway, { metrics: metricsB });
    const line = 'tierflow_intake_requests_total{source="slack",outcome="accepted",reason=""}';
    expect(sample((await scrape(metricsA)).body, line)).toBe(1);
    expect(sample((await scrape(metricsB)).body, line)).toBe(0);
  });
});
