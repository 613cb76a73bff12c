/**
 * The Slack emulator's rate limits through the real `@slack/web-api` client (as tierflow builds it:
 * no retries, 429s thrown at once), on a clock the tests move: each method's published tier, and
 * `chat.postMessage`'s one message a second per channel with short bursts.
 */
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';

let limited: SlackEmulator;
let unlimited: SlackEmulator;
let now = Date.parse('2025-03-03T10:00:00Z');

const client = (emu: SlackEmulator, token = 'xoxb-test') =>
  new WebClient(token, { slackApiUrl: emu.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });

beforeAll(async () => {
  limited = await createSlackEmulator({ rateLimits: { now: () => now }, channels: [{ id: 'C0ITHELP', name: 'it_help' }] });
  unlimited = await createSlackEmulator();
});
afterAll(() => Promise.all([limited.close(), unlimited.close()]));
beforeEach(() => {
  limited.reset();
  unlimited.reset();
});

/** What a call ended as: 'ok', or the seconds of Retry-After a 429 carried. */
async function outcome(call: Promise<unknown>): Promise<'ok' | number> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; retryAfter?: number };
    if (e.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') return e.retryAfter;
    throw err;
  }
}

const post = (web: WebClient, channel: string, text = 'hi') => web.chat.postMessage({ channel, text });

/** Swallows Slack's refusal of a call (message_not_found, …), not its 429. */
const unlessRateLimited = (err: { code?: string }) => {
  if (err.code === ErrorCode.RateLimitedError) throw err;
};

describe('chat.postMessage', () => {
  it('takes a burst of 5 into one channel, then answers 429 with Retry-After: 1 and ratelimited, posting nothing', async () => {
    const web = client(limited);
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await outcome(post(web, 'C0ITHELP', `m${i}`)));
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 1, 1, 1]);
    expect(limited.messages.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);

    const raw = await fetch(`${limited.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0ITHELP', text: 'raw' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(limited.calls.filter((c) => c.status === 429)).toHaveLength(4);
  });

  it('counts per channel (by id or by name alike), and lets one more through each second', async () => {
    const web = client(limited);
    for (let i = 0; i < 5; i += 1) expect(await outcome(post(web, i % 2 ? '#it_help' : 'C0ITHELP'))).toBe('ok');
    expect(await outcome(post(web, '#it_help'))).toBe(1);
    expect(await outcome(post(web, 'C0OTHER01'))).toBe('ok');
    now += 999;
    expect(await outcome(post(web, 'C0ITHELP'))).toBe(1);
    now += 1;
    expect(await outcome(post(web, 'C0ITHELP'))).toBe('ok');
    expect(await outcome(post(web, 'C0ITHELP'))).toBe(1);
  });

  it('keeps a workspace-wide limit across channels (300 a minute)', async () => {
    const web = client(limited);
    const results = [];
    for (let i = 0; i < 301; i += 1) results.push(await outcome(post(web, `C0CH${String(Math.floor(i / 5)).padStart(5, '0')}`)));
    expect(results.slice(0, 300).every((r) => r === 'ok')).toBe(true);
    expect(results[300]).toBe(1);
  });

  it('is not limited unless asked: 20 posts into one channel at once all go through', async () => {
    const web = client(unlimited);
    for (let i = 0; i < 20; i += 1) expect(await outcome(post(web, 'C0ITHELP'))).toBe('ok');
    expect(unlimited.messages).toHaveLength(20);
  });
});

describe('the tiers of the other methods', () => {
  const channel = async (web: WebClient) => (await web.conversations.create({ name: `swarm-${Math.random().toString(36).slice(2, 10)}` })).channel!.id!;

  it.each<[string, number, number, (web: WebClient) => Promise<unknown>]>([
    ['conversations.create (Tier 2: 20 a minute)', 20, 3, (web) => channel(web)],
    ['usergroups.list (Tier 2)', 20, 3, (web) => web.usergroups.list()],
    ['conversations.history (Tier 3: 50 a minute)', 50, 2, (web) => web.conversations.history({ channel: 'C0ITHELP' })],
    [
      'chat.update (Tier 3), refused calls counted too',
      50,
      2,
      (web) => web.chat.update({ channel: 'C0ITHELP', ts: '1.000000', text: 'x' }).catch(unlessRateLimited),
    ],
    ['users.info (Tier 4: 100 a minute)', 100, 1, (web) => web.users.info({ user: 'U0ADA00001' })],
  ])('%s: a minute’s calls at once, then 429 with Retry-After until the next one refills', async (_name, burst, retryAfter, call) => {
    const web = client(limited);
    for (let i = 0; i < burst; i += 1) expect(await outcome(call(web))).toBe('ok');
    expect(await outcome(call(web))).toBe(retryAfter);
    now += retryAfter * 1000;
    expect(await outcome(call(web))).toBe('ok');
  });

  it('apps.connections.open (Tier 1): three at once, then one a minute', async () => {
    const app = client(limited, 'xapp-1-A0TIERFLOW-1-abc');
    for (let i = 0; i < 3; i += 1) expect(await outcome(app.apps.connections.open())).toBe('ok');
    expect(await outcome(app.apps.connections.open())).toBe(60);
  });

  it('counts each app apart, and reset() starts every count afresh', async () => {
    const ours = client(limited);
    for (let i = 0; i < 20; i += 1) await ours.usergroups.list();
    expect(await outcome(ours.usergroups.list())).toBe(3);
    expect(await outcome(client(limited, 'xoxb-other-app').usergroups.list())).toBe('ok');
    limited.reset();
    expect(await outcome(ours.usergroups.list())).toBe('ok');
  });
});
