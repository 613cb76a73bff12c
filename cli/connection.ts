/**
 * Where the CLI finds Temporal and how it connects: `--address` / `TEMPORAL_ADDRESS`, else the dev
 * server `npm start` embeds (`127.0.0.1:<TEMPORAL_PORT>`, 7233 by default); `--namespace` /
 * `TEMPORAL_NAMESPACE`, else `default`. A server that does not answer, or a namespace it does not
 * have, is one line naming the address — never a stack trace.
 */
import { connect as tcpConnect } from 'node:net';

import { Client, Connection } from '@temporalio/client';

import { CliError, EXIT, usageError } from './errors.js';

/** The Temporal frontend and namespace the CLI talks to. */
export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** How long the CLI waits for Temporal to answer the first call. */
const CONNECT_TIMEOUT_MS = 5_000;

const given = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

/**
 * The target from the options, else the environment, else `npm start`'s embedded dev server.
 * @example temporalTarget({}, { TEMPORAL_PORT: '7300' }) // { address: '127.0.0.1:7300', namespace: 'default' }
 */
export function temporalTarget(opts: { address?: string; namespace?: string }, env: Readonly<Record<string, string | undefined>>): TemporalTarget {
  const port = given(env.TEMPORAL_PORT) ?? '7233';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535) throw usageError('TEMPORAL_PORT', 'must be a port number from 1 to 65535');
  const address = given(opts.address) ?? given(env.TEMPORAL_ADDRESS) ?? `127.0.0.1:${port}`;
  if (!/^[A-Za-z0-9.:[\]_-]+:\d{1,5}$/.test(address))
    throw usageError('--address', `expected host:port, e.g. 127.0.0.1:7233, not ${JSON.stringify(address.slice(0, 80))}`);
  const namespace = given(opts.namespace) ?? given(env.TEMPORAL_NAMESPACE) ?? 'default';
  return { address, namespace };
}

/** A connected client; `close` ends the connection (the process then exits on its own). */
export interface TemporalSession {
  client: Client;
  target: TemporalTarget;
  close(): Promise<void>;
}

const firstLine = (err: unknown) =>
  ((err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)).split('\n')[0] ?? '').slice(0, 200);

/**
 * Connects to `target` and checks that the namespace exists, or throws a {@link CliError}
 * (exit 1) naming the address and what to do.
 */
export async function connectTemporal(target: TemporalTarget): Promise<TemporalSession> {
  const unreachable = (why: string) =>
    new CliError(
      `cannot reach Temporal at ${target.address} (${why}); is \`npm start\` running? Set --address or TEMPORAL_ADDRESS to point elsewhere.`,
      EXIT.failure,
    );
  // gRPC retries a refused connection until its deadline; a plain TCP knock says "refused" at once.
  const refused = await knock(target.address, CONNECT_TIMEOUT_MS);
  if (refused) throw unreachable(refused);
  const connection = Connection.lazy({ address: target.address, connectTimeout: CONNECT_TIMEOUT_MS });
  try {
    await connection.ensureConnected();
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw unreachable(firstLine(err));
  }
  try {
    await connection.withDeadline(Date.now() + CONNECT_TIMEOUT_MS, () => connection.workflowService.describeNamespace({ namespace: target.namespace }));
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw new CliError(
      `Temporal at ${target.address} has no namespace ${target.namespace} (${firstLine(err)}); set --namespace or TEMPORAL_NAMESPACE.`,
      EXIT.failure,
    );
  }
  return { client: new Client({ connection, namespace: target.namespace }), target, close: () => connection.close() };
}

/** Why nothing answers at `address` (refused, no such host, timed out), or null when a TCP connection opens. */
function knock(address: string, timeoutMs: number): Promise<string | null> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: timeoutMs });
    const done = (why: string | null) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => done(null));
    socket.once('timeout', () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'no such host' : (err.code ?? err.message)),
    );
  });
}

/** Runs `fn` with a session, closing it whatever happens. */
export async function withTemporal<T>(target: TemporalTarget, fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const session = await connectTemporal(target);
  try {
    return await fn(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}
