/**
 * Slack intake end to end on the real dev server: signed Events API deliveries, slash commands,
 * button clicks and modals (opened in the Slack emulator by Bolt's listeners through the real
 * `@slack/web-api` client), and their effects in Temporal and in the Slack emulator.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { slackMessageRequestId } from '../../intake/slack-events.js';
import { SlackThreadKey } from '../../contracts/search-attributes.js';
import { slackNoticeId } from '../../contracts/slack-notice.js';
import { eventually, HELP_CHANNEL, STAFF } from '../support/harness.js';
import { blockActions, slackMessageEvent } from '../intake/support/payloads.js';
import { freshEventId, freshTs, requestStatus, slackClick, slackEvent, slackPost, type E2eIntake } from '../intake/support/e2e.js';
import { formEncode } from '../intake/support/signed-app.js';
import { slashCommandFields } from '../intake/support/payloads.js';
import { viewSubmission } from '../intake/support/slack-app.js';
import { startSlackE2e } from '../intake/support/slack-e2e.js';
import { signRequest } from '../../intake/signature.js';

let e2e: E2eIntake;
let responses: Array<{ path: string; body: { text?: string } }>;
let responseServer: ReturnType<typeof createServer>;

beforeAll(async () => {
  responses = [];
  responseServer = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      responses.push({ path: req.url ?? '', body: JSON.parse(data) as { text?: string } });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => responseServer.listen(0, '127.0.0.1', resolve));
  const responseBase = `http://127.0.0.1:${(responseServer.address() as AddressInfo).port}/response/`;
  e2e = await startSlackE2e(inject('temporalAddress'), { responseUrlBase: responseBase });
});

afterAll(async () => {
  await e2e?.close();
  await new Promise<void>((resolve) => responseServer.close(() => resolve()));
});

const responseUrl = (id: string) => `http://127.0.0.1:${(responseServer.address() as AddressInfo).port}/response/${id}`;

/** Messages tierflow posted for a request: the status message carries its id in metadata. */
function statusMessages(id: string) {
  return e2e.harness.sandbox.slack.messages.filter((m) => m.metadata?.event_type === 'tierflow_request' && m.metadata.event_payload.request_id === id);
}

async function workflowCount(id: string): Promise<number> {
  let n = 0;
  for await (const _ of e2e.client.workflow.list({ query: `WorkflowId = '${id}'` })) n += 1;
  return n;
}

/** Clicks Escalate as `user` and answers with the modal it opened (asking for the reason). */
async function escalationForm(id: string, user: string) {
  const click = { ...blockActions('escalate', id, { user, actionTs: freshTs() }), trigger_id: `trigger-${freshEventId()}` };
  expect((await slackClick(e2e.baseUrl, click)).status).toBe(200);
  return eventually('the escalation form', () => e2e.harness.sandbox.slack.views.find((v) => v.trigger_id === click.trigger_id));
}

/** Sends a help-channel message event and waits until its request has posted its status message. */
async function askInSlack(text: string, user = 'U0ADA0001') {
  const ts = freshTs();
  const id = slackMessageRequestId(HELP_CHANNEL, ts);
  const res = await slackEvent(e2e.baseUrl, slackMessageEvent({ ts, text, user }, { event_id: freshEventId() }));
  expect(res).toEqual({ status: 200, body: { ok: true, request: id, duplicate: false } });
  await eventually('the status message in Slack', () => statusMessages(id).length > 0);
  return { id, ts, user };
}

