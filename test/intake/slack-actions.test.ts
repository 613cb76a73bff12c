import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixedDirectory } from '../../intake/slack-directory.js';
import { fetchResponder, isUnderBase, type EphemeralReply } from '../../intake/slack-respond.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { blockActions, slashCommandFields } from './support/payloads.js';
import { formEncode, postCommand, postInteraction, postSlack, signedApp } from './support/signed-app.js';

describe('POST /slack/commands', () => {
  it('starts a request from /it-help, passing the first word as the system, and answers ephemerally with a link', async () => {
    const { gateway, started } = recordingGateway();
    const res = await postCommand(signedApp(gateway), slashCommandFields());
    expect(res.statusCode).toBe(200);
    const id = 'req-slack-cmd-13345224609.738474920.8088930838d88f008e0';
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: `Request <http://tierflow.test/requests/${id}|${id}> opened. Follow it in <#C0ITHELP>.` });
    expect(started).toEqual([
      {
        id,
        source: 'slack',
        requester: { email: 'U2147483697@users.slack.invalid', slackUserId: 'U2147483697', name: 'Steve' },
        summary: 'okta-sso locked out after the MFA reset',
        system: 'okta-sso',
      },
    ]);
  });

  it.each([
    ['a sentence', 'My laptop will not join the VPN', undefined],
    ['a single word', 'vpn', undefined],
    ['a first word that is not an id', 'Zoom! keeps crashing', undefined],
    ['a lower-case first word (the workflow decides whether it names a system)', 'figma cannot log in', 'figma'],
  ])('passes the first word as system only when it looks like a registry id: %s', async (_name, text, system) => {
    const { gateway, started } = recordingGateway();
    await postCommand(signedApp(gateway), slashCommandFields({ text }));
    expect(started[0]?.system).toBe(system);
    expect(started[0]?.summary).toBe(text);
  });

  it('says "already open" when the same trigger is delivered again', async () => {
    const { gateway } = recordingGateway();
    const app = signedApp(gateway);
    await postCommand(app, slashCommandFields());
    const again = await postCommand(app, slashCommandFields());
    expect(again.json().text).toMatch(/is already open/);
  });

  it('answers an empty command with ephemeral usage help and starts nothing', async () => {
    const { gateway, started } = recordingGateway();
    const res = await postCommand(signedApp(gateway), slashCommandFields({ text: '   ' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Usage:.*\/it-help \[system\] summary/) });
    expect(started).toHaveLength(0);
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
});

describe('POST /slack/interactions', () => {
  it.each([
    ['acknowledge', undefined],
    ['pause', undefined],
    ['resolve', undefined],
    ['solved', undefined],
    ['escalate', 'escalated from Slack'],
  ])('runs the %s button as an Update by the clicking user with their Slack groups, deduplicated by action_ts and user', async (action, note) => {
    const { gateway, acts } = recordingGateway();
    const app = signedApp(gateway, { slackDirectory: fixedDirectory({ UA8RXUSPL: ['it-helpdesk-analysts'] }) });
    const res = await postInteraction(app, blockActions(action, 'req-slack-C0ITHELP-1355517523.000005'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(acts).toEqual([
      {
        id: 'req-slack-C0ITHELP-1355517523.000005',
        action,
        args: { actor: 'UA8RXUSPL', source: 'slack', actorGroups: ['it-helpdesk-analysts'], ...(note ? { note } : {}) },
        updateId: 'slack-1548426417.840180-UA8RXUSPL',
      },
    ]);
  });

  it('carries no groups for a user Slack knows in none, so the request decides the click is not theirs', async () => {
    const { gateway, acts } = recordingGateway();
    await postInteraction(signedApp(gateway), blockActions('escalate', 'req-json-a', { user: 'U0STRANGER' }));
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
    const res = await postInteraction(app, blockActions('escalate', 'req-json-a'));
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
  ])('answers 400 for %s', async (_name, fields, message) => {
    const { gateway, acts } = recordingGateway();
    const res = await postSlack(signedApp(gateway), '/slack/interactions', formEncode(fields));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(acts).toHaveLength(0);
  });
});

describe('the response_url responder', () => {
  let server: ReturnType<typeof createServer>;
  let base: string;
  const received: Array<{ path: string; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) as unknown });
        res.writeHead(req.url?.startsWith('/response/') ? 200 : 404).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the ephemeral reply as JSON to a URL under its base', async () => {
    const reply: EphemeralReply = { response_type: 'ephemeral', replace_original: false, text: 'why' };
    await fetchResponder(base)(`${base}abc`, reply);
    expect(received).toContainEqual({ path: '/response/abc', body: reply });
  });

  it('refuses URLs outside its base, so a payload cannot aim the intake elsewhere', async () => {
    const reply: EphemeralReply = { response_type: 'ephemeral', replace_original: false, text: 'x' };
    await expect(fetchResponder(base)('http://127.0.0.1:1/other', reply)).rejects.toThrow(/not under/);
    expect(isUnderBase('https://hooks.slack.com.evil.test/actions/1', 'https://hooks.slack.com/')).toBe(false);
    expect(isUnderBase('https://hooks.slack.com/actions/T1/2/x', 'https://hooks.slack.com/')).toBe(true);
    expect(isUnderBase('not a url', 'https://hooks.slack.com/')).toBe(false);
  });

  it('wires through the app: a refused click reaches a local response server', async () => {
    const app = signedApp(failingGateway('conflict', 'already acknowledged by grace'), { respond: fetchResponder(base) });
    const res = await postInteraction(app, blockActions('acknowledge', 'req-json-b', { responseUrl: `${base}click-1` }));
    expect(res.statusCode).toBe(200);
    const deadline = Date.now() + 5_000;
    while (!received.some((r) => r.path === '/response/click-1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.find((r) => r.path === '/response/click-1')?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('already acknowledged by grace'),
    });
  });
});
