/**
 * The Slack emulator's Socket Mode: `apps.connections.open` through the real Web API client, and
 * the WebSocket protocol (hello, envelopes, acknowledgements) through a plain WebSocket client.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await createSlackEmulator();
});
afterAll(() => emulator.close());

const client = (token?: string) => new WebClient(token, { slackApiUrl: emulator.url, retryConfig: { retries: 0 } });

/** Connects a WebSocket and collects what the server sends, as parsed JSON. */
async function connect(url: string) {
  const socket = new WebSocket(url);
  const received: Array<Record<string, unknown>> = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received, closed };
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('apps.connections.open', () => {
  it('gives an app-level token a WebSocket URL on the loopback', async () => {
    const answer = await client('xapp-1-A0TIERFLOW-1-abc').apps.connections.open();
    expect(answer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]{36}&app_id=A0TIERFLOW$/);
  });

  it.each([
    ['a bot token', 'xoxb-intake', 'not_allowed_token_type'],
    ['a revoked app-level token', 'xapp-invalid', 'invalid_auth'],
    ['no token', undefined, 'not_authed'],
  ])('refuses %s', async (_name, token, error) => {
    await expect(client(token).apps.connections.open()).rejects.toMatchObject({ data: { ok: false, error } });
  });

  it('refuses an app-level token on bot methods', async () => {
    await expect(client('xapp-1-A0TIERFLOW-1-abc').chat.postMessage({ channel: 'C0ITHELP', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
  });
});

describe('the Socket Mode WebSocket', () => {
  it('says hello, pushes envelopes and resolves each with its acknowledgement', async () => {
    const { url } = await client('xapp-1-A0TIERFLOW-1-abc').apps.connections.open();
    const { socket, received } = await connect(url!);
    const hello = await until(() => received.find((m) => m.type === 'hello'));
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TIERFLOW' } });
    await emulator.socketMode.connected();

    const pushed = emulator.socketMode.send('slash_commands', { command: '/it-help', text: 'vpn' });
    const envelope = await until(() => received.find((m) => m.type === 'slash_commands'));
    expect(envelope).toEqual({
      envelope_id: expect.any(String),
      type: 'slash_commands',
      payload: { command: '/it-help', text: 'vpn' },
      accepts_response_payload: true,
    });
    socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'got it' } }));
    expect(await pushed).toEqual({ envelope_id: envelope.envelope_id, payload: { text: 'got it' } });

    const event = emulator.socketMode.send('events_api', { type: 'event_callback', event: { type: 'message' } }, { retryAttempt: 1, retryReason: 'timeout' });
    const delivered = await until(() => received.find((m) => m.type === 'events_api'));
    expect(delivered).toMatchObject({ accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout' });
    socket.send(JSON.stringify({ envelope_id: delivered.envelope_id }));
    expect(await event).toEqual({ envelope_id: delivered.envelope_id });
    expect(emulator.socketMode.acks.map((a) => a.envelope_id)).toEqual([envelope.envelope_id, delivered.envelope_id]);
    socket.close();
  });

  it('rejects an envelope nobody acknowledges in time, and a push with nobody connected', async () => {
    const { url } = await client('xapp-1-A0TIERFLOW-1-abc').apps.connections.open();
    const { socket } = await connect(url!);
    await emulator.socketMode.connected();
    await expect(emulator.socketMode.send('interactive', { type: 'block_actions' }, { timeoutMs: 200 })).rejects.toThrow(/not acknowledged within 200 ms/);
    socket.close();
    await until(() => (emulator.socketMode.connections === 0 ? true : undefined));
    await expect(emulator.socketMode.send('interactive', { type: 'block_actions' })).rejects.toThrow(/no Socket Mode client/);
  });

  it('accepts each ticket once', async () => {
    const { url } = await client('xapp-1-A0TIERFLOW-1-abc').apps.connections.open();
    const first = await connect(url!);
    const again = await connect(url!);
    expect(await again.closed).toBe(4001);
    first.socket.close();
  });
});
