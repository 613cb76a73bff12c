/**
 * `/it-help oncall` through Bolt's listeners: answered to the asker alone, from the shifts registry
 * (holidays included), naming the user groups without paging them, and starting no request.
 */
import { createHash } from 'node:crypto';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadSettings } from '../../config/settings.js';
import type { ShiftConfig } from '../../domain/shifts.js';
import { loadConfig } from '../../registry/load.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { buildIntake } from '../../workers/intake-app.js';
import { recordingGateway } from './support/gateway.js';
import { slashCommandFields } from './support/payloads.js';
import { formEncode, NOW_S, postSlack } from './support/signed-app.js';
import { slackApp } from './support/slack-app.js';

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await createSlackEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** The registry the intake is started with (`registry/shifts.yaml`). */
const shifts: ShiftConfig = loadConfig().shifts;

/** Slack date token of a UTC wall-clock time, as the answer writes it. */
const dateToken = (iso: string) => `<!date^${Date.parse(iso) / 1000}^{date_short_pretty} {time}|${iso.slice(0, 16).replace('T', ' ')} UTC>`;

/** Asks `/it-help <text>` of an intake whose clock reads `atS` (Unix seconds; the signature is made then too). */
async function ask(text: string, opts: { atS?: number; shifts?: ShiftConfig | null } = {}) {
  const atS = opts.atS ?? NOW_S;
  const recorded = recordingGateway();
  const app = slackApp(recorded.gateway, emulator, { now: () => atS * 1000, slack: opts.shifts === null ? {} : { shifts: opts.shifts ?? shifts } });
  const res = await postSlack(app, '/slack/commands', formEncode(slashCommandFields({ text })), { timestamp: atS });
  expect(res.statusCode).toBe(200);
  return { body: res.json() as { response_type?: string; text?: string }, ...recorded };
}

/** Nothing reached Temporal or Slack: no request, no notice, no modal, no message. */
function expectNothingStarted(recorded: Awaited<ReturnType<typeof ask>>) {
  expect(recorded.started).toEqual([]);
  expect(recorded.acts).toEqual([]);
  expect(recorded.notices).toEqual([]);
  expect(emulator.views).toEqual([]);
  expect(emulator.messages).toEqual([]);
}

/** The answer pings nobody: no user-group, channel or here mention. */
function expectNoPing(text: string) {
  for (const ping of ['<!subteam', '<!channel>', '<!here>', '<!everyone>', '<@']) expect(text).not.toContain(ping);
}

