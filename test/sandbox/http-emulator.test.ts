import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { json, startHttpEmulator, type HttpEmulator } from '../../sandbox/http-emulator.js';

let emulator: HttpEmulator;
let performed = 0;

beforeAll(async () => {
  emulator = await startHttpEmulator({
    handler: (req) => {
      performed += 1;
      return json(200, { echo: req.body, path: req.path });
    },
    errorBody: (status) => ({ failed: status }),
  });
});
afterEach(() => {
  emulator.reset();
  performed = 0;
});
afterAll(() => emulator.close());

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: 'Bearer xoxb-s3cret', 'private-token': 'glpat-s3cret' }, body });

describe('http emulator base', () => {
  it('listens on 127.0.0.1 and records method, path, query arrays, parsed JSON and form bodies with secrets redacted', async () => {
    await post('/a?x=1&ids[]=1&ids[]=2', '{"token":"xoxb-body","n":1}');
    await post('/b', 'channel=C1&text=hi', 'application/x-www-form-urlencoded');
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.calls[0]).toMatchObject({ method: 'POST', path: '/a', query: { x: '1', 'ids[]': ['1', '2'] }, body: { token: '***', n: 1 }, status: 200 });
    expect(emulator.calls[0]?.headers).toMatchObject({ authorization: 'Bearer ***', 'private-token': '***' });
    expect(emulator.calls[1]?.body).toEqual({ channel: 'C1', text: 'hi' });
    expect(JSON.stringify(emulator.calls)).not.toMatch(/s3cret|xoxb-body/);
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
    expect((await post('/amb', '{}')).status).toBe(502);
    expect(performed).toBe(1);
    emulator.failNext('/drop', { kind: 'drop' });
    await expect(post('/drop', '{}')).rejects.toThrow('fetch failed');
    expect(performed).toBe(1);
    expect(emulator.calls.map((c) => c.failure)).toEqual(['ambiguous', 'drop']);
  });

  it('slow performs the call at once and answers correctly after the delay', async () => {
    emulator.failNext('/slow', { kind: 'slow', delayMs: 150 });
    const started = Date.now();
    const res = await post('/slow', '{"a":1}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await res.json()).toEqual({ echo: { a: 1 }, path: '/slow' });
  });

  it('listens on a given port and closes even with a slow answer pending', async () => {
    const probe = await startHttpEmulator({ handler: () => json(200, {}) });
    const { port } = probe;
    await probe.close();
    const fixed = await startHttpEmulator({ port, handler: () => json(200, { fixed: true }) });
    expect(fixed.url).toBe(`http://127.0.0.1:${port}`);
    fixed.failNext('', { kind: 'slow', delayMs: 60_000 });
    const pending = fetch(fixed.url).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fixed.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
