/**
 * The emulators' shared fastify server: what it records, how it parses the bodies Slack's and
 * GitLab's clients send, and each injected failure, driven with plain `fetch`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createEmulatorServer, type EmulatorServer } from '../../sandbox/emulator-server.js';

let emulator: EmulatorServer;
let url: string;
let performed = 0;

beforeAll(async () => {
  emulator = createEmulatorServer({ errorBody: (status) => ({ failed: status }) });
  emulator.app.all('/*', (request) => {
    performed += 1;
    return { echo: request.body ?? {}, path: new URL(request.url, 'http://x').pathname };
  });
  ({ url } = await emulator.listen());
});
afterEach(() => {
  emulator.reset();
  performed = 0;
});
afterAll(() => emulator.close());

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: 'Bearer xoxb-s3cret', 'private-token': 'glpat-s3cret' },
    body,
  });

describe('the emulator server', () => {
  it('listens on 127.0.0.1 and records method, path, query arrays, parsed JSON and form bodies with secrets redacted', async () => {
    await post('/a?x=1&ids[]=1&ids[]=2', '{"token":"xoxb-body","n":1}');
    await post('/b', 'channel=C1&text=hi', 'application/x-www-form-urlencoded');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.calls[0]).toMatchObject({ method: 'POST', path: '/a', query: { x: '1', 'ids[]': ['1', '2'] }, body: { token: '***', n: 1 }, status: 200 });
    expect(emulator.calls[0]?.headers).toMatchObject({ authorization: 'Bearer ***', 'private-token': '***' });
    expect(emulator.calls[1]?.body).toEqual({ channel: 'C1', text: 'hi' });
    expect(JSON.stringify(emulator.calls)).not.toMatch(/s3cret|xoxb-body/);
  });

  it('hands the route a form body as fields, other text as it came, and no body as none', async () => {
    expect(await (await post('/form', 'a=1&b=two', 'application/x-www-form-urlencoded')).json()).toEqual({ echo: { a: '1', b: 'two' }, path: '/form' });
    expect(await (await post('/text', 'plain words', 'text/plain')).json()).toEqual({ echo: 'plain words', path: '/text' });
    await fetch(`${url}/empty`);
    expect(emulator.calls.map((c) => c.body)).toEqual([{ a: '1', b: 'two' }, 'plain words', undefined]);
  });

  it('a failure applies only to the next N calls matching "METHOD path", then answers are normal again', async () => {
    emulator.failNext('POST /fail', { kind: 'server_error', status: 503 }, 2);
    const statuses = [];
    for (const path of ['/other', '/fail', '/fail', '/fail']) statuses.push((await post(path, '{}')).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(performed).toBe(2);
  });

  it('a rate limit answers 429 with Retry-After and the service-shaped error body, without performing the call', async () => {
    emulator.failNext('', { kind: 'rate_limit', retryAfterSeconds: 12 });
    const res = await post('/x', '{}');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(await res.json()).toEqual({ failed: 429 });
    expect(performed).toBe(0);
  });

  it('ambiguous performs the call then answers 502; drop answers nothing and performs nothing', async () => {
    emulator.failNext('/amb', { kind: 'ambiguous' });
    const ambiguous = await post('/amb', '{}');
    expect(ambiguous.status).toBe(502);
    expect(await ambiguous.json()).toEqual({ failed: 502 });
    expect(performed).toBe(1);
    emulator.failNext('/drop', { kind: 'drop' });
    await expect(post('/drop', '{}')).rejects.toThrow('fetch failed');
    expect(performed).toBe(1);
    emulator.failNext('/lost', { kind: 'ambiguous', answer: 'drop' });
    await expect(post('/lost', '{}')).rejects.toThrow('fetch failed');
    expect(performed).toBe(2);
    expect(emulator.calls.map((c) => [c.failure, c.status])).toEqual([
      ['ambiguous', 502],
      ['drop', undefined],
      ['ambiguous', undefined],
    ]);
  });

  it('slow performs the call at once and answers correctly after the delay', async () => {
    emulator.failNext('/slow', { kind: 'slow', delayMs: 150 });
    const started = Date.now();
    const res = await post('/slow', '{"a":1}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await res.json()).toEqual({ echo: { a: 1 }, path: '/slow' });
  });

  it('listens on a given port and closes even with a slow answer pending', async () => {
    const probe = createEmulatorServer();
    const { port } = await probe.listen();
    await probe.close();
    const fixed = createEmulatorServer();
    fixed.app.get('/', () => ({ fixed: true }));
    const bound = await fixed.listen(port);
    expect(bound.url).toBe(`http://127.0.0.1:${port}`);
    fixed.failNext('', { kind: 'slow', delayMs: 60_000 });
    const pending = fetch(bound.url).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fixed.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
