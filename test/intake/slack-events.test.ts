import { describe, expect, it } from 'vitest';

import { slackToPlainText, summaryOf } from '../../intake/incoming-text.js';
import { checkSlackSignature, slackSignatureHeaders } from '../../intake/slack-signature.js';
import { GatewayError } from '../../intake/temporal-gateway.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { BOT_USER, HELP_CHANNEL, slackMessageEvent, urlVerification } from './support/payloads.js';
import { NOW_S, postEvent, signedApp, SLACK_SECRET } from './support/signed-app.js';

describe('Slack request signatures', () => {
  const body = JSON.stringify(urlVerification);

  it.each([
    ['a forged signature', { 'x-slack-signature': `v0=${'a'.repeat(64)}` }, /does not match/],
    ['a signature made with another secret', slackSignatureHeaders('other-secret', body, NOW_S), /does not match/],
    ['a missing signature', { 'x-slack-signature': '' }, /X-Slack-Signature/],
    ['a v1 signature', { 'x-slack-signature': `v1=${'a'.repeat(64)}` }, /X-Slack-Signature/],
    ['a timestamp 301 s old', slackSignatureHeaders(SLACK_SECRET, body, NOW_S - 301), /301 s away/],
    ['a timestamp 301 s ahead', slackSignatureHeaders(SLACK_SECRET, body, NOW_S + 301), /301 s away/],
    ['a non-numeric timestamp', { 'x-slack-request-timestamp': 'yesterday' }, /X-Slack-Request-Timestamp/],
  ])('rejects %s with 401 and starts nothing', async (_name, headers, message) => {
    const { gateway, started } = recordingGateway();
    const res = await signedApp(gateway).inject({
      method: 'POST',
      url: '/slack/events',
      payload: body,
      headers: { 'content-type': 'application/json', ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S), ...headers },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(message);
    expect(started).toHaveLength(0);
  });

  it('accepts a timestamp 299 s away from our clock, either way', () => {
    for (const ts of [NOW_S - 299, NOW_S + 299]) {
      const headers = slackSignatureHeaders(SLACK_SECRET, body, ts);
      const problem = checkSlackSignature({
        signingSecret: SLACK_SECRET,
        rawBody: Buffer.from(body),
        signature: headers['x-slack-signature'],
        timestamp: headers['x-slack-request-timestamp'],
        nowMs: NOW_S * 1000,
      });
      expect(problem).toBeNull();
    }
  });

  it('refuses every Slack request with 401 naming SLACK_SIGNING_SECRET when it is not set', async () => {
    const { gateway } = recordingGateway();
    const res = await postEvent(signedApp(gateway, { slackSecret: null }), urlVerification);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/SLACK_SIGNING_SECRET is not set/);
  });

  it('checks the signature before reading the body, so a forged malformed body is a 401, not a 400', async () => {
    const { gateway } = recordingGateway();
    const res = await signedApp(gateway).inject({ method: 'POST', url: '/slack/events', payload: '{"type":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /slack/events', () => {
  it('answers url_verification with the challenge', async () => {
    const { gateway } = recordingGateway();
    const res = await postEvent(signedApp(gateway), urlVerification);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ challenge: urlVerification.challenge });
  });

  it('starts a request from a top-level message in the help channel, keyed by channel and ts', async () => {
    const { gateway, started } = recordingGateway();
    const res = await postEvent(signedApp(gateway), slackMessageEvent({ text: 'Locked out of Okta\nafter the MFA reset <!channel>' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, request: 'req-slack-C0ITHELP-1355517523.000005', duplicate: false });
    expect(started).toEqual([
      {
        id: 'req-slack-C0ITHELP-1355517523.000005',
        source: 'slack',
        requester: { email: 'U2147483697@users.slack.invalid', slackUserId: 'U2147483697' },
        summary: 'Locked out of Okta',
        description: 'Locked out of Okta\nafter the MFA reset @channel',
        slackMessage: { channel: HELP_CHANNEL, ts: '1355517523.000005' },
      },
    ]);
  });

  it('turns the same event delivered three times (Slack retries) into one request id', async () => {
    const { gateway, started } = recordingGateway();
    const app = signedApp(gateway);
    const answers = [];
    for (const retry of [undefined, '1', '2']) {
      answers.push(
        (await postEvent(app, slackMessageEvent(), { headers: retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {} })).json(),
      );
    }
    expect(answers.map((a) => a.duplicate)).toEqual([false, true, true]);
    expect(new Set(started.map((s) => s.id))).toEqual(new Set(['req-slack-C0ITHELP-1355517523.000005']));
  });

  it('turns a thread reply into a comment on the request of the thread, with the event id as update id', async () => {
    const { gateway, acts } = recordingGateway();
    const reply = slackMessageEvent(
      { text: 'Still locked out &amp; <@U999|bob> too', ts: '1355517600.000100', thread_ts: '1355517523.000005' },
      { event_id: 'Ev0REPLY1' },
    );
    const res = await postEvent(signedApp(gateway), reply);
    expect(res.statusCode).toBe(200);
    expect(acts).toEqual([
      {
        id: 'req-slack-C0ITHELP-1355517523.000005',
        action: 'comment',
        args: { actor: 'U2147483697', note: 'Still locked out & @bob too', source: 'slack' },
        updateId: 'slack-Ev0REPLY1',
      },
    ]);
  });

  it("finds the request by its SlackThread when the thread is tierflow's own post", async () => {
    const threads = { [`${HELP_CHANNEL}/1700000000.000200`]: 'req-json-form-1' };
    const { gateway, acts } = recordingGateway(
      {
        act: async (id, action, args, updateId) => {
          if (id !== 'req-json-form-1') throw new GatewayError('not_found', `no request with id ${id}`);
          acts.push({ id, action, args, ...(updateId ? { updateId } : {}) });
          return { id, status: 'open' } as never;
        },
      },
      { threads },
    );
    const res = await postEvent(signedApp(gateway), slackMessageEvent({ ts: '1700000001.000300', thread_ts: '1700000000.000200', text: 'any news?' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, request: 'req-json-form-1' });
    expect(acts).toEqual([
      { id: 'req-json-form-1', action: 'comment', args: { actor: 'U2147483697', note: 'any news?', source: 'slack' }, updateId: 'slack-Ev123ABC456' },
    ]);
  });

  it('acknowledges a reply in a thread of no request, and a refused comment, without error', async () => {
    const untracked = await postEvent(signedApp(failingGateway('not_found')), slackMessageEvent({ ts: '1.2', thread_ts: '1.1' }));
    expect(untracked.statusCode).toBe(200);
    expect(untracked.json().ignored).toMatch(/no request/);
    const refused = await postEvent(
      signedApp(failingGateway('conflict', 'cannot comment: request is already closed')),
      slackMessageEvent({ ts: '1.2', thread_ts: '1.1' }),
    );
    expect(refused.statusCode).toBe(200);
    expect(refused.json().ignored).toBe('cannot comment: request is already closed');
  });

  it('answers a direct message by starting one redirect notice per event, never a request', async () => {
    const { gateway, started, notices } = recordingGateway();
    const app = signedApp(gateway);
    const dm = slackMessageEvent({ channel: 'D024BE91L', channel_type: 'im', text: 'hey, can you reset my password?' }, { event_id: 'Ev0DM1' });
    const first = await postEvent(app, dm);
    const again = await postEvent(app, dm, { headers: { 'x-slack-retry-num': '1' } });
    expect(first.json()).toEqual({ ok: true, notice: 'slack-notice-Ev0DM1', duplicate: false });
    expect(again.json()).toEqual({ ok: true, notice: 'slack-notice-Ev0DM1', duplicate: true });
    expect(notices[0]).toEqual({ eventId: 'Ev0DM1', notice: { kind: 'dm_redirect', channel: 'D024BE91L', user: 'U2147483697', noticeId: 'Ev0DM1' } });
    expect(started).toHaveLength(0);
  });

  it.each([
    ['a bot message (bot_id)', { bot_id: 'B0OTHER', user: 'U0OTHERBOT' }],
    ['a bot_message subtype', { subtype: 'bot_message', user: undefined, username: 'deploy-bot' }],
    ["the app's own message", { user: BOT_USER }],
    ["the app's own message in a thread", { bot_id: 'B0TIERFLOW', user: BOT_USER, thread_ts: '1355517000.000001' }],
    ['an edit', { subtype: 'message_changed', hidden: true, message: { text: 'edited' } }],
    ['a deletion', { subtype: 'message_deleted', hidden: true, deleted_ts: '1355517523.000001' }],
    ['a channel join', { subtype: 'channel_join', text: '<@U2147483697> has joined the channel' }],
    ['a message in another channel', { channel: 'C0RANDOM' }],
  ])('ignores %s with 200 and starts nothing', async (_name, event) => {
    const { gateway, started, acts, notices } = recordingGateway();
    const res = await postEvent(signedApp(gateway), slackMessageEvent(event));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, ignored: expect.any(String) });
    expect([...started, ...acts, ...notices]).toHaveLength(0);
  });

  it.each([
    ['an unknown event type', slackMessageEvent({ type: 'reaction_added', reaction: 'thumbsup' })],
    ['an unknown envelope type', { type: 'app_rate_limited', token: 'x', team_id: 'T1', minute_rate_limited: 1518467820 }],
  ])('acknowledges %s with 200 and does nothing', async (_name, payload) => {
    const { gateway, started } = recordingGateway();
    const res = await postEvent(signedApp(gateway), payload);
    expect(res.statusCode).toBe(200);
    expect(res.json().ignored).toMatch(/not handled/);
    expect(started).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', '{"type":', 'application/json', 400, /malformed JSON/],
    ['an envelope without type', '{}', 'application/json', 400, /type/],
    ['an event_callback without event_id', JSON.stringify({ type: 'event_callback', event: { type: 'message' } }), 'application/json', 400, /event_id/],
    ['a person’s message without a user', JSON.stringify(slackMessageEvent({ user: undefined })), 'application/json', 400, /user/],
    ['a message with a bad ts', JSON.stringify(slackMessageEvent({ ts: 'now' })), 'application/json', 400, /ts/],
    ['a form body', 'type=url_verification', 'application/x-www-form-urlencoded', 415, /application\/json/],
  ])('answers %s with %i naming the problem', async (_name, body, contentType, status, message) => {
    const { gateway, started } = recordingGateway();
    const res = await signedApp(gateway).inject({
      method: 'POST',
      url: '/slack/events',
      payload: body,
      headers: { 'content-type': contentType, ...slackSignatureHeaders(SLACK_SECRET, body, NOW_S) },
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatch(message);
    expect(started).toHaveLength(0);
  });

  it('answers only once Temporal has the request, although Bolt acknowledges events before its listeners run', async () => {
    let release!: () => void;
    const temporalTookIt = new Promise<void>((resolve) => (release = resolve));
    const { gateway, started } = recordingGateway();
    const slow = { ...gateway, start: async (input: Parameters<typeof gateway.start>[0]) => temporalTookIt.then(() => gateway.start(input)) };
    let answered = false;
    const pending = postEvent(signedApp(slow), slackMessageEvent()).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    release();
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, request: 'req-slack-C0ITHELP-1355517523.000005', duplicate: false });
    expect(started).toHaveLength(1);
  });

  it('answers 503 with Retry-After when Temporal is unreachable, so Slack retries the event', async () => {
    const res = await postEvent(signedApp(failingGateway('unavailable', 'Temporal is unreachable; retry later')), slackMessageEvent());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});

describe('Slack text into plain request text', () => {
  it.each([
    ['<!channel> and <!here|here>', '@channel and @here'],
    ['ask <@U123> or <@U456|ada>', 'ask @U123 or @ada'],
    ['in <#C0ITHELP|it_help> or <#C0OTHER>', 'in #it_help or #C0OTHER'],
    ['ping <!subteam^S0OKTA|@sysowners-okta-sso> or <!subteam^S0X>', 'ping @sysowners-okta-sso or @S0X'],
    ['see <https://okta.example.com/a?b=1&amp;c=2|the doc> and <https://x.test>', 'see the doc (https://okta.example.com/a?b=1&c=2) and https://x.test'],
    ['mail <mailto:ada@example.com|ada@example.com>', 'mail ada@example.com'],
    ['1 &lt; 2 &amp;&amp; 3 &gt; 2, literally &amp;lt;', '1 < 2 && 3 > 2, literally &lt;'],
    ['due <!date^1392734382^{date}|Feb 18, 2014>', 'due Feb 18, 2014'],
  ])('%s → %s', (input, output) => {
    expect(slackToPlainText(input)).toBe(output);
  });

  it('summarises with the first non-empty line, cut to 200 characters', () => {
    expect(summaryOf('\n\n  first line  \nsecond', 'x')).toBe('first line');
    expect(summaryOf('   ', 'fallback')).toBe('fallback');
    expect(summaryOf('y'.repeat(300), 'x')).toHaveLength(200);
  });
});