describe('Slack events end to end', () => {
  it('turns one message delivered three times into one workflow and one status message, with <!channel> inert', async () => {
    const ts = freshTs();
    const id = slackMessageRequestId(HELP_CHANNEL, ts);
    const event = slackMessageEvent({ ts, user: 'U0ADA0002', text: 'VPN drops every hour <!channel>\nsince the update' }, { event_id: freshEventId() });
    const answers = [];
    for (const retry of [undefined, '1', '2'])
      answers.push(await slackEvent(e2e.baseUrl, event, retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {}));
    expect(answers.map((a) => [a.status, a.body.duplicate])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ]);
    await eventually('the status message', () => statusMessages(id).length > 0);
    await eventually('visibility to list the workflow', async () => (await workflowCount(id)) > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await workflowCount(id)).toBe(1);
    expect(statusMessages(id)).toHaveLength(1);
    const posted = e2e.harness.sandbox.slack.messages.filter((m) => m.metadata?.event_payload.request_id === id);
    for (const message of posted) expect(`${message.text} ${JSON.stringify(message.blocks ?? [])}`).not.toContain('<!channel>');
    const status = await requestStatus(e2e.baseUrl, id);
    expect(status).toMatchObject({ id, summary: 'VPN drops every hour @channel', status: 'open' });
  });

  it("turns thread replies into comments on the right request, by the reply's thread", async () => {
    const fromSlack = await askInSlack('Okta asks for MFA twice');
    const other = await askInSlack('Zoom audio is choppy');
    const reply = slackMessageEvent(
      { ts: freshTs(), thread_ts: fromSlack.ts, user: 'U0GRACE01', text: 'Can you try another browser?' },
      { event_id: freshEventId() },
    );
    expect((await slackEvent(e2e.baseUrl, reply)).body).toEqual({ ok: true, request: fromSlack.id });
    expect((await slackEvent(e2e.baseUrl, reply, { 'x-slack-retry-num': '1' })).body).toEqual({ ok: true, request: fromSlack.id });

    const commented = (await requestStatus(e2e.baseUrl, fromSlack.id))!.timeline.filter((t) => t.action === 'comment');
    expect(commented).toEqual([expect.objectContaining({ actor: 'U0GRACE01', note: 'Can you try another browser?' })]);
    expect((await requestStatus(e2e.baseUrl, other.id))!.timeline.some((t) => t.action === 'comment')).toBe(false);
  });

  it("finds a JSON-webhook request from a reply in tierflow's own thread, through the SlackThread search attribute", async () => {
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'Printer on floor 3 is offline', idempotencyKey: `e2e-${freshEventId()}` });
    const res = await fetch(`${e2e.baseUrl}/webhooks/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest('e2e-intake-secret', raw, Date.now() / 1000) },
      body: raw,
    });
    const { id } = (await res.json()) as { id: string };
    const [thread] = await eventually('the thread', () => (statusMessages(id).length > 0 ? statusMessages(id) : null));
    const threadTs = thread!.thread_ts ?? thread!.ts;
    await eventually('the SlackThread search attribute', async () =>
      (await e2e.client.workflow.getHandle(id).describe()).typedSearchAttributes.get(SlackThreadKey),
    );

    const reply = slackMessageEvent({ ts: freshTs(), thread_ts: threadTs, user: 'U0GRACE01', text: 'Which printer exactly?' }, { event_id: freshEventId() });
    // Visibility is eventually consistent: the same delivery again is harmless (same update id).
    const answered = await eventually('the reply to reach the request', async () => {
      const a = await slackEvent(e2e.baseUrl, reply);
      return a.body.request ? a : null;
    });
    expect(answered.body.request).toBe(id);
    const comments = (await requestStatus(e2e.baseUrl, id))!.timeline.filter((t) => t.action === 'comment');
    expect(comments).toHaveLength(1);
  });

  it('resumes a paused request when the requester replies in the thread', async () => {
    const asked = await askInSlack('Need access to the finance drive');
    const paused = await slackClick(e2e.baseUrl, blockActions('pause', asked.id, { user: 'U0GRACE01', actionTs: freshTs() }));
    expect(paused.status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('waiting_on_requester');
    await slackEvent(
      e2e.baseUrl,
      slackMessageEvent({ ts: freshTs(), thread_ts: asked.ts, user: asked.user, text: 'Here is my manager approval' }, { event_id: freshEventId() }),
    );
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('open');
  });

  it('answers a direct message with one polite redirect, however often it is delivered, and opens no request', async () => {
    const eventId = freshEventId();
    const dm = slackMessageEvent(
      { channel: 'D0DIRECT1', channel_type: 'im', ts: freshTs(), user: 'U0ADA0003', text: 'can you reset my password?' },
      { event_id: eventId },
    );
    for (const retry of [undefined, '1', '2']) expect((await slackEvent(e2e.baseUrl, dm, retry ? { 'x-slack-retry-num': retry } : {})).status).toBe(200);
    await e2e.client.workflow.getHandle(slackNoticeId(eventId)).result();
    const inDm = e2e.harness.sandbox.slack.messages.filter((m) => m.channel === 'D0DIRECT1');
    expect(inDm).toHaveLength(1);
    expect(inDm[0]!.text).toContain(`<#${HELP_CHANNEL}>`);
    expect(inDm[0]!.text).toContain('<@U0ADA0003>');
    expect(await requestStatus(e2e.baseUrl, slackMessageRequestId('D0DIRECT1', dm.event.ts))).toBeNull();
  });

  it("ignores the app's own and other bots' messages", async () => {
    const ts = freshTs();
    const res = await slackEvent(
      e2e.baseUrl,
      slackMessageEvent({ ts, bot_id: 'B0TIERFLOW', user: 'U0TIERFLOW', text: 'status' }, { event_id: freshEventId() }),
    );
    expect(res.body.ignored).toBe('bot message');
    expect(await requestStatus(e2e.baseUrl, slackMessageRequestId(HELP_CHANNEL, ts))).toBeNull();
  });
});

