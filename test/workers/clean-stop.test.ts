/**
 * Ctrl-C on `npm start` and a stop of the standalone worker, on real processes: the worker drains,
 * then the connections close, then the dev server stops, and nothing is logged as an error (no
 * "Not running. Current state: DRAINING", no "Cannot close connection while Workers hold a
 * reference to it": only our handler acts, the SDK's is off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { emulatorEnv } from '../../bench/support/emulator-env.js';
import { RECONCILE_SCHEDULE_ID } from '../../contracts/reconcile-tracker.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { freePort } from '../../workers/dev-server.js';
import { envWith, listenersOn, npmScriptArgv, startEntry, troubleIn, waitForHttp } from './support/processes.js';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tierflow-clean-stop-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start (its script: node --import tsx workers/main.ts), sandbox mode', () => {
  it('stops on Ctrl-C with a request in flight: exit 0, the dev server gone, not one error logged', async () => {
    const [port, metricsPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // Nothing configured but where to listen and keep data: sandbox mode, its own dev server.
    const env = envWith({
      TIERFLOW_DATA_DIR: dataDir,
      PORT: String(port),
      METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
    });
    const app = startEntry(npmScriptArgv('start'), env);
    try {
      const base = `http://localhost:${port}`;
      await waitForHttp(`${base}/healthz`, app, 120_000);
      expect(app.stdout).toContain('SANDBOX MODE');
      expect(listenersOn(temporalPort)).toEqual(['127.0.0.1']);

      // A request the worker is working on while the stop comes.
      const opened = await fetch(`${base}/webhooks/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'Locked out of Okta', system: 'okta-sso', idempotencyKey: 'clean-stop' }),
      });
      expect(opened.status).toBe(202);

      // Ctrl-C in a terminal: SIGINT to every process of the foreground group.
      app.signalGroup('SIGINT');
      const exit = await app.exited;
      const output = `${exit.stdout}\n${exit.stderr}`;
      expect(troubleIn(output)).toEqual([]);
      expect(exit.code).toBe(0);
      expect(output).toMatch(/"msg":"stopping"/);
      expect(output).toMatch(/"msg":"stopped"/);
      // The dev server was stopped (last), not orphaned; the listeners are closed.
      expect(listenersOn(temporalPort)).toEqual([]);
      expect(listenersOn(port)).toEqual([]);
      expect(listenersOn(metricsPort)).toEqual([]);
    } finally {
      app.kill();
    }
  }, 180_000);
});

describe('the standalone worker (workers/worker.ts)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('drains on SIGTERM and SIGINT alike, then closes its connections: exit 0, not one error logged', async () => {
    const address = inject('temporalAddress');
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const env = envWith({
        ...emulatorEnv({ temporalAddress: address, slackApiUrl: sandbox.slack.url, gitlabUrl: sandbox.gitlab.url }),
        WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      });
      const worker = startEntry('workers/worker.ts', env);
      try {
        await waitForHttp(`http://${env.WORKER_METRICS_ADDRESS}/metrics`, worker, 60_000);
        await waitFor(() => /worker is running/.test(worker.stdout), 30_000);
        worker.signalGroup(signal);
        const exit = await worker.exited;
        expect(troubleIn(`${exit.stdout}\n${exit.stderr}`)).toEqual([]);
        expect(exit.code).toBe(0);
        expect(exit.stdout).toMatch(/"msg":"stopped"/);
      } finally {
        worker.kill();
      }
    }
    // The worker ensured the reconciliation Schedule on the run's shared server: remove it again.
    const connection = await Connection.connect({ address });
    await new Client({ connection }).schedule
      .getHandle(RECONCILE_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    await connection.close();
  }, 150_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
