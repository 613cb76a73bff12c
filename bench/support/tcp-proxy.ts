/**
 * A loopback TCP proxy in front of the Temporal frontend, so the fault harness can make Temporal
 * unreachable for one client only: `refuse` resets every connection, `blackhole` accepts and never
 * answers (the client's deadline expires), `pass` forwards.
 */
import { connect, createServer, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

export interface TcpProxy {
  /** `127.0.0.1:<port>` to connect to instead of the upstream. */
  address: string;
  readonly mode: ProxyMode;
  /** Switches mode; leaving `pass` cuts every open connection. */
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (`host:port`) on an ephemeral loopback port. */
export async function startTcpProxy(upstream: string): Promise<TcpProxy> {
  const at = upstream.lastIndexOf(':');
  const host = upstream.slice(0, at);
  const port = Number(upstream.slice(at + 1));
  let mode: ProxyMode = 'pass';
  const open = new Set<Socket>();
  const held = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.resetAndDestroy();
    if (mode === 'blackhole') {
      held.add(client);
      client.once('close', () => held.delete(client));
      return;
    }
    const target = connect({ host, port });
    track(target);
    client.pipe(target);
    target.pipe(client);
    client.once('close', () => target.destroy());
    target.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;

  return {
    address: `127.0.0.1:${proxyPort}`,
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
      // Leaving `pass` cuts live connections; leaving `blackhole` releases the ones held unanswered.
      for (const socket of next === 'pass' ? held : open) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
