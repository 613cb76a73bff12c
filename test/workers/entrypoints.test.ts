/**
 * The standalone intake (`workers/intake.ts`, what the compose stack runs) and worker
 * (`workers/worker.ts`) as real processes: with a gap in their settings they exit non-zero before
 * listening or connecting, naming every variable; with complete settings the intake listens on
 * loopback, with its metrics on their own listener, and stops cleanly on SIGTERM.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { freePort } from '../../workers/dev-server.js';
import { envWith, listenersOn, runToExit as run, startEntry, troubleIn, waitForHttp } from './support/processes.js';

const strong = (name: string) => createHash('sha256').update(`tierflow-entry-${name}`).digest('hex');

const ATTACK = { INTAKE_SECRET: strong('intake'), SLACK_SIGNING_SECRET: strong('slack'), GITLAB_WEBHOOK_SECRET: strong('gitlab') };

describe('the standalone intake process', () => {
  it('refuses to start with secrets for every source but no API_TOKEN, naming each missing variable', async () => {
    const { code, stderr } = await run('workers/intake.ts', envWith(ATTACK));
    expect(code).not.toBe(0);
    for (const name of ['API_TOKEN', 'TEMPORAL_ADDRESS', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN']) expect(stderr).toMatch(new RegExp(`${name} is missing`));
    for (const secret of Object.values(ATTACK)) expect(stderr).not.toContain(secret);
  });

  it('refuses a weak secret and sandbox mode, naming them', async () => {
    const weak = await run(
      'workers/intake.ts',
      envWith({ ...ATTACK, API_TOKEN: 'letmein', TEMPORAL_ADDRESS: '127.0.0.1:1', SLACK_HELP_CHANNEL: 'C0ITHELP', SLACK_BOT_TOKEN: 'xoxb-1-abcdefghijklmnop' }),
    );
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/API_TOKEN is too weak/);
    expect(weak.stderr).not.toContain('letmein');
    const sandbox = await run('workers/intake.ts', envWith({ TIERFLOW_SANDBOX: '1' }));
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
    const intake = startEntry('workers/intake.ts', env);
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/healthz`, intake, 30_000);
      // Bound to loopback (HOST unset): nothing listens on another interface.
      expect(listenersOn(port)).toEqual(['127.0.0.1']);
      expect(listenersOn(metricsPort)).toEqual(['127.0.0.1']);
      expect((await fetch(`${base}/requests/req-json-x`, { headers: { authorization: 'Bearer sandbox' } })).status).toBe(401);
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/tierflow_intake_requests_total/);

      // SIGTERM (what `docker compose stop` sends): both listeners close, exit 0, nothing logged as an error.
      intake.signalGroup('SIGTERM');
      const exit = await intake.exited;
      expect(troubleIn(`${exit.stdout}\n${exit.stderr}`)).toEqual([]);
      expect(exit.code).toBe(0);
      expect(listenersOn(port)).toEqual([]);
      expect(listenersOn(metricsPort)).toEqual([]);
    } finally {
      intake.kill();
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
