/**
 * Free loopback ports for the cluster's listeners, picked below Linux's ephemeral range (32768 and
 * up): a port picked there can be taken by any outgoing connection before its listener binds it (a
 * busy machine makes that happen), and the Temporal server records each service's membership port
 * in a `smallint` column (cluster_membership.rpc_port), so a port above 32767 makes it exit with
 * "value out of range for type smallint".
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;
const taken = new Set<number>();

/** Whether `port` can be listened on at 127.0.0.1 now. */
function available(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports in [20000, 32000), none handed out before by this process.
 * @example const [grpc, membership] = await freeLoopbackPorts(2);
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (taken.has(port) || !(await available(port))) continue;
    taken.add(port);
    ports.push(port);
  }
  return ports;
}
