/**
 * The standalone intake (`intake/server.ts`, what the compose stack runs) and worker
 * (`workers/worker.ts`) as real processes: with a gap in their settings they exit non-zero before
 * listening or connecting, naming every variable; with complete settings the intake listens on
 * loopback, with its metrics on their own listener.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { freePort } from '../../workers/dev-server.js';
import { PROJECT_ROOT } from '../../workers/temporal-binaries.js';

const strong = (name: string) => createHash('sha256').update(`tierflow-entry-${name}`).digest('hex');

/** A process environment with no tierflow setting from ours, plus `settings`. */
function envWith(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...settings };
}

interface Exit {
  code: number | null;
  stderr: string;
}

/** Runs an entry file to its exit (killed after `timeoutMs`, which fails the test). */
function run(entry: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, entry)], { env, cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} was still running after ${timeoutMs} ms: it did not refuse to start`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Local addresses listening on `port` (Linux /proc; IPv4 as dotted quad, IPv6 as hex). */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [addr, p] = local.split(':');
      if (p !== hexPort || !addr) continue;
      found.push(addr.length === 8 ? (addr.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)).join('.') : addr);
    }
  }
  return found;
}

const ATTACK = { INTAKE_SECRET: strong('intake'), SLACK_SIGNING_SECRET: strong('slack'), GITLAB_WEBHOOK_SECRET: strong('gitlab') };

describe('the standalone intake process', () => {
  it('refuses to start with secrets for every source but no API_TOKEN, naming each missing variable', async () => {
    const { code, stderr } = await run('intake/server.ts', envWith(ATTACK));
    expect(code).not.toBe(0);
    for (const name of ['API_TOKEN', 'TEMPORAL_ADDRESS', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN']) expect(stderr).toMatch(new RegExp(`${name} is missing`));
    for (const secret of Object.values(ATTACK)) expect(stderr).not.toContain(secret);
  });

  it('refuses a weak secret and sandbox mode, naming them', async () => {
    const weak = await run('intake/server.ts', envWith({ ...ATTACK, API_TOKEN: 'letmein', TEMPORAL_ADDRESS: '127.0.0.1:1', SLACK_HELP_CHANNEL: 'C0ITHELP', SLACK_BOT_TOKEN: 'xoxb-1-abcdefghijklmnop' }));
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/API_TOKEN is too weak/);
    expect(weak.stderr).not.toContain('letmein');
    const sandbox = await run('intake/server.ts', envWith({ TIERFLOW_SANDBOX: '1' }));
    expect(sandbox.code).not.toBe(0);
    expect(sandbox.stderr).toMatch(/sandbox mode runs only under npm start/);
  });

  it('starts with complete settings: loopback only, no Bearer sandbox, /metrics on its own listener', async () => {
    const [port, metricsPort, temporalPort] = [await freePort(), await freePort(), await freePort()];
    const apiToken = strong('api');
    const env = envWith({
      ...ATTACK,
      API_TOKEN: apiToken,
      SLACK_HELP_CHANNEL: 'C0ITHELP',
      SLACK_BOT_TOKEN: 'xoxb-1-abcdefghijklmnop',
      // Nothing listens there: the intake connects lazily and still starts.
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      PORT: String(port),
      METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LOG_LEVEL: 'warn',
    });
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'intake/server.ts')], { env, cwd: PROJECT_ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('the intake did not start listening');
        await new Promise((r) => setTimeout(r, 100));
      }
      // Bound to loopback (HOST unset): nothing listens on another interface.
      expect(listenersOn(port)).toEqual(['127.0.0.1']);
      expect(listenersOn(metricsPort)).toEqual(['127.0.0.1']);
      expect((await fetch(`${base}/requests/req-json-x`, { headers: { authorization: 'Bearer sandbox' } })).status).toBe(401);
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/tierflow_intake_requests_total/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('the standalone worker process', () => {
  it('refuses to start with a gap, naming each missing variable', async () => {
    const { code, stderr } = await run('workers/worker.ts', envWith({ SLACK_BOT_TOKEN: 'xoxb-1-abcdefghijklmnop' }));
    expect(code).not.toBe(0);
    for (const name of ['SLACK_HELP_CHANNEL', 'GITLAB_TOKEN', 'TEMPORAL_ADDRESS']) expect(stderr).toMatch(new RegExp(`${name} is missing`));
    expect(stderr).not.toMatch(/API_TOKEN|INTAKE_SECRET/);
  });

  it('refuses sandbox mode (there are no emulators outside npm start)', async () => {
    const { code, stderr } = await run('workers/worker.ts', envWith({ TIERFLOW_SANDBOX: 'true' }));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/sandbox mode runs only under npm start, which starts the emulators/);
  });
});
