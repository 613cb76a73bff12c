/**
 * The intake over Socket Mode: Bolt's SocketModeReceiver connects to the Slack emulator's
 * WebSocket (`apps.connections.open` with the app-level token, at the configured API base), and
 * envelopes pushed through it reach the same listeners; each is acknowledged only once Temporal has
 * what it asked, carrying the listener's answer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { RequestGateway } from '../../intake/temporal-gateway.js';
import { eventually } from '../support/harness.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { blockActions, slackMessageEvent, slashCommandFields } from './support/payloads.js';
import { slackApp, viewSubmission } from './support/slack-app.js';

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await createSlackEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

let open: Array<ReturnType<typeof slackApp>> = [];
afterEach(async () => {
  await Promise.all(open.map((app) => app.close()));
  open = [];
});

/** An intake on Socket Mode, connected (its `ready` opened the WebSocket). */
async function connected(gateway: RequestGateway, appToken = 'xapp-1-A0TIERFLOW-1-secret') {
  const app = slackApp(gateway, emulator, { slack: { appToken } });
  open.push(app);
  await app.ready();
  return app;
}

describe('Socket Mode', () => {
  it('connects when the intake is ready, with the app-level token at the configured API base, and disconnects when it closes', async () => {
    const app = await connected(recordingGateway().gateway);
    expect(emulator.socketMode.connections).toBe(1);
    const opened = emulator.calls.filter((c) => c.path.endsWith('/apps.connections.open'));
    expect(opened).toHaveLength(1);
    await app.close();
    await eventually('the WebSocket to close', () => emulator.socketMode.connections === 0, 3_000);
  });

  it('refuses to start with an app-level token Slack does not accept', async () => {
    const app = slackApp(recordingGateway().gateway, emulator, { slack: { appToken: 'xapp-invalid' } });
    open.push(app);
    await expect(app.ready()).rejects.toThrow(/invalid_auth/);
  });

  it('starts a request from a slash command with text and acknowledges with the ephemeral reply', async () => {
    const { gateway, started } = recordingGateway();
    await connected(gateway);
    const ack = await emulator.socketMode.send('slash_commands', slashCommandFields({ text: 'crisis P1 okta-sso everyone is locked out' }));
    expect(ack.payload).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Request <.*\|req-slack-cmd-.*> opened\. Follow it in <#C0ITHELP>\.$/),
    });
    expect(started).toEqual([expect.objectContaining({ type: 'crisis', priority: 'P1', system: 'okta-sso', summary: 'everyone is locked out' })]);
  });

  it('opens the form for a slash command without text, and starts the request from its submission', async () => {
    const { gateway, started } = recordingGateway();
    await connected(gateway);
    await emulator.socketMode.send('slash_commands', slashCommandFields({ text: '' }));
    const view = emulator.views.at(-1)!;
    expect(view.trigger_id).toBe(slashCommandFields().trigger_id);
    const ack = await emulator.socketMode.send(
      'interactive',
      viewSubmission(view, { system: 'aws', type: 'change', priority: 'P3', summary: 'Open 443 on the bastion' }),
    );
    expect(ack.payload).toMatchObject({ response_action: 'update', view: { title: { text: 'Request opened' } } });
    expect(started).toEqual([
      expect.objectContaining({ id: `req-slack-modal-${view.id}`, system: 'aws', type: 'change', priority: 'P3', summary: 'Open 443 on the bastion' }),
    ]);
  });

  it('acknowledges an event only once Temporal has the request (Bolt alone would ack before the listener ran)', async () => {
    let release!: () => void;
    const temporalTookIt = new Promise<void>((resolve) => (release = resolve));
    const { gateway, started } = recordingGateway();
    await connected({ ...gateway, start: (input) => temporalTookIt.then(() => gateway.start(input)) });
    let acked = false;
    const ack = emulator.socketMode.send('events_api', slackMessageEvent({}, { event_id: 'Ev0SOCKET1' })).then((a) => {
      acked = true;
      return a;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(acked).toBe(false);
    release();
    await ack;
    expect(started.map((s) => s.id)).toEqual(['req-slack-C0ITHELP-1355517523.000005']);
  });

  it('does not acknowledge what Temporal could not take, so Slack delivers it again', async () => {
    await connected(failingGateway('unavailable', 'Temporal is unreachable; retry later'));
    await expect(emulator.socketMode.send('events_api', slackMessageEvent({}, { event_id: 'Ev0SOCKET2' }), { timeoutMs: 1_500 })).rejects.toThrow(
      /not acknowledged/,
    );
  });

  it('acknowledges and drops a malformed delivery (another attempt cannot mend it)', async () => {
    const { gateway, acts } = recordingGateway();
    await connected(gateway);
    const ack = await emulator.socketMode.send('interactive', blockActions('resolve', '../etc'));
    expect(ack.payload ?? {}).toEqual({});
    expect(acts).toEqual([]);
  });

  it('runs a button click like the HTTP route does', async () => {
    const { gateway, acts } = recordingGateway();
    await connected(gateway);
    await emulator.socketMode.send('interactive', blockActions('reopen', 'req-json-a', { user: 'U0ADA0001' }));
    expect(acts).toEqual([
      expect.objectContaining({ id: 'req-json-a', action: 'reopen', args: expect.objectContaining({ actor: 'U0ADA0001', actorGroups: [] }) }),
    ]);
  });
});
