/** Ephemeral replies through a click's `response_url`: only under the configured base, and wired through the app. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fetchResponder, isUnderBase, type EphemeralReply } from '../../intake/slack-respond.js';
import { failingGateway } from './support/gateway.js';
import { blockActions } from './support/payloads.js';
import { postInteraction, signedApp } from './support/signed-app.js';

describe('the response_url responder', () => {
  let server: ReturnType<typeof createServer>;
  let base: string;
  const received: Array<{ path: string; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) as unknown });
        res.writeHead(req.url?.startsWith('/response/') ? 200 : 404).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the ephemeral reply as JSON to a URL under its base', async () => {
    const reply: EphemeralReply = { response_type: 'ephemeral', replace_original: false, text: 'why' };
    await fetchResponder(base)(`${base}abc`, reply);
    expect(received).toContainEqual({ path: '/response/abc', body: reply });
  });

  it('refuses URLs outside its base, so a payload cannot aim the intake elsewhere', async () => {
    const reply: EphemeralReply = { response_type: 'ephemeral', replace_original: false, text: 'x' };
    await expect(fetchResponder(base)('http://127.0.0.1:1/other', reply)).rejects.toThrow(/not under/);
    expect(isUnderBase('https://hooks.slack.com.evil.test/actions/1', 'https://hooks.slack.com/')).toBe(false);
    expect(isUnderBase('https://hooks.slack.com/actions/T1/2/x', 'https://hooks.slack.com/')).toBe(true);
    expect(isUnderBase('not a url', 'https://hooks.slack.com/')).toBe(false);
  });

  it('wires through the app: a refused click reaches a local response server', async () => {
    const app = signedApp(failingGateway('conflict', 'already acknowledged by grace'), { respond: fetchResponder(base) });
    const res = await postInteraction(app, blockActions('acknowledge', 'req-json-b', { responseUrl: `${base}click-1` }));
    expect(res.statusCode).toBe(200);
    const deadline = Date.now() + 5_000;
    while (!received.some((r) => r.path === '/response/click-1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.find((r) => r.path === '/response/click-1')?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('already acknowledged by grace'),
    });
  });
});
