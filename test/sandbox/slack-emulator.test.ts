import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';

let slack: SlackEmulator;
const CHANNEL = 'C0ITHELP';

function client(options: WebClientOptions = {}, token = 'xoxb-test'): WebClient {
  return new WebClient(token, { slackApiUrl: slack.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, ...options });
}

beforeAll(async () => {
  slack = await createSlackEmulator({
    usergroups: [
      { id: 'S0OKTA', handle: 'sysowners-okta-sso', name: 'Okta owners', users: ['U1', 'U2'] },
      { id: 'S0HELP', handle: 'it-helpdesk-analysts' },
    ],
    users: [{ id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace', email: 'ada@example.com', tz: 'Europe/London' }],
  });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

describe('slack emulator, messages', () => {
  it('chat.postMessage stores the message and answers with a unique, increasing ts and the echoed message', async () => {
    const web = client();
    const first = await web.chat.postMessage({
      channel: CHANNEL,
      text: 'Locked out of Okta',
      metadata: { event_type: 'tierflow_request', event_payload: { request_id: 'r1' } },
    });
    const second = await web.chat.postMessage({
      channel: '#it_help',
      text: 'second',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*second*' } }],
    });
    expect(first.ok).toBe(true);
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({
      text: 'Locked out of Okta',
      user: 'U0TIERFLOW',
      metadata: { event_type: 'tierflow_request', event_payload: { request_id: 'r1' } },
    });
    expect(second.channel).toBe(CHANNEL);
    expect(slack.messages.map((m) => [m.channel, m.text])).toEqual([
      [CHANNEL, 'Locked out of Okta'],
      [CHANNEL, 'second'],
    ]);
    expect(slack.messages[1]?.blocks).toHaveLength(1);
  });

  it('a message without text or blocks is refused with no_text and nothing is stored', async () => {
    await expect(client().chat.postMessage({ channel: CHANNEL } as never)).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'no_text' } });
    expect(slack.messages).toHaveLength(0);
  });

  it('a reply with thread_ts joins the thread; conversations.replies returns the parent then the replies', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'request' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'acknowledged' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'resolved' });
    const replies = await web.conversations.replies({ channel: CHANNEL, ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(['request', 'acknowledged', 'resolved']);
    expect(replies.messages?.[0]).toMatchObject({ reply_count: 2, thread_ts: parent.ts });
    expect(slack.threads(CHANNEL)).toEqual([
      expect.objectContaining({
        parent: expect.objectContaining({ text: 'request' }),
        replies: [expect.objectContaining({ text: 'acknowledged' }), expect.objectContaining({ text: 'resolved' })],
      }),
    ]);
    await expect(web.conversations.replies({ channel: CHANNEL, ts: '1.000001' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });

  it('chat.update changes the stored message in place and marks it edited', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'Tier 2' });
    const updated = await web.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'Tier 3' });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'Tier 3' });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ text: 'Tier 3', edited: { user: 'U0TIERFLOW' } });
    await expect(web.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('conversations.history lists top-level messages newest first, with reply counts, after oldest', async () => {
    const web = client();
    const a = await web.chat.postMessage({ channel: CHANNEL, text: 'a' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: a.ts!, text: 'reply to a' });
    await web.chat.postMessage({ channel: CHANNEL, text: 'b' });
    const all = await web.conversations.history({ channel: CHANNEL });
    expect(all.messages?.map((m) => m.text)).toEqual(['b', 'a']);
    expect(all.messages?.[1]).toMatchObject({ reply_count: 1, latest_reply: expect.any(String) });
    const after = await web.conversations.history({ channel: CHANNEL, oldest: a.ts! });
    expect(after.messages?.map((m) => m.text)).toEqual(['b']);
    const paged = await web.conversations.history({ channel: CHANNEL, limit: 1 });
    expect(paged).toMatchObject({ has_more: true, response_metadata: { next_cursor: expect.stringMatching(/.+/) } });
    const next = await web.conversations.history({ channel: CHANNEL, limit: 1, cursor: paged.response_metadata!.next_cursor! });
    expect(next.messages?.map((m) => m.text)).toEqual(['a']);
  });

  it('conversations.history returns message metadata only with include_all_metadata, so a poster can find its own message', async () => {
    const web = client();
    await web.chat.postMessage({ channel: CHANNEL, text: 'request r7', metadata: { event_type: 'tierflow_request', event_payload: { request_id: 'r7' } } });
    const plain = await web.conversations.history({ channel: CHANNEL });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const withMetadata = await web.conversations.history({ channel: CHANNEL, include_all_metadata: true });
    expect(withMetadata.messages?.[0]?.metadata).toEqual({ event_type: 'tierflow_request', event_payload: { request_id: 'r7' } });
  });

  it('chat.getPermalink, chat.postEphemeral and views.open answer like Slack and are kept', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'p' });
    const reply = await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'r' });
    const link = await web.chat.getPermalink({ channel: CHANNEL, message_ts: reply.ts! });
    expect(link.permalink).toBe(`https://tierflow-sandbox.slack.com/archives/${CHANNEL}/p${reply.ts!.replace('.', '')}?thread_ts=${parent.ts}&cid=${CHANNEL}`);
    const ephemeral = await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ADA', text: 'only you' });
    expect(ephemeral.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.ephemerals).toEqual([expect.objectContaining({ user: 'U0ADA', text: 'only you' })]);
    const view = await web.views.open({ trigger_id: 't1', view: { type: 'modal', title: { type: 'plain_text', text: 'Escalate' }, blocks: [] } });
    expect(view.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal' });
    expect(slack.views).toHaveLength(1);
    expect(slack.messages).toHaveLength(2);
  });
});