describe('/it-help oncall', () => {
  it('on a Monday morning (10:00 UTC): EMEA on shift until 16:00 UTC, AMER next from then, to the asker only, no request', async () => {
    const recorded = await ask('oncall');
    const { body } = recorded;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe(
      [
        '*On call now*',
        `• *EMEA*: @it-helpdesk-emea (sofia.rossi, piotr.nowak) until ${dateToken('2024-03-04T16:00:00Z')}`,
        '*Next*',
        `• *AMER*: @it-helpdesk-amer (maria.gomez, dan.wright) from ${dateToken('2024-03-04T16:00:00Z')}`,
        'To ask for help: `/it-help your question`.',
      ].join('\n'),
    );
    expectNoPing(body.text ?? '');
    expectNothingStarted(recorded);
  });

  it('on Christmas Day: nobody on shift, every region off for the holiday, APAC next on Monday, no request', async () => {
    const recorded = await ask('on-call', { atS: Date.UTC(2026, 11, 25, 10) / 1000 });
    const text = recorded.body.text ?? '';
    expect(recorded.body.response_type).toBe('ephemeral');
    expect(text).toContain('*On call now*\n• Nobody: outside every shift.');
    expect(text).toContain(`*Next*\n• *APAC*: @it-helpdesk-apac (`);
    expect(text).toContain(`from ${dateToken('2026-12-28T00:00:00Z')}`);
    expect(text).toContain(
      ':palm_tree: Off today for a holiday (their shift does not start): APAC (@it-helpdesk-apac, 2026-12-25), EMEA (@it-helpdesk-emea, 2026-12-25), AMER (@it-helpdesk-amer, 2026-12-25).',
    );
    expectNoPing(text);
    expectNothingStarted(recorded);
  });

  it('on the Boxing Day substitute only EMEA is off, and AMER is next that afternoon', async () => {
    const { body } = await ask('on call', { atS: Date.UTC(2026, 11, 28, 10) / 1000 });
    expect(body.text).toContain(`• *AMER*: @it-helpdesk-amer`);
    expect(body.text).toContain(`from ${dateToken('2026-12-28T16:00:00Z')}`);
    expect(body.text).toMatch(/Off today for a holiday \(their shift does not start\): EMEA \(@it-helpdesk-emea, 2026-12-28\)\.$/m);
  });

  it.each(['ONCALL', ' On-Call ', 'on   call', 'On Call'])('answers %j the same way, in any case', async (text) => {
    const recorded = await ask(text);
    expect(recorded.body.text).toMatch(/^\*On call now\*\n• \*EMEA\*/);
    expectNothingStarted(recorded);
  });

  it('takes "oncall" followed by anything else as a request about it', async () => {
    const { body, started } = await ask('oncall pager is not ringing');
    expect(started).toEqual([expect.objectContaining({ summary: 'oncall pager is not ringing', source: 'slack' })]);
    expect(body.text).toMatch(/^Request <.*> opened\./);
  });

  it('names the groups as text, escaped, even when a registry handle looks like a mention', async () => {
    const forged: ShiftConfig = { shifts: [{ ...shifts.shifts[1]!, name: 'EMEA <!here>', slackGroup: '<!channel>', rotation: [['<@U0BOSS>']] }] };
    const { body } = await ask('oncall', { shifts: forged });
    expect(body.text).toContain('*EMEA &lt;!here&gt;*: @&lt;!channel&gt; (&lt;@U0BOSS&gt;)');
    expectNoPing(body.text ?? '');
  });

  it('says so when the intake has no shifts, and still starts nothing', async () => {
    const recorded = await ask('oncall', { shifts: null });
    expect(recorded.body).toEqual({
      response_type: 'ephemeral',
      text: 'On-call shifts are not configured here. `/it-help your question` still opens a request.',
    });
    expectNothingStarted(recorded);
  });

  it('is mentioned in the usage help', async () => {
    const recorded = recordingGateway();
    const app = slackApp(recorded.gateway, emulator, { slack: { botToken: null } });
    const res = await postSlack(app, '/slack/commands', formEncode(slashCommandFields({ text: '' })));
    expect(res.json().text).toContain('`/it-help oncall` shows you (only you) who is on shift now and who is next.');
  });
});

describe('the intake as the settings and the registry build it', () => {
  it('answers /it-help oncall from the loaded registry’s shifts (workers/intake-app.ts passes them on)', async () => {
    const strong = (name: string) => createHash('sha256').update(`tierflow-on-call-${name}`).digest('hex');
    const signingSecret = strong('slack');
    const settings = loadSettings(
      {
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        API_TOKEN: strong('api'),
        INTAKE_SECRET: strong('intake'),
        SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijklmnop',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_HELP_CHANNEL: 'C0ITHELP',
        SLACK_API_URL: emulator.url,
        GITLAB_WEBHOOK_SECRET: strong('gitlab'),
      },
      { entry: 'intake' },
    );
    // A lazy connection to nowhere: the answer must not need Temporal at all.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = buildIntake(settings, client, {}, {}, loadConfig());
    try {
      const res = await postSlack(app, '/slack/commands', formEncode(slashCommandFields({ text: 'oncall' })), {
        secret: signingSecret,
        timestamp: Math.floor(Date.now() / 1000),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(/^\*On call now\*\n• (Nobody|\*(APAC|EMEA|AMER)\*: @it-helpdesk-)/);
      expect(body.text).not.toContain('not configured');
      expectNoPing(body.text);
      expect(emulator.views).toEqual([]);
    } finally {
      await app.close();
      await client.connection.close();
    }
  });
});
