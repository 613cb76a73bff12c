/**
 * A small round-robin TCP balancer in front of the intakes, as a load balancer in front of intake
 * replicas: each new connection goes to the next backend; one that refuses the connection (an
 * intake killed and not yet back) is skipped for the next. A connection open on an intake when it
 * is killed is cut, as it would be in production: the sender sees an error and retries.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface RoundRobin {
  /** `http://127.0.0.1:<port>` to send to. */
  url: string;
  /** Connections handed to each backend so far, by its port. */
  readonly handed: ReadonlyMap<number, number>;
  close(): Promise<void>;
}

/**
 * Starts the balancer over loopback `ports`.
 * @example const lb = await startRoundRobin([3101, 3102]); // POST `${lb.url}/webhooks/requests`
 */
export async function startRoundRobin(ports: readonly number[]): Promise<RoundRobin> {
  let next = 0;
  const handed = new Map<number, number>(ports.map((p) => [p, 0]));
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  /** Connects to the next backend that accepts, trying each at most once. */
  const upstream = (client: Socket, tries: number) => {
    if (tries >= ports.length || client.destroyed) return void client.destroy();
    const port = ports[next++ % ports.length]!;
    const target = connect({ host: '127.0.0.1', port });
    const refused = () => {
      target.destroy();
      upstream(client, tries + 1);
    };
    target.once('error', refused);
    target.once('connect', () => {
      target.off('error', refused);
      handed.set(port, (handed.get(port) ?? 0) + 1);
      track(target);
      client.pipe(target);
      target.pipe(client);
      client.resume();
      client.once('close', () => target.destroy());
      target.once('close', () => client.destroy());
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    upstream(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    handed,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