describe('slack emulator, directory', () => {
  it('usergroups.list returns the configured groups with their handles (and users when asked)', async () => {
    const groups = await client().usergroups.list({ include_users: true });
    expect(groups.usergroups?.map((g) => [g.id, g.handle])).toEqual([
      ['S0OKTA', 'sysowners-okta-sso'],
      ['S0HELP', 'it-helpdesk-analysts'],
    ]);
    expect(groups.usergroups?.[0]?.users).toEqual(['U1', 'U2']);
  });

  it('users.info and conversations.info describe configured users and channels; unknown ones are errors', async () => {
    const web = client();
    const user = await web.users.info({ user: 'U0ADA' });
    expect(user.user).toMatchObject({ id: 'U0ADA', real_name: 'Ada Lovelace', tz: 'Europe/London', profile: { email: 'ada@example.com' } });
    await expect(web.users.info({ user: 'UMISSING1' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    const info = await web.conversations.info({ channel: CHANNEL });
    expect(info.channel).toMatchObject({ id: CHANNEL, name: 'it_help', is_member: true });
    const auth = await web.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'U0TIERFLOW', team_id: 'T0TIERFLOW' });
  });
});

describe('slack emulator, channels', () => {
  it('conversations.create makes a public channel with its creator as member; the name must be free, lowercase and at most 80 characters', async () => {
    const web = client();
    const created = await web.conversations.create({ name: 'crisis-req-1' });
    expect(created.channel).toMatchObject({
      id: expect.stringMatching(/^C[A-Z0-9]+$/),
      name: 'crisis-req-1',
      creator: 'U0TIERFLOW',
      is_private: false,
      is_member: true,
    });
    expect(slack.members('crisis-req-1')).toEqual(['U0TIERFLOW']);
    await expect(web.conversations.create({ name: 'crisis-req-1' })).rejects.toMatchObject({ data: { error: 'name_taken' } });
    await expect(web.conversations.create({ name: 'it_help' })).rejects.toMatchObject({ data: { error: 'name_taken' } });
    await expect(web.conversations.create({ name: 'Crisis REQ' })).rejects.toMatchObject({ data: { error: 'invalid_name_specials' } });
    await expect(web.conversations.create({ name: 'c'.repeat(81) })).rejects.toMatchObject({ data: { error: 'invalid_name_maxlength' } });
    await expect(web.conversations.create({ name: '--' })).rejects.toMatchObject({ data: { error: 'invalid_name_punctuation' } });
    expect(slack.channels.map((c) => c.name)).toEqual(['it_help', 'crisis-req-1']);
  });

  it('conversations.invite adds members; one refused user (already in, ourselves, unknown) refuses the whole list, naming each', async () => {
    const web = client();
    const { channel } = await web.conversations.create({ name: 'crisis-req-2' });
    await web.conversations.invite({ channel: channel!.id!, users: 'U0ADA,U1' });
    expect(slack.members(channel!.id!)).toEqual(['U0TIERFLOW', 'U0ADA', 'U1']);

    await expect(web.conversations.invite({ channel: channel!.id!, users: 'U2,U0ADA,U0TIERFLOW,UMISSING1' })).rejects.toMatchObject({
      data: {
        error: 'already_in_channel',
        errors: [
          { user: 'U0ADA', ok: false, error: 'already_in_channel' },
          { user: 'U0TIERFLOW', ok: false, error: 'cant_invite_self' },
          { user: 'UMISSING1', ok: false, error: 'user_not_found' },
        ],
      },
    });
    expect(slack.members(channel!.id!)).not.toContain('U2');
  });

  it('a channel someone else created is closed to the bot until it is invited (not_in_channel)', async () => {
    const mallory = client({}, 'xoxp-mallory');
    const { channel } = await mallory.conversations.create({ name: 'crisis-req-3' });
    expect(channel?.creator).toBe('U0MALLORY');
    const web = client();
    await expect(web.conversations.invite({ channel: channel!.id!, users: 'U0ADA' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    await expect(web.chat.postMessage({ channel: channel!.id!, text: 'x' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    await mallory.conversations.invite({ channel: channel!.id!, users: 'U0TIERFLOW' });
    await web.chat.postMessage({ channel: channel!.id!, text: 'now in' });
    expect(slack.threads(channel!.id!)).toHaveLength(1);
  });

  it('conversations.list pages through the public channels, archived ones unless excluded', async () => {
    const web = client();
    for (const n of [1, 2, 3]) await web.conversations.create({ name: `crisis-list-${n}` });
    slack.channels.find((c) => c.name === 'crisis-list-2')!.archived = true;
    const first = await web.conversations.list({ types: 'public_channel', limit: 2 });
    expect(first.channels?.map((c) => c.name)).toEqual(['it_help', 'crisis-list-1']);
    const second = await web.conversations.list({ types: 'public_channel', limit: 2, cursor: first.response_metadata!.next_cursor! });
    expect(second.channels?.map((c) => [c.name, c.is_archived, c.creator])).toEqual([
      ['crisis-list-2', true, 'U0TIERFLOW'],
      ['crisis-list-3', false, 'U0TIERFLOW'],
    ]);
    expect(second.response_metadata?.next_cursor).toBe('');
    const live = await web.conversations.list({ exclude_archived: true });
    expect(live.channels?.map((c) => c.name)).toEqual(['it_help', 'crisis-list-1', 'crisis-list-3']);
  });

  it('conversations.setTopic keeps the topic (at most 250 characters)', async () => {
    const web = client();
    const { channel } = await web.conversations.create({ name: 'crisis-req-4' });
    const set = await web.conversations.setTopic({ channel: channel!.id!, topic: 'Crisis: Okta down' });
    expect(set.channel?.topic?.value).toBe('Crisis: Okta down');
    expect(slack.channels.find((c) => c.id === channel!.id)?.topic).toBe('Crisis: Okta down');
    await expect(web.conversations.setTopic({ channel: channel!.id!, topic: 'x'.repeat(251) })).rejects.toMatchObject({ data: { error: 'too_long' } });
  });

  it('usergroups.users.list lists a group’s members by group id', async () => {
    const web = client();
    expect((await web.usergroups.users.list({ usergroup: 'S0OKTA' })).users).toEqual(['U1', 'U2']);
    expect((await web.usergroups.users.list({ usergroup: 'S0HELP' })).users).toEqual([]);
    await expect(web.usergroups.users.list({ usergroup: 'S0NOSUCH' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
  });

  it.each([
    ['conversations.create', { name: 'x' }, 'channels:manage'],
    ['conversations.invite', { channel: CHANNEL, users: 'U1' }, 'channels:write.invites'],
    ['conversations.setTopic', { channel: CHANNEL, topic: 'x' }, 'channels:write.topic'],
    ['conversations.list', {}, 'channels:read'],
    ['usergroups.users.list', { usergroup: 'S0OKTA' }, 'usergroups:read'],
  ])('%s without its scope answers missing_scope naming %s', async (method, args, needed) => {
    await expect(client({}, 'xoxb-missing-scope').apiCall(method, args)).rejects.toMatchObject({ data: { error: 'missing_scope', needed } });
    expect(slack.channels.map((c) => c.name)).not.toContain('x');
  });

  it('reset forgets created channels and their members', async () => {
    await client().conversations.create({ name: 'crisis-req-5' });
    slack.reset();
    expect(slack.channels.map((c) => c.name)).toEqual(['it_help']);
    expect(slack.members('C0ITHELP')).toEqual([]);
  });
});

describe('slack emulator, errors and failures', () => {
  it.each([
    ['xoxb-invalid', CHANNEL, 'invalid_auth'],
    ['xoxb-test', 'CMISSING1', 'channel_not_found'],
    ['xoxb-test', '#no-such-channel', 'channel_not_found'],
    ['xoxb-test', 'CNOTIN1', 'not_in_channel'],
    ['xoxb-missing-scope', CHANNEL, 'missing_scope'],
  ])('token %s posting to %s makes the client throw %s', async (token, channel, error) => {
    await expect(client({}, token).chat.postMessage({ channel, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error },
    });
    expect(slack.messages).toHaveLength(0);
  });

  it('an unknown method answers unknown_method', async () => {
    await expect(client().apiCall('tierflow.nothing')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('a 429 reaches a client that rejects rate-limited calls as a rate-limited error carrying Retry-After', async () => {
    slack.failNext('chat.postMessage', { kind: 'rate_limit', retryAfterSeconds: 7 });
    await expect(client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    expect(slack.messages).toHaveLength(0);
    expect(slack.calls[0]).toMatchObject({ status: 429, failure: 'rate_limit' });
  });

  it('a client that does not reject rate-limited calls waits Retry-After, retries and posts once', async () => {
    slack.failNext('chat.postMessage', { kind: 'rate_limit', retryAfterSeconds: 1 });
    const started = Date.now();
    await client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } }).chat.postMessage({ channel: CHANNEL, text: 'x' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(slack.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(slack.messages).toHaveLength(1);
  });

  it('a 503 surfaces as an HTTP error without retries, and is retried away with a retry policy', async () => {
    slack.failNext('chat.postMessage', { kind: 'server_error', status: 503 }, 2);
    await expect(client().chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    await client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } }).chat.postMessage({ channel: CHANNEL, text: 'x' });
    expect(slack.calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(slack.messages).toHaveLength(1);
  });

  it('a slow answer arrives late but correct; a client timeout shorter than the delay fails although the message was posted', async () => {
    slack.failNext('chat.postMessage', { kind: 'slow', delayMs: 250 }, 2);
    const started = Date.now();
    const late = await client().chat.postMessage({ channel: CHANNEL, text: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(late.ok).toBe(true);
    await expect(client({ timeout: 50 }).chat.postMessage({ channel: CHANNEL, text: 'timed out' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(slack.messages.map((m) => m.text)).toEqual(['slow', 'timed out']);
  });

  it('a dropped connection makes the client throw a request error and posts nothing', async () => {
    slack.failNext('chat.postMessage', { kind: 'drop' });
    await expect(client().chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(slack.messages).toHaveLength(0);
    expect(slack.calls[0]).toMatchObject({ failure: 'drop' });
    expect(slack.calls[0]?.status).toBeUndefined();
  });

  it('an ambiguous answer posts the message but reports 502, so only a metadata lookup before retrying avoids a duplicate', async () => {
    slack.failNext('chat.postMessage', { kind: 'ambiguous' });
    const web = client();
    const post = () =>
      web.chat.postMessage({ channel: CHANNEL, text: 'request r9', metadata: { event_type: 'tierflow_request', event_payload: { request_id: 'r9' } } });
    await expect(post()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 502 });
    expect(slack.messages).toHaveLength(1);
    const history = await web.conversations.history({ channel: CHANNEL, include_all_metadata: true });
    // the response type declares event_payload as `{}`: read it as a record
    expect(history.messages?.some((m) => (m.metadata?.event_payload as Record<string, unknown> | undefined)?.request_id === 'r9')).toBe(true);
  });

  it('calls are recorded with the Bearer token redacted and the form body parsed', async () => {
    await client({}, 'xoxb-secret-123').chat.postMessage({ channel: CHANNEL, text: 'hello', metadata: { event_type: 'e', event_payload: {} } });
    const [call] = slack.calls;
    expect(call).toMatchObject({
      method: 'POST',
      path: '/api/chat.postMessage',
      status: 200,
      headers: { authorization: 'Bearer ***' },
      body: { channel: CHANNEL, text: 'hello' },
    });
    expect(JSON.stringify(slack.calls)).not.toContain('xoxb-secret-123');
  });

  it('reset forgets messages, calls and pending failures', async () => {
    slack.failNext('chat.postMessage', { kind: 'server_error' });
    slack.reset();
    await client().chat.postMessage({ channel: CHANNEL, text: 'after reset' });
    slack.reset();
    expect(slack.messages).toHaveLength(0);
    expect(slack.calls).toHaveLength(0);
  });
});
