/**
 * The scale-out run's balancer: new connections go round the intakes, and one whose intake is down
 * (connection refused) goes to the next, so a killed intake costs only the requests open on it.
 */
import { createServer, type Server } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { freeLoopbackPorts } from '../../cluster/ports.js';
import { startRoundRobin, type RoundRobin } from '../../cluster/round-robin.js';

const servers: Server[] = [];
let balancer: RoundRobin | null = null;
afterEach(async () => {
  await balancer?.close();
  balancer = null;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An HTTP server answering its own name, without keep-alive (one request per connection). */
async function named(name: string, port: number): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(200, { connection: 'close' }).end(name));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return server;
}

const ask = async (url: string) => (await fetch(url, { headers: { connection: 'close' } })).text();

describe('the round-robin balancer', () => {
  it('hands new connections to each backend in turn', async () => {
    const [a, b] = await freeLoopbackPorts(2);
    await named('a', a!);
    await named('b', b!);
    balancer = await startRoundRobin([a!, b!]);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await ask(balancer.url));
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect([...balancer.handed.values()]).toEqual([2, 2]);
  });

  it('skips a backend that refuses connections, and uses it again once it is back', async () => {
    const [a, b] = await freeLoopbackPorts(2);
    await named('a', a!);
    balancer = await startRoundRobin([a!, b!]);
    const whileDown = [];
    for (let i = 0; i < 4; i += 1) whileDown.push(await ask(balancer.url));
    expect(whileDown).toEqual(['a', 'a', 'a', 'a']);
    await named('b', b!);
    const back = [];
    for (let i = 0; i < 4; i += 1) back.push(await ask(balancer.url));
    expect(back).toContain('b');
  });
});
