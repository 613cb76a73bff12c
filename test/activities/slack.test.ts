/**
 * The Slack activities through the real `@slack/web-api` client (as `buildClients` makes it)
 * against the Slack emulator. A retry is another call of the same activity function at attempt 2+
 * (`it_.retry`), as Temporal makes it after the first attempt failed; a first attempt posts
 * without reading history.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { EFFECT_EVENT_TYPE, THREAD_EVENT_TYPE } from '../../contracts/slack-ids.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { toStatusView } from '../../domain/status-view.js';
import { INTEGRATION_CONFIG_ERROR, SLACK_RATE_LIMITED, SLACK_UNAVAILABLE } from '../../contracts/failures.js';
import { createSlackActivities } from '../../activities/slack.js';
import { failureOf, HELP_CHANNEL, requestState, startIntegrations, type Integrations } from './support/fixtures.js';

let it_: Integrations;
beforeAll(async () => {
  it_ = await startIntegrations();
});
afterAll(() => it_.close());
beforeEach(() => it_.slackEmu.reset());

const threadArgs = (state = requestState()) => ({
  state,
  guides: [],
  shadowItOwner: null,
  mentions: ['it-helpdesk-analysts'],
  view: toStatusView(state, DEFAULT_CALENDAR, Date.now()),
});

async function openThread() {
  const state = requestState();
  const thread = await it_.slack.postRequestThread(threadArgs(state));
  return { state, thread };
}

const replies = (ts: string) => it_.slackEmu.threads(HELP_CHANNEL).find((t) => t.parent.ts === ts)?.replies ?? [];

describe('postRequestThread', () => {
  it('posts the thread once: a retry after an ambiguous post (posted, answer lost) returns the same message', async () => {
    const state = requestState();
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous' });
    const first = await failureOf(it_.slack.postRequestThread(threadArgs(state)));
    expect(first).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });

    const thread = await it_.retry(() => it_.slack.postRequestThread(threadArgs(state)));
    const threads = it_.slackEmu.threads(HELP_CHANNEL);
    expect(threads).toHaveLength(1);
    expect(thread).toMatchObject({ channel: HELP_CHANNEL, ts: threads[0]?.parent.ts, statusTs: threads[0]?.parent.ts });
    expect(thread.permalink).toContain('/archives/C0ITHELP/');
    expect(threads[0]?.parent.metadata).toEqual({ event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } });
  });

  it('looks for an earlier attempt in at most 5 pages of 200 channel messages, stopping at the page that holds it', async () => {
    const state = requestState();
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous' });
    await failureOf(it_.slack.postRequestThread(threadArgs(state)));
    const [posted] = it_.slackEmu.messages;
    // Chatter from another app, straight into the emulator's channel: `at` seconds since the epoch.
    const chatter = (at: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ channel: HELP_CHANNEL, ts: `${at + i}.000000`, text: 'chatter', user: 'U0OTHERAPP', bot_id: 'B0OTHERAPP' }));
    const historyCalls = () => it_.slackEmu.calls.filter((c) => c.path.endsWith('conversations.history'));

    // Newest first: 250 newer messages, ours, 300 older ones: ours is on page 2 of 3.
    it_.slackEmu.messages.push(...chatter(4_000_000_000, 250), ...chatter(1_000_000_000, 300));
    const before = historyCalls().length;
    const found = await it_.retry(() => it_.slack.postRequestThread(threadArgs(state)));
    expect(found.ts).toBe(posted?.ts);
    const reads = historyCalls().slice(before);
    expect(reads.map((c) => (c.body as Record<string, string>).limit)).toEqual(['200', '200']);
    expect((reads[1]?.body as Record<string, string>).cursor).toBeTruthy();

    // 1,050 newer messages: beyond the 1,000 read, so the earlier post is not found and a new one is made.
    it_.slackEmu.messages.push(...chatter(4_000_000_250, 800));
    const again = historyCalls().length;
    const reposted = await it_.retry(() => it_.slack.postRequestThread(threadArgs(state)), 3);
    expect(historyCalls().length - again).toBe(5);
    expect(reposted.ts).not.toBe(posted?.ts);
  });

  it('mentions a known user group as <!subteam^ID> and an unknown handle as plain text', async () => {
    const state = requestState();
    await it_.slack.postRequestThread({ ...threadArgs(state), mentions: ['it-helpdesk-analysts', 'no-such-group'] });
    const text = it_.slackEmu.messages[0]?.text ?? '';
    expect(text).toContain('<!subteam^S0HELPDESK> @no-such-group please take a look.');
    expect(text).toContain('<@U0ADA12345>');
  });

  it('escapes the summary and description, so <!channel> and forged links stay inert', async () => {
    const state = requestState({ summary: '<!channel> urgent', description: 'see <https://evil.example|okta.com> <!subteam^S0HELPDESK>' });
    await it_.slack.postRequestThread({ ...threadArgs(state), mentions: [] });
    const text = it_.slackEmu.messages[0]?.text ?? '';
    expect(text).toContain('*&lt;!channel&gt; urgent*');
    expect(text).toContain('&lt;https://evil.example|okta.com&gt; &lt;!subteam^S0HELPDESK&gt;');
    expect(text).not.toMatch(/<!(channel|here|subteam)/);
  });
});

describe('postThreadReply', () => {
  it('replies once per effect: a retry after an ambiguous post finds the reply by its effect id', async () => {
    const { state, thread } = await openThread();
    const args = { channel: thread.channel, threadTs: thread.ts, effectId: `${state.id}#2`, state, event: 'comment' as const, note: 'Any news?', mentions: [] };
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous', answer: 'drop' });
    expect(await failureOf(it_.slack.postThreadReply(args))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });

    await it_.retry(() => it_.slack.postThreadReply(args));
    await it_.retry(() => it_.slack.postThreadReply(args), 3);
    const posted = replies(thread.ts);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.metadata).toEqual({
      event_type: EFFECT_EVENT_TYPE,
      event_payload: { effect_id: `${state.id}#2`, request_id: state.id, event: 'comment' },
    });

    await it_.slack.postThreadReply({ ...args, effectId: `${state.id}#3` });
    expect(replies(thread.ts)).toHaveLength(2);
  });

  it.each([
    ['another app', 'xoxb-other-app-token'],
    ['a person with a user token', 'xoxp-mallory-user-token'],
  ])('is not fooled by a reply %s posted with our effect metadata: tierflow still posts its own, once', async (_who, token) => {
    const { state, thread } = await openThread();
    const effectId = `${state.id}#2`;
    const forger = new WebClient(token, { slackApiUrl: it_.slackEmu.url, retryConfig: { retries: 0 } });
    await forger.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      text: 'nothing to see',
      metadata: { event_type: EFFECT_EVENT_TYPE, event_payload: { effect_id: effectId, request_id: state.id, event: 'escalated' } },
    });
    const args = {
      channel: thread.channel,
      threadTs: thread.ts,
      effectId,
      state,
      event: 'escalated' as const,
      note: 'breach',
      mentions: ['corpsec-engineers'],
    };
    // Both calls are retries, so both look first: the forged reply must not count as ours.
    await it_.retry(() => it_.slack.postThreadReply(args));
    await it_.retry(() => it_.slack.postThreadReply(args), 3);
    const ours = replies(thread.ts).filter((m) => m.bot_id === 'B0TIERFLOW');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.text).toContain('Escalated');
  });

  it('is not fooled by a forged status message in the channel: it posts the request thread itself', async () => {
    const state = requestState();
    const forger = new WebClient('xoxb-other-app-token', { slackApiUrl: it_.slackEmu.url, retryConfig: { retries: 0 } });
    await forger.chat.postMessage({
      channel: HELP_CHANNEL,
      text: 'fake',
      metadata: { event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } },
    });
    const thread = await it_.retry(() => it_.slack.postRequestThread(threadArgs(state)));
    const parent = it_.slackEmu.threads(HELP_CHANNEL).find((t) => t.parent.ts === thread.ts)?.parent;
    expect(parent?.bot_id).toBe('B0TIERFLOW');
    expect(it_.slackEmu.threads(HELP_CHANNEL)).toHaveLength(2);
  });

  it('still posts when a retry cannot read the thread (its first message was deleted)', async () => {
    const state = requestState();
    await it_.retry(() =>
      it_.slack.postThreadReply({
        channel: HELP_CHANNEL,
        threadTs: '1700000000.000100',
        effectId: `${state.id}#1`,
        state,
        event: 'comment',
        note: 'hello',
        mentions: [],
      }),
    );
    expect(it_.slackEmu.calls.filter((c) => c.path.endsWith('conversations.replies'))).toHaveLength(1);
    expect(it_.slackEmu.messages.filter((m) => m.thread_ts === '1700000000.000100')).toHaveLength(1);
  });

  it('escapes <!channel> in a note and renders the escalation group as <!subteam^ID>', async () => {
    const { state, thread } = await openThread();
    const escalated = { ...state, tier: 4 as const };
    await it_.slack.postThreadReply({
      channel: thread.channel,
      threadTs: thread.ts,
      effectId: `${state.id}#5`,
      state: escalated,
      event: 'escalated',
      note: '<!channel> Tier 3 resolution breached <@U0EVIL0001>',
      mentions: ['corpsec-automation'],
    });
    const text = replies(thread.ts)[0]?.text ?? '';
    expect(text).toBe(
      ':arrow_up: *Escalated to Tier 4 (automation engineering)*\n>&lt;!channel&gt; Tier 3 resolution breached &lt;@U0EVIL0001&gt;\ncc <!subteam^S0CSAUTO>',
    );
  });

  it('turns a 429 into a retryable SlackRateLimited failure whose next retry waits Retry-After', async () => {
    const { state, thread } = await openThread();
    it_.slackEmu.failNext('conversations.replies', { kind: 'rate_limit', retryAfterSeconds: 7 });
    const failure = await failureOf(
      it_.retry(() =>
        it_.slack.postThreadReply({ channel: thread.channel, threadTs: thread.ts, effectId: `${state.id}#9`, state, event: 'resumed', mentions: [] }),
      ),
    );
    expect(failure).toMatchObject({ type: SLACK_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 7000 });
    expect(replies(thread.ts)).toHaveLength(0);
  });

  it('turns a 5xx into a plain retryable failure', async () => {
    const { state, thread } = await openThread();
    it_.slackEmu.failNext('chat.postMessage', { kind: 'server_error', status: 503 });
    const failure = await failureOf(
      it_.slack.postThreadReply({ channel: thread.channel, threadTs: thread.ts, effectId: `${state.id}#4`, state, event: 'acknowledged', mentions: [] }),
    );
    expect(failure).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });
    expect(failure.message).toContain('HTTP 503');
  });
});

describe('postThreadReply with a swarm channel (mirror)', () => {
  const SWARM = 'C0SWARM001';
  const mirrorArgs = (state: ReturnType<typeof requestState>, thread: { channel: string; ts: string }, effect = 2) => ({
    channel: thread.channel,
    threadTs: thread.ts,
    effectId: `${state.id}#${effect}`,
    state,
    event: 'escalated' as const,
    note: 'Tier 4 resolution breached',
    mentions: ['corpsec-automation'],
    mirrorChannel: SWARM,
  });
  const mirrored = () => it_.slackEmu.threads(SWARM).map((t) => t.parent);

  it('posts the reply in the thread and, without the mentions, as a top-level message in the swarm channel, with the same metadata', async () => {
    const { state, thread } = await openThread();
    await it_.slack.postThreadReply(mirrorArgs(state, thread));

    const [reply] = replies(thread.ts);
    expect(reply?.text).toContain('cc <!subteam^S0CSAUTO>');
    expect(mirrored()).toHaveLength(1);
    const [mirror] = mirrored();
    expect(mirror?.thread_ts).toBeUndefined();
    expect(mirror?.text).toBe(reply?.text.replace('\ncc <!subteam^S0CSAUTO>', ''));
    expect(mirror?.text).toContain('Tier 4 resolution breached');
    expect(mirror?.metadata).toEqual(reply?.metadata);
    expect(it_.slackEmu.threads(SWARM).every((t) => t.replies.length === 0)).toBe(true);
  });

  it('posts the mirror once: a retry after an ambiguous mirror post finds it, and never re-posts the thread reply', async () => {
    const { state, thread } = await openThread();
    const args = mirrorArgs(state, thread);
    await it_.slack.postThreadReply({ ...args, mirrorChannel: null });
    expect(mirrored()).toHaveLength(0);

    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous' });
    expect(await failureOf(it_.retry(() => it_.slack.postThreadReply(args)))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });
    await it_.retry(() => it_.slack.postThreadReply(args), 3);
    await it_.retry(() => it_.slack.postThreadReply(args), 4);
    expect(replies(thread.ts)).toHaveLength(1);
    expect(mirrored()).toHaveLength(1);

    await it_.slack.postThreadReply(mirrorArgs(state, thread, 3));
    expect(replies(thread.ts)).toHaveLength(2);
    expect(mirrored()).toHaveLength(2);
  });

  it('after an ambiguous thread reply, the retry posts the mirror and no second reply', async () => {
    const { state, thread } = await openThread();
    const args = mirrorArgs(state, thread);
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous', answer: 'drop' });
    await failureOf(it_.slack.postThreadReply(args));
    expect(mirrored()).toHaveLength(0);
    await it_.retry(() => it_.slack.postThreadReply(args));
    expect(replies(thread.ts)).toHaveLength(1);
    expect(mirrored()).toHaveLength(1);
  });

  it('is not fooled by a mirror another app posted with our metadata', async () => {
    const { state, thread } = await openThread();
    const args = mirrorArgs(state, thread);
    const forger = new WebClient('xoxb-other-app-token', { slackApiUrl: it_.slackEmu.url, retryConfig: { retries: 0 } });
    await forger.chat.postMessage({ channel: SWARM, text: 'fake', metadata: { event_type: EFFECT_EVENT_TYPE, event_payload: { effect_id: args.effectId } } });
    await it_.retry(() => it_.slack.postThreadReply(args));
    expect(mirrored().filter((m) => m.bot_id === 'B0TIERFLOW')).toHaveLength(1);
  });

  it.each([
    ['gone', 'CMISSING7', 'channel_not_found'],
    ['closed to tierflow', 'CNOTIN07', 'not_in_channel'],
  ])('skips, with a warning, a swarm channel that is %s: the thread reply stands', async (_name, channel, code) => {
    const warnings: Array<{ message: string; meta: Record<string, unknown> }> = [];
    const slack = createSlackActivities({ slack: it_.clients.slack, helpChannel: HELP_CHANNEL, warn: (message, meta) => warnings.push({ message, meta }) });
    const { state, thread } = await openThread();
    await expect(slack.postThreadReply({ ...mirrorArgs(state, thread), mirrorChannel: channel })).resolves.toBeUndefined();
    expect(replies(thread.ts)).toHaveLength(1);
    expect(warnings).toEqual([{ message: expect.stringContaining(code), meta: expect.objectContaining({ requestId: state.id, channel }) }]);
  });

  it('fails retryably when Slack is down while mirroring, and the retry completes the mirror only', async () => {
    const { state, thread } = await openThread();
    const args = mirrorArgs(state, thread);
    await it_.slack.postThreadReply({ ...args, mirrorChannel: undefined });
    it_.slackEmu.failNext('chat.postMessage', { kind: 'server_error', status: 503 });
    const failure = await failureOf(it_.retry(() => it_.slack.postThreadReply(args)));
    expect(failure).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });
    expect(failure.message).toContain('swarm channel');
    await it_.retry(() => it_.slack.postThreadReply(args), 3);
    expect(replies(thread.ts)).toHaveLength(1);
    expect(mirrored()).toHaveLength(1);
  });
});

describe('looking for an earlier attempt only when one may have posted', () => {
  const lookups = () => it_.slackEmu.calls.filter((c) => /\/conversations\.(history|replies)$/.test(c.path)).map((c) => c.path);

  it('a first attempt posts the thread, a reply and its mirror without reading history or replies', async () => {
    const state = requestState();
    const thread = await it_.slack.postRequestThread(threadArgs(state));
    const fromSlack = requestState({ links: { ...state.links, slackChannel: HELP_CHANNEL, slackTs: thread.ts } });
    await it_.slack.postRequestThread(threadArgs(fromSlack));
    await it_.slack.postThreadReply({
      channel: thread.channel,
      threadTs: thread.ts,
      effectId: `${state.id}#2`,
      state,
      event: 'comment',
      note: 'hi',
      mentions: [],
      mirrorChannel: 'C0SWARM002',
    });
    expect(lookups()).toEqual([]);
    expect(replies(thread.ts)).toHaveLength(2);
    expect(it_.slackEmu.threads('C0SWARM002')).toHaveLength(1);
  });

  it('a retry reads before posting: the thread’s replies for a reply, the swarm channel’s history for its mirror', async () => {
    const { state, thread } = await openThread();
    const args = { channel: thread.channel, threadTs: thread.ts, effectId: `${state.id}#2`, state, event: 'comment' as const, mentions: [] };
    it_.slackEmu.reset();
    await it_.retry(() => it_.slack.postThreadReply({ ...args, mirrorChannel: 'C0SWARM003' }));
    expect(lookups()).toEqual(['/api/conversations.replies', '/api/conversations.history']);
  });

  it('mayHaveRun looks on attempt 1 too (an effect run again after continue-as-new) and posts nothing twice', async () => {
    const state = requestState();
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous' });
    await failureOf(it_.slack.postRequestThread(threadArgs(state)));
    const thread = await it_.slack.postRequestThread({ ...threadArgs(state), mayHaveRun: true });
    expect(it_.slackEmu.threads(HELP_CHANNEL)).toHaveLength(1);

    const reply = { channel: thread.channel, threadTs: thread.ts, effectId: `${state.id}#2`, state, event: 'comment' as const, mentions: [] };
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous', answer: 'drop' });
    await failureOf(it_.slack.postThreadReply({ ...reply, mirrorChannel: 'C0SWARM004' }));
    await it_.slack.postThreadReply({ ...reply, mirrorChannel: 'C0SWARM004', mayHaveRun: true });
    expect(replies(thread.ts)).toHaveLength(1);
    expect(it_.slackEmu.threads('C0SWARM004')).toHaveLength(1);
    expect(lookups()).toContain('/api/conversations.history');
    expect(lookups()).toContain('/api/conversations.replies');
  });
});

describe('configuration errors', () => {
  it('an invalid bot token is a non-retryable IntegrationConfigError naming SLACK_BOT_TOKEN', async () => {
    const failure = await failureOf(it_.withTokens({ slack: 'xoxb-invalid' }).slack.postRequestThread(threadArgs()));
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toMatch(/invalid_auth: the bot token is not valid: check SLACK_BOT_TOKEN/);
  });

  it('a missing scope names the scope to add: usergroups:read for the mentions, channels:history for a retry’s lookup', async () => {
    const failure = await failureOf(it_.withTokens({ slack: 'xoxb-missing-scope' }).slack.postRequestThread(threadArgs()));
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toContain('needs usergroups:read');
    const retried = await failureOf(it_.retry(() => it_.withTokens({ slack: 'xoxb-missing-scope' }).slack.postRequestThread(threadArgs())));
    expect(retried.message).toContain('needs channels:history');
  });

  it.each([
    ['CMISSING1', 'channel_not_found', 'SLACK_HELP_CHANNEL'],
    ['CNOTIN01', 'not_in_channel', '/invite'],
  ])('replying in %s is a non-retryable %s', async (channel, code, hint) => {
    const state = requestState();
    const failure = await failureOf(
      it_.slack.postThreadReply({ channel, threadTs: '1.000100', effectId: `${state.id}#1`, state, event: 'comment', mentions: [] }),
    );
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toContain(code);
    expect(failure.message).toContain(hint);
  });
});
