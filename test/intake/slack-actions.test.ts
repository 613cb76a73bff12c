import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { commandWords } from '../../intake/slack-actions.js';
import { fixedDirectory } from '../../intake/slack-directory.js';
import type { EphemeralReply } from '../../intake/slack-respond.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { blockActions, slashCommandFields } from './support/payloads.js';
import { formEncode, postCommand, postInteraction, postSlack, signedApp } from './support/signed-app.js';
import { openedModal, slackApp, SYSTEMS } from './support/slack-app.js';

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await createSlackEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const statusUrl = (id: string) => `https://tierflow.test/status/${id}?sig=s1`;
const TRIGGER = '13345224609.738474920.8088930838d88f008e0';
const CMD_ID = `req-slack-cmd-${TRIGGER}`;

describe('POST /slack/commands with text', () => {
  it('starts a request at once, takes a registry system word out of the summary, and answers with the status link', async () => {
    const { gateway, started } = recordingGateway();
    const res = await postCommand(slackApp(gateway, emulator, { statusUrl }), slashCommandFields());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: `Request <${statusUrl(CMD_ID)}|${CMD_ID}> opened. Follow it in <#C0ITHELP>.` });
    expect(started).toEqual([
      {
        id: CMD_ID,
        source: 'slack',
        requester: { email: 'U2147483697@users.slack.invalid', slackUserId: 'U2147483697', name: 'Steve' },
        summary: 'locked out after the MFA reset',
        system: 'okta-sso',
      },
    ]);
    expect(emulator.views).toHaveLength(0);
  });

  it.each([
    ['crisis P1 okta-sso everyone is locked out', { type: 'crisis', priority: 'P1', system: 'okta-sso', summary: 'everyone is locked out' }],
    ['okta-flow my workflow fails at the Slack step', { system: 'okta-flow', summary: 'my workflow fails at the Slack step' }],
    ['p3 AWS Access I need the billing role', { priority: 'P3', system: 'aws', type: 'access', summary: 'I need the billing role' }],
    ['question question about the VPN', { type: 'question', summary: 'question about the VPN' }],
    ['change', { summary: 'change' }],
    ['okta-sso', { summary: 'okta-sso' }],
    ['My laptop will not join the VPN', { summary: 'My laptop will not join the VPN' }],
    ['figma cannot log in', { system: 'figma', summary: 'figma cannot log in' }],
    ['P5 is not a priority', { summary: 'P5 is not a priority' }],
  ])('reads the leading type, priority and system words of %j', async (text, expected) => {
    const { gateway, started } = recordingGateway();
    await postCommand(slackApp(gateway, emulator), slashCommandFields({ text }));
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject(expected);
    for (const field of ['type', 'priority', 'system'] as const) if (!(field in expected)) expect(started[0]![field]).toBeUndefined();
    expect(started[0]!.description).toBeUndefined();
  });

  it('keeps the text after the words as the description only when it says more than the summary', async () => {
    const { gateway, started } = recordingGateway();
    await postCommand(slackApp(gateway, emulator), slashCommandFields({ text: 'access aws need the billing role\nfor the Q3 report' }));
    expect(started[0]).toMatchObject({
      type: 'access',
      system: 'aws',
      summary: 'need the billing role',
      description: 'need the billing role\nfor the Q3 report',
    });
  });

  it('splits the words off in the decision itself, without a registry too', () => {
    expect(commandWords('P2 crisis okta-sso help', [])).toEqual({ priority: 'P2', type: 'crisis', systemHint: 'okta-sso', rest: 'okta-sso help' });
    expect(commandWords('P2 crisis okta-sso help', ['okta-sso'])).toEqual({ priority: 'P2', type: 'crisis', system: 'okta-sso', rest: 'help' });
  });

  it('says "already open" when the same trigger is delivered again', async () => {
    const { gateway } = recordingGateway();
    const app = slackApp(gateway, emulator);
    await postCommand(app, slashCommandFields());
    const again = await postCommand(app, slashCommandFields());
    expect(again.json().text).toMatch(/is already open/);
  });

  it.each([
    ['no user_id', { user_id: '' }, /user_id/],
    ['a bad trigger_id', { trigger_id: 'a b' }, /trigger_id/],
    ['a bad channel_id', { channel_id: '#general' }, /channel_id/],
  ])('answers 400 naming the field for %s', async (_name, fields, message) => {
    const { gateway, started } = recordingGateway();
    const res = await postCommand(signedApp(gateway), slashCommandFields(fields));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(started).toHaveLength(0);
  });

  it('answers 415 for a JSON body and 401 for an unsigned one', async () => {
    const { gateway } = recordingGateway();
    const app = signedApp(gateway);
    expect((await postSlack(app, '/slack/commands', JSON.stringify(slashCommandFields()), { contentType: 'application/json' })).statusCode).toBe(415);
    const unsigned = await app.inject({
      method: 'POST',
      url: '/slack/commands',
      payload: formEncode(slashCommandFields()),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsigned.statusCode).toBe(401);
  });

  it('answers 503 with Retry-After when Temporal is unreachable (nothing is half-accepted)', async () => {
    const res = await postCommand(slackApp(failingGateway('unavailable'), emulator), slashCommandFields());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});

describe('POST /slack/commands without text', () => {
  it("opens the new-request form with the command's trigger id: system, type, priority, summary, description", async () => {
    const { gateway, started } = recordingGateway();
    const res = await postCommand(slackApp(gateway, emulator), slashCommandFields({ text: '  ' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(started).toHaveLength(0);
    expect(emulator.views.map((v) => v.trigger_id)).toEqual([TRIGGER]);
    const modal = openedModal(emulator.views[0]);
    expect(modal.callback_id).toBe('tierflow_new_request');
    expect(modal.blocks.map((b) => [b.block_id, b.element.type, (b as { optional?: boolean }).optional ?? false])).toEqual([
      ['system', 'static_select', false],
      ['type', 'static_select', false],
      ['priority', 'static_select', true],
      ['summary', 'plain_text_input', false],
      ['description', 'plain_text_input', true],
    ]);
    const values = (block: number) => modal.blocks[block]!.element.options!.map((o) => o.value);
    expect(values(0)).toEqual([...SYSTEMS.map((s) => s.id), 'not-sure']);
    expect(values(1)).toEqual(['question', 'access', 'change', 'crisis']);
    expect(values(2)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(modal.blocks[3]!.element).toMatchObject({ max_length: 150 });
    expect(modal.blocks[4]!.element).toMatchObject({ multiline: true });
    const call = emulator.calls.find((c) => c.path.endsWith('/views.open'));
    expect(call?.headers.authorization).toBe('Bearer ***');
  });

  it('falls back to ephemeral usage help when the form cannot be opened, and starts nothing', async () => {
    emulator.failNext('views.open', { kind: 'server_error', status: 503 });
    const { gateway, started } = recordingGateway();
    const res = await postCommand(slackApp(gateway, emulator), slashCommandFields({ text: '' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/form could not be opened[\s\S]*Usage:.*\[type\] \[P1–P4\] \[system\] summary/),
    });
    expect(started).toHaveLength(0);
  });

  it('never calls Slack without a bot token: usage help instead', async () => {
    const { gateway } = recordingGateway();
    const res = await postCommand(slackApp(gateway, emulator, { slack: { botToken: null } }), slashCommandFields({ text: '' }));
    expect(res.json().text).toMatch(/Usage:/);
    expect(emulator.calls).toHaveLength(0);
  });
});

describe('POST /slack/interactions: buttons', () => {
  it.each(['acknowledge', 'pause', 'resume', 'resolve', 'solved', 'reopen'])(
    'runs the %s button as an Update by the clicking user with their Slack groups, deduplicated by action_ts and user',
    async (action) => {
      const { gateway, acts } = recordingGateway();
      const app = slackApp(gateway, emulator, { slackDirectory: fixedDirectory({ UA8RXUSPL: ['it-helpdesk-analysts'] }) });
      const res = await postInteraction(app, blockActions(action, 'req-slack-C0ITHELP-1355517523.000005'));
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      expect(acts).toEqual([
        {
          id: 'req-slack-C0ITHELP-1355517523.000005',
          action,
          args: { actor: 'UA8RXUSPL', source: 'slack', actorGroups: ['it-helpdesk-analysts'] },
          updateId: 'slack-1548426417.840180-UA8RXUSPL',
        },
      ]);
      expect(emulator.views).toHaveLength(0);
    },
  );

  it('asks for the reason of an escalation in a modal (request id in private_metadata) and escalates nothing yet', async () => {
    const { gateway, acts } = recordingGateway();
    const click = blockActions('escalate', 'req-json-a');
    const res = await postInteraction(slackApp(gateway, emulator), click);
    expect(res.statusCode).toBe(200);
    expect(acts).toEqual([]);
    expect(emulator.views.map((v) => v.trigger_id)).toEqual([click.trigger_id]);
    const modal = openedModal(emulator.views[0]);
    expect(modal).toMatchObject({ callback_id: 'tierflow_escalate', private_metadata: 'req-json-a' });
    expect(modal.blocks.filter((b) => b.type === 'input').map((b) => [b.block_id, b.element.type])).toEqual([['reason', 'plain_text_input']]);
  });

  it('tells the clicker when the escalation form cannot be opened', async () => {
    emulator.failNext('views.open', { kind: 'server_error' });
    const replies: EphemeralReply[] = [];
    let delivered!: () => void;
    const done = new Promise<void>((resolve) => (delivered = resolve));
    const { gateway, acts } = recordingGateway();
    const respond = async (_url: string, reply: EphemeralReply) => {
      replies.push(reply);
      delivered();
    };
    expect((await postInteraction(slackApp(gateway, emulator, { respond }), blockActions('escalate', 'req-json-a'))).statusCode).toBe(200);
    await done;
    expect(replies[0]?.text).toMatch(/Could not escalate `req-json-a`: the form asking for the reason could not be opened/);
    expect(acts).toEqual([]);
  });

  it('carries no groups for a user Slack knows in none, so the request decides the click is not theirs', async () => {
    const { gateway, acts } = recordingGateway();
    await postInteraction(signedApp(gateway), blockActions('resolve', 'req-json-a', { user: 'U0STRANGER' }));
    expect(acts.map((a) => (a.args as { actorGroups?: string[] }).actorGroups)).toEqual([[]]);
  });

  it('refuses a click whose groups cannot be read, explains it, and acts for nobody', async () => {
    const { gateway, acts } = recordingGateway();
    const replies: EphemeralReply[] = [];
    let delivered!: () => void;
    const done = new Promise<void>((resolve) => (delivered = resolve));
    const app = signedApp(gateway, {
      slackDirectory: { groupsOf: async () => Promise.reject(new Error('ratelimited')) },
      respond: async (_url, reply) => {
        replies.push(reply);
        delivered();
      },
    });
    const res = await postInteraction(app, blockActions('acknowledge', 'req-json-a'));
    expect(res.statusCode).toBe(200);
    await done;
    expect(acts).toEqual([]);
    expect(replies[0]?.text).toMatch(/your Slack groups could not be checked/);
  });

  it('tells the clicking user why a refused action was refused, through response_url, and still answers 200', async () => {
    const replies: Array<{ url: string; reply: EphemeralReply }> = [];
    let delivered!: () => void;
    const done = new Promise<void>((resolve) => (delivered = resolve));
    const app = signedApp(failingGateway('conflict', 'cannot resolve: request is already resolved'), {
      respond: async (url, reply) => {
        replies.push({ url, reply });
        delivered();
      },
    });
    const res = await postInteraction(app, blockActions('resolve', 'req-json-a'));
    expect(res.statusCode).toBe(200);
    await done;
    expect(replies).toEqual([
      {
        url: 'https://hooks.slack.com/actions/T9TK3CUKW/1234/abcd',
        reply: {
          response_type: 'ephemeral',
          replace_original: false,
          text: ':warning: Could not resolve `req-json-a`: cannot resolve: request is already resolved',
        },
      },
    ]);
  });

  it('answers 503 when Temporal is unreachable, so the click is not taken for done', async () => {
    const res = await postInteraction(signedApp(failingGateway('unavailable')), blockActions('acknowledge', 'req-json-a'));
    expect(res.statusCode).toBe(503);
  });

  it('ignores other apps’ actions and other interaction types with 200', async () => {
    const { gateway, acts } = recordingGateway();
    const app = signedApp(gateway);
    expect((await postInteraction(app, blockActions('approve', 'x', { actionId: 'someone_else_approve' }))).statusCode).toBe(200);
    expect((await postInteraction(app, { type: 'view_closed', user: { id: 'U1' } })).statusCode).toBe(200);
    expect(acts).toHaveLength(0);
  });

  it.each([
    ['an unknown tierflow action', { payload: JSON.stringify(blockActions('explode', 'req-json-a')) }, /unknown button action tierflow_explode/],
    ['a value that is not a request id', { payload: JSON.stringify(blockActions('resolve', '../etc')) }, /request id/],
    ['no payload field', { other: 'x' }, /payload/],
    ['malformed payload JSON', { payload: '{"type":' }, /malformed JSON in payload/],
    ['block_actions without actions', { payload: JSON.stringify({ ...blockActions('resolve', 'req-json-a'), actions: [] }) }, /actions/],
    ['an Escalate click without trigger_id', { payload: JSON.stringify({ ...blockActions('escalate', 'req-json-a'), trigger_id: undefined }) }, /trigger_id/],
  ])('answers 400 for %s', async (_name, fields, message) => {
    const { gateway, acts } = recordingGateway();
    const res = await postSlack(signedApp(gateway), '/slack/interactions', formEncode(fields));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(acts).toHaveLength(0);
  });
});
