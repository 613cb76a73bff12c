/**
 * `startStack` on the run's dev server: the parts it is asked for run and talk to each other, its
 * stop ends every one of them (and may be called twice), and a part that cannot start stops those
 * already started before the error is thrown.
 */
import { createServer } from 'node:net';

import { describe, expect, inject, it } from 'vitest';

import { emulatorEnv } from '../../bench/support/emulator-env.js';
import { loadSettings } from '../../config/settings.js';
import { signRequest } from '../../intake/signature.js';
import { freePort } from '../../workers/dev-server.js';
import { startStack } from '../../workers/stack.js';
import { eventually, HELP_CHANNEL, quietRuntime, TRACKER } from '../support/harness.js';
import { unique, workflowBundle } from '../support/temporal.js';
import { listenersOn } from './support/processes.js';

/** Production settings on the run's dev server, Slack and GitLab at the stack's emulators. */
function settingsFor(port: number) {
  const env = emulatorEnv({ temporalAddress: inject('temporalAddress'), helpChannel: HELP_CHANNEL, project: TRACKER });
  return { settings: loadSettings({ ...env, PORT: String(port) }, { entry: 'embedded' }), intakeSecret: env.INTAKE_SECRET ?? '' };
}

async function overrides() {
  quietRuntime();
  const [slackPort, gitlabPort] = [await freePort(), await freePort()];
  return {
    ports: { slackPort, gitlabPort },
    overrides: {
      parts: { sandbox: true, worker: true, schedules: false, intake: true },
      sandbox: { slackPort, gitlabPort, gitlabProjectId: 100_000 + Math.floor(Math.random() * 900_000_000) },
      taskQueue: unique('tierflow-stack'),
      workflowBundle: await workflowBundle(),
      runtime: 'installed' as const,
      listen: { metricsAddress: null },
      logger: null,
    },
  };
}

describe('startStack', () => {
  it('runs the intake, the worker and the emulators together, and stop() ends all of them', async () => {
    const port = await freePort();
    const { settings, intakeSecret } = settingsFor(port);
    const { ports, overrides: given } = await overrides();
    const stack = await startStack(settings, given);
    try {
      expect(stack.devServer).toBeNull();
      expect(stack.taskQueue).toBe(given.taskQueue);
      const body = JSON.stringify({
        requester: { email: 'ada@example.com' },
        summary: 'Locked out of Okta',
        system: 'okta-sso',
        idempotencyKey: unique('stack'),
      });
      const answer = await fetch(`${stack.intake!.url}/webhooks/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(intakeSecret, body, Date.now() / 1000) },
        body,
      });
      expect(answer.status).toBe(202);
      // The worker of this stack, on this stack's task queue, posted to this stack's Slack emulator.
      await eventually('the request thread in Slack', () => stack.sandbox!.slack.threads(HELP_CHANNEL).length === 1);
    } finally {
      await stack.stop();
    }
    expect(stack.worker!.worker.getState()).toBe('STOPPED');
    await expect(stack.worker!.done).resolves.toBeUndefined();
    for (const p of [port, ports.slackPort, ports.gitlabPort]) expect(listenersOn(p)).toEqual([]);
    await expect(stack.stop()).resolves.toBeUndefined();
  });

  it('stops what it had started when a part cannot start, then throws', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const { ports, overrides: given } = await overrides();
    try {
      await expect(startStack(settingsFor(port).settings, given)).rejects.toThrow(/EADDRINUSE/);
      // The emulators (started first) are closed again; the worker had drained before them.
      expect(listenersOn(ports.slackPort)).toEqual([]);
      expect(listenersOn(ports.gitlabPort)).toEqual([]);
    } finally {
      busy.close();
    }
  });
});