describe('Slack buttons end to end', () => {
  it('applies a redelivered click once, and tells the clicker why a refused click was refused', async () => {
    const asked = await askInSlack('Laptop will not boot');
    const click = blockActions('acknowledge', asked.id, { user: 'U0GRACE01', actionTs: freshTs(), responseUrl: responseUrl('ack') });
    expect((await slackClick(e2e.baseUrl, click)).status).toBe(200);
    expect((await slackClick(e2e.baseUrl, click)).status).toBe(200);
    const acked = (await requestStatus(e2e.baseUrl, asked.id))!;
    expect(acked).toMatchObject({ status: 'acknowledged', assignee: 'U0GRACE01' });
    expect(acked.timeline.filter((t) => t.action === 'acknowledge')).toHaveLength(1);

    expect((await slackClick(e2e.baseUrl, blockActions('resolve', asked.id, { user: 'U0GRACE01', actionTs: freshTs() }))).status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('resolved');
    const refused = await slackClick(
      e2e.baseUrl,
      blockActions('resolve', asked.id, { user: 'U0BOB0001', actionTs: freshTs(), responseUrl: responseUrl('again') }),
    );
    expect(refused.status).toBe(200);
    const ephemeral = await eventually('the ephemeral refusal', () => responses.find((r) => r.path === '/response/again'));
    expect(ephemeral.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/already resolved/) });
    expect(responses.some((r) => r.path === '/response/ack')).toBe(false);
  });

  it("refuses a stranger's three escalations in the modal, under the reason (no Tier 5 page); an analyst's escalates with the reason", async () => {
    const asked = await askInSlack('okta-sso MFA loop on every login');
    for (const n of [1, 2, 3]) {
      const form = await escalationForm(asked.id, 'U0STRANGER');
      const refused = await slackClick(e2e.baseUrl, viewSubmission(form, { reason: `please, attempt ${n}` }, 'U0STRANGER'));
      expect(refused.status).toBe(200);
      expect(refused.body).toEqual({
        response_action: 'errors',
        errors: { reason: expect.stringMatching(/only members of @it-helpdesk-analysts.*or the assignee can escalate this request at Tier 2/) },
      });
    }
    const untouched = (await requestStatus(e2e.baseUrl, asked.id))!;
    expect(untouched).toMatchObject({ tier: 2, status: 'open' });
    expect(untouched.timelineCounts.escalated).toBeUndefined();
    const escalations = () => e2e.harness.sandbox.slack.messages.filter((m) => m.thread_ts === asked.ts && /Escalated/.test(m.text));
    expect(escalations()).toHaveLength(0);

    // The analysts' own: escalates to Tier 3 with the reason. A Tier 2 analyst cannot then resolve it at Tier 3; an engineer can.
    const form = await escalationForm(asked.id, STAFF.analyst);
    expect(await slackClick(e2e.baseUrl, viewSubmission(form, { reason: 'The MFA factor needs an Okta admin' }, STAFF.analyst))).toEqual({
      status: 200,
      body: {},
    });
    const escalated = (await requestStatus(e2e.baseUrl, asked.id))!;
    expect(escalated.tier).toBe(3);
    expect(escalated.timeline.some((t) => t.actor === STAFF.analyst && t.note?.includes('The MFA factor needs an Okta admin'))).toBe(true);
    await slackClick(e2e.baseUrl, blockActions('resolve', asked.id, { user: STAFF.analyst, actionTs: freshTs(), responseUrl: responseUrl('analyst-at-3') }));
    const refused = await eventually('the refusal at Tier 3', () => responses.find((r) => r.path === '/response/analyst-at-3'));
    expect(refused.body.text).toMatch(/only members of @corpsec-engineers/);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('open');
    expect((await slackClick(e2e.baseUrl, blockActions('resolve', asked.id, { user: STAFF.engineer, actionTs: freshTs() }))).status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('resolved');
  });

  it('lets only the requester reopen a resolved request from its Reopen button', async () => {
    const asked = await askInSlack('Zoom keeps logging me out');
    expect((await slackClick(e2e.baseUrl, blockActions('resolve', asked.id, { user: STAFF.analyst, actionTs: freshTs() }))).status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('resolved');
    await slackClick(
      e2e.baseUrl,
      blockActions('reopen', asked.id, { user: STAFF.analyst, actionTs: freshTs(), responseUrl: responseUrl('reopen-by-analyst') }),
    );
    const refused = await eventually('the refusal', () => responses.find((r) => r.path === '/response/reopen-by-analyst'));
    expect(refused.body.text).toMatch(/Could not reopen/);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('resolved');
    expect((await slackClick(e2e.baseUrl, blockActions('reopen', asked.id, { user: asked.user, actionTs: freshTs() }))).status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('open');
  });

  it('lets only the requester press "This solved it"', async () => {
    const asked = await askInSlack('How do I reset my 1Password master password?');
    await slackClick(
      e2e.baseUrl,
      blockActions('solved', asked.id, { user: STAFF.analyst, actionTs: freshTs(), responseUrl: responseUrl('solved-by-analyst') }),
    );
    const refused = await eventually('the refusal', () => responses.find((r) => r.path === '/response/solved-by-analyst'));
    expect(refused.body.text).toMatch(/only the requester can mark this request solved/);
    expect((await requestStatus(e2e.baseUrl, asked.id))!.status).toBe('open');
    expect((await slackClick(e2e.baseUrl, blockActions('solved', asked.id, { user: asked.user, actionTs: freshTs() }))).status).toBe(200);
    expect((await requestStatus(e2e.baseUrl, asked.id))!).toMatchObject({ status: 'resolved' });
  });
});

describe('/it-help end to end', () => {
  it('opens a request at once with the type, priority and system its leading words name', async () => {
    const fields = slashCommandFields({ text: 'access P2 okta-sso I need the Okta admin role', trigger_id: `trigger-${freshEventId()}`, user_id: 'U0ADA0004' });
    const res = await slackPost(e2e.baseUrl, '/slack/commands', formEncode(fields));
    const id = `req-slack-cmd-${fields.trigger_id}`;
    expect(res.status).toBe(200);
    expect(res.body.text).toContain(`|${id}> opened. Follow it in <#${HELP_CHANNEL}>.`);
    const status = await eventually('the request', () => requestStatus(e2e.baseUrl, id));
    expect(status).toMatchObject({ type: 'access', priority: 'P2', system: 'okta-sso', summary: 'I need the Okta admin role' });
  });

  it('opens the form without text, and its submission starts the request with what was chosen, confirming with the links', async () => {
    const fields = slashCommandFields({ text: '', trigger_id: `trigger-${freshEventId()}`, user_id: 'U0ADA0005' });
    expect((await slackPost(e2e.baseUrl, '/slack/commands', formEncode(fields))).status).toBe(200);
    const form = await eventually('the form', () => e2e.harness.sandbox.slack.views.find((v) => v.trigger_id === fields.trigger_id));
    const submitted = await slackClick(
      e2e.baseUrl,
      viewSubmission(
        form,
        { system: 'aws', type: 'change', priority: 'P3', summary: 'Open port 443 on the bastion', description: 'For the new VPN' },
        'U0ADA0005',
      ),
    );
    const id = `req-slack-modal-${form.id}`;
    expect(submitted.status).toBe(200);
    expect(JSON.stringify(submitted.body)).toContain(`|${id}> is open. The help desk answers in its thread in <#${HELP_CHANNEL}>.`);
    expect(submitted.body).toMatchObject({ response_action: 'update' });
    const status = await eventually('the request', () => requestStatus(e2e.baseUrl, id));
    expect(status).toMatchObject({
      type: 'change',
      priority: 'P3',
      system: 'aws',
      summary: 'Open port 443 on the bastion',
      requester: expect.stringContaining('U0ADA0005'),
    });
  });
});
