/**
 * Slack's Socket Mode, emulated: the WebSocket end of `apps.connections.open`. The emulator hands
 * out one-use `ws://127.0.0.1:<port>/link/?ticket=…` URLs; a client that connects with a valid
 * ticket gets Slack's `hello`, then envelopes pushed by tests (`send`), and answers each with an
 * acknowledgement `{ envelope_id, payload? }`. Like Slack, the server pings its clients (the
 * Socket Mode client reconnects when pings stop) and says `disconnect` before it goes away.
 *
 * Envelope: `{ envelope_id, type: 'events_api' | 'slash_commands' | 'interactive', payload,
 * accepts_response_payload, retry_attempt, retry_reason }`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

/** The kinds of envelope Slack pushes. */
export type SocketModeEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/** A client's acknowledgement of one envelope. */
export interface SocketModeAck {
  envelope_id: string;
  /** What the app answered with (a command's reply, a view's `response_action`), when it answered with something. */
  payload?: Record<string, unknown>;
}

/** Options of one push. */
export interface SocketModeSendOptions {
  /** How long to wait for the acknowledgement (default 5 s; Slack waits 3 s, then retries events). */
  timeoutMs?: number;
  /** `retry_attempt` (0 for a first delivery), as Slack sets it on redelivered events. */
  retryAttempt?: number;
  retryReason?: string;
}

/** The Socket Mode side of the Slack emulator. */
export interface SocketModeServer {
  /** Issues the URL `apps.connections.open` answers with (a fresh ticket each time). */
  openConnection(appId: string): string;
  /** Clients connected now (after `hello`). */
  readonly connections: number;
  /** Resolves once at least one client is connected. */
  connected(timeoutMs?: number): Promise<void>;
  /**
   * Pushes an envelope to a connected client (the most recent) and resolves with its
   * acknowledgement; rejects when none is connected or none acknowledges in time.
   * @example const ack = await slack.socketMode.send('slash_commands', { command: '/it-help', … })
   */
  send(type: SocketModeEnvelopeType, payload: Record<string, unknown>, opts?: SocketModeSendOptions): Promise<SocketModeAck>;
  /** Every acknowledgement received, oldest first. */
  readonly acks: readonly SocketModeAck[];
  close(): Promise<void>;
}

/** Slack pings its clients about every 10 s. */
const PING_INTERVAL_MS = 10_000;

/**
 * Starts the Socket Mode WebSocket server on 127.0.0.1 (its own ephemeral port).
 * @example
 * const socketMode = await startSocketModeServer();
 * methods['apps.connections.open'] = () => ({ ok: true, url: socketMode.openConnection('A0TIERFLOW') });
 */
export async function startSocketModeServer(): Promise<SocketModeServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const tickets = new Map<string, string>();
  const clients: WebSocket[] = [];
  const acks: SocketModeAck[] = [];
  const waiting = new Map<string, (ack: SocketModeAck) => void>();
  const connectedWaiters = new Set<() => void>();

  server.on('connection', (socket, request) => {
    const ticket = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams.get('ticket') ?? '';
    const appId = tickets.get(ticket);
    tickets.delete(ticket);
    if (!appId) {
      socket.close(4001, 'invalid ticket');
      return;
    }
    clients.push(socket);
    const ping = setInterval(() => socket.ping(), PING_INTERVAL_MS);
    ping.unref();
    socket.on('close', () => {
      clearInterval(ping);
      clients.splice(clients.indexOf(socket), 1);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let ack: SocketModeAck;
      try {
        ack = JSON.parse(data.toString()) as SocketModeAck;
      } catch {
        return;
      }
      if (typeof ack.envelope_id !== 'string') return;
      acks.push(ack);
      waiting.get(ack.envelope_id)?.(ack);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: clients.length,
        debug_info: { host: 'applink-emulator', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    for (const resolve of connectedWaiters) resolve();
    connectedWaiters.clear();
  });

  return {
    openConnection(appId) {
      const ticket = randomUUID();
      tickets.set(ticket, appId);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    get connections() {
      return clients.length;
    },
    connected(timeoutMs = 5_000) {
      if (clients.length > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          connectedWaiters.delete(done);
          reject(new Error(`no Socket Mode client connected within ${timeoutMs} ms`));
        }, timeoutMs);
        connectedWaiters.add(done);
      });
    },
    send(type, payload, opts = {}) {
      const socket = clients.at(-1);
      if (!socket) return Promise.reject(new Error('no Socket Mode client is connected'));
      const envelopeId = randomUUID();
      const timeoutMs = opts.timeoutMs ?? 5_000;
      return new Promise<SocketModeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`envelope ${envelopeId} (${type}) was not acknowledged within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(envelopeId, (ack) => {
          clearTimeout(timer);
          waiting.delete(envelopeId);
          resolve(ack);
        });
        socket.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== 'events_api',
            ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' } : {}),
          }),
        );
      });
    },
    acks,
    async close() {
      for (const socket of [...clients]) {
        socket.send(JSON.stringify({ type: 'disconnect', reason: 'warning', debug_info: { host: 'applink-emulator' } }));
        socket.terminate();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * How the Web API answers a call made with an app-level token (`xapp-…`): `apps.connections.open`
 * opens a Socket Mode URL (`xapp-invalid` → `invalid_auth`); every other method refuses the token
 * type, as Slack does.
 */
export function answerAppLevelCall(socketMode: SocketModeServer, method: string, token: string, appId: string): Record<string, unknown> {
  if (method !== 'apps.connections.open') return { ok: false, error: 'not_allowed_token_type' };
  if (token === 'xapp-invalid') return { ok: false, error: 'invalid_auth' };
  return { ok: true, url: socketMode.openConnection(appId) };
}
