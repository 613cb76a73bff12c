/**
 * A crisis's swarm channel through the real `@slack/web-api` client (as `buildClients` makes it)
 * against the Slack emulator: the channel, who is invited, the topic and the opening message, and
 * that retries after lost answers, a name someone else took, hostile text and a missing scope all
 * end as they should. A retry is another call of the activity at attempt 2+, as Temporal makes it.
 */
import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { INTEGRATION_CONFIG_ERROR, SLACK_UNAVAILABLE } from '../../contracts/failures.js';
import { createSlackSwarmActivities, SWARM_EVENT_TYPE, swarmChannelName, type OpenSwarmChannelArgs } from '../../activities/slack-swarm.js';
import { replyText } from '../../activities/slack-text.js';
import type { RequestState } from '../../domain/request.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/index.js';
import { buildSlackClient } from '../../workers/clients.js';
import { emulatorSettings } from '../../bench/support/emulator-env.js';
import { slackProblems } from '../support/inert-checks.js';
import { failureOf, HELP_CHANNEL, requestState } from './support/fixtures.js';

const LEADS = ['U0LEAD0001', 'U0LEAD0002'];
const OKTA_OWNERS = ['U0OKTA0001', 'U0LEAD0001', 'U0TIERFLOW'];
const HELP_THREAD = 'https://tierflow-sandbox.slack.com/archives/C0ITHELP/p1700000000000100';
const ISSUE = 'https://gitlab.example.com/t/-/issues/7';

let emu: SlackEmulator;
let client: WebClient;
const clientWith = (token: string) => {
  const settings = emulatorSettings({ slackApiUrl: emu.url, helpChannel: HELP_CHANNEL });
  return buildSlackClient({ ...settings, slack: { ...settings.slack, botToken: token } }, emu.url);
};
beforeAll(async () => {
  emu = await createSlackEmulator({
    usergroups: [
      { id: 'S0CSLEAD', handle: 'corpsec-leadership', users: LEADS },
      { id: 'S0OKTA', handle: 'sysowners-okta-sso', users: OKTA_OWNERS },
      { id: 'S0CROWD', handle: 'everyone-in-it', users: Array.from({ length: 1500 }, (_, i) => `U0C${String(i).padStart(6, '0')}`) },
    ],
  });
  client = clientWith('xoxb-test');
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const crisis = (overrides: Partial<RequestState> = {}): RequestState =>
  requestState({
    tier: 5,
    priority: 'P1',
    type: 'crisis',
    summary: 'Okta down for everyone',
    links: { slackChannel: null, slackTs: null, statusTs: null, slackThread: HELP_THREAD, gitlabIssueIid: 7, gitlabIssue: ISSUE },
    ...overrides,
  });
const argsFor = (state: RequestState, overrides: Partial<OpenSwarmChannelArgs> = {}): OpenSwarmChannelArgs => ({
  state,
  invite: { groups: ['corpsec-leadership', 'sysowners-okta-sso'], users: ['U0ADA12345'] },
  helpThread: HELP_THREAD,
  gitlabIssue: ISSUE,
  ...overrides,
});
const swarm = (deps: Partial<Parameters<typeof createSlackSwarmActivities>[0]> = {}) =>
  createSlackSwarmActivities({ slack: client, helpChannel: HELP_CHANNEL, warn: () => undefined, ...deps });
/** The activity at attempt `n` (a retry when n > 1). */
const attempt = (n: number) => swarm({ attempt: () => n });
const openers = (channel: string) => emu.threads(channel).filter((t) => t.parent.metadata?.event_type === SWARM_EVENT_TYPE);
const calls = (method: string) => emu.calls.filter((c) => c.path.endsWith(method));

describe('openSwarmChannel', () => {
  it('creates #crisis-<request>, invites the groups’ members and the requester, sets the topic and posts the opening message', async () => {
    const state = crisis({ id: 'req-gitlab-1000-7' });
    const ref = await swarm().openSwarmChannel(argsFor(state));

    expect(ref).toEqual({
      channel: expect.stringMatching(/^C/),
      name: 'crisis-req-gitlab-1000-7',
      permalink: expect.stringContaining(`/archives/${ref.channel}/p`),
    });
    const channel = emu.channels.find((c) => c.id === ref.channel);
    expect(channel).toMatchObject({ name: 'crisis-req-gitlab-1000-7', creator: 'U0TIERFLOW', topic: 'Crisis: Okta down for everyone' });
    expect(new Set(emu.members(ref.channel))).toEqual(new Set(['U0TIERFLOW', ...LEADS, 'U0OKTA0001', 'U0ADA12345']));
    expect(emu.members(ref.channel)).toHaveLength(5);

    const [opening] = openers(ref.channel);
    expect(opening?.parent.metadata).toEqual({ event_type: SWARM_EVENT_TYPE, event_payload: { request_id: state.id } });
    expect(opening?.parent.text.split('\n')).toEqual([
      ':rotating_light: *Crisis swarm: Okta down for everyone*',
      'Request `req-gitlab-1000-7` from <@U0ADA12345> · P1 · Okta SSO · Tier 5 (architecture and crisis)',
      `:link: <${HELP_THREAD}|help thread> · <${ISSUE}|GitLab issue #7>`,
      'Invited: <!subteam^S0CSLEAD> (2 people), <!subteam^S0OKTA> (3 people), <@U0ADA12345>',
    ]);
    expect(emu.messages).toHaveLength(1);
  });

  it('creates nothing twice when answers are lost: the channel is found again by name, the opening message by its metadata', async () => {
    const state = crisis();
    emu.failNext('conversations.create', { kind: 'ambiguous' });
    expect(await failureOf(swarm().openSwarmChannel(argsFor(state)))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });
    expect(emu.channels.filter((c) => c.creator)).toHaveLength(1);

    emu.failNext('chat.postMessage', { kind: 'ambiguous', answer: 'drop' });
    expect(await failureOf(attempt(2).openSwarmChannel(argsFor(state)))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });

    const ref = await attempt(3).openSwarmChannel(argsFor(state));
    const again = await attempt(4).openSwarmChannel(argsFor(state));
    expect(again).toEqual(ref);
    expect(emu.channels.filter((c) => c.creator)).toEqual([expect.objectContaining({ id: ref.channel, name: swarmChannelName(state.id) })]);
    expect(openers(ref.channel)).toHaveLength(1);
    expect(emu.messages).toHaveLength(1);
    expect(emu.members(ref.channel)).toHaveLength(5);
    expect(calls('conversations.list').length).toBeGreaterThanOrEqual(3);
  });

  it('carries on in the channel it created earlier (name_taken), but leaves alone one someone else named the same, and an archived one', async () => {
    const state = crisis({ id: 'req-api-42' });
    const mallory = clientWith('xoxp-mallory');
    await mallory.conversations.create({ name: 'crisis-req-api-42' });
    const archived = (await client.conversations.create({ name: 'crisis-req-api-42-2' })).channel!;
    emu.channels.find((c) => c.id === archived.id)!.archived = true;

    // A first attempt made no channel yet: taken names are someone else's, skipped without a lookup.
    const ref = await swarm().openSwarmChannel(argsFor(state));
    expect(ref.name).toBe('crisis-req-api-42-3');
    expect(calls('conversations.list')).toHaveLength(0);
    expect(emu.members('crisis-req-api-42')).toEqual(['U0MALLORY']);
    expect(emu.channels.find((c) => c.name === 'crisis-req-api-42')?.topic).toBeUndefined();
    expect(emu.threads(archived.id!)).toEqual([]);

    const retried = await attempt(2).openSwarmChannel(argsFor(state));
    expect(retried).toEqual(ref);
    expect(emu.channels.filter((c) => c.name.startsWith('crisis-req-api-42'))).toHaveLength(3);
    expect(openers(ref.channel)).toHaveLength(1);
  });

  it('a first attempt reads no history; mayHaveRun looks on attempt 1 and carries on in the channel and its opening message', async () => {
    const state = crisis();
    emu.failNext('chat.postMessage', { kind: 'ambiguous' });
    await failureOf(swarm().openSwarmChannel(argsFor(state)));
    expect(calls('conversations.history')).toHaveLength(0);
    expect(calls('conversations.list')).toHaveLength(0);

    const ref = await swarm().openSwarmChannel({ ...argsFor(state), mayHaveRun: true });
    expect(calls('conversations.list').length).toBeGreaterThanOrEqual(1);
    expect(calls('conversations.history')).toHaveLength(1);
    expect(emu.channels.filter((c) => c.creator)).toEqual([expect.objectContaining({ id: ref.channel, name: swarmChannelName(state.id) })]);
    expect(openers(ref.channel)).toHaveLength(1);
  });

  it('invites everyone it can and names who Slack refused, in the opening message and the logs', async () => {
    const warnings: Array<Record<string, unknown>> = [];
    const state = crisis();
    const ref = await swarm({ warn: (_message, meta) => warnings.push(meta) }).openSwarmChannel(
      argsFor(state, { invite: { groups: ['corpsec-leadership', 'no-such-group'], users: ['U0ADA12345', 'UMISSING01', 'not-an-id', 'U0TIERFLOW'] } }),
    );
    expect(new Set(emu.members(ref.channel))).toEqual(new Set(['U0TIERFLOW', ...LEADS, 'U0ADA12345']));
    const text = openers(ref.channel)[0]?.parent.text ?? '';
    expect(text).toContain('Invited: <!subteam^S0CSLEAD> (2 people), @no-such-group (no such user group), <@U0ADA12345>, <@UMISSING01>, not-an-id');
    expect(text).toContain('Could not invite: not-an-id (not a Slack user id), <@UMISSING01> (user_not_found)');
    expect(warnings).toEqual([
      expect.objectContaining({
        requestId: state.id,
        unknownGroups: ['no-such-group'],
        refused: [
          { user: 'not-an-id', error: 'not a Slack user id' },
          { user: 'UMISSING01', error: 'user_not_found' },
        ],
      }),
    ]);
  });

  it('invites a large group in batches of at most 1000', async () => {
    const ref = await swarm().openSwarmChannel(argsFor(crisis(), { invite: { groups: ['everyone-in-it'], users: [] } }));
    const batches = calls('conversations.invite').map((c) => String((c.body as Record<string, string>).users).split(',').length);
    expect(batches).toEqual([1000, 500]);
    expect(emu.members(ref.channel)).toHaveLength(1501);
  });

  it('keeps a hostile summary inert: one escaped line in the topic (≤ 250 characters) and the opening message', async () => {
    const summary = `<!channel> *urgent*\n<@U0EVIL0001> & <https://evil.example|okta.com> ${'x'.repeat(400)}`;
    const state = crisis({ summary, requester: { email: 'eve@example.com', name: '<!here> Eve' } });
    const ref = await swarm().openSwarmChannel(argsFor(state, { invite: { groups: [], users: [] } }));
    const topic = emu.channels.find((c) => c.id === ref.channel)?.topic ?? '';
    expect(topic.startsWith('Crisis: &lt;!channel&gt; *urgent* &lt;@U0EVIL0001&gt; &amp; &lt;https://evil.example|okta.com&gt; xxx')).toBe(true);
    expect(topic.length).toBeLessThanOrEqual(250);
    expect(topic).not.toContain('\n');
    const text = openers(ref.channel)[0]?.parent.text ?? '';
    expect(slackProblems(text, [HELP_THREAD, ISSUE])).toEqual([]);
    expect(text.split('\n')[0]).toMatch(/^:rotating_light: \*Crisis swarm: &lt;!channel&gt; \*urgent\* &lt;@U0EVIL0001&gt; [^\n]+\*$/);
    expect(text).toContain('from &lt;!here&gt; Eve');
  });

  it('is a non-retryable configuration error naming the scope when the token lacks it, and creates nothing', async () => {
    const failure = await failureOf(swarm({ slack: clientWith('xoxb-missing-scope') }).openSwarmChannel(argsFor(crisis())));
    expect(failure).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(failure.message).toContain('needs channels:manage');
    expect(failure.message).toContain('swarm channel');
    expect(emu.channels.filter((c) => c.creator)).toEqual([]);
  });
});

describe('swarmChannelName', () => {
  it.each([
    ['an id that is a name already', 'req-gitlab-1000-7', 0, 'crisis-req-gitlab-1000-7'],
    ['the next name when the first is taken', 'req-gitlab-1000-7', 1, 'crisis-req-gitlab-1000-7-2'],
  ])('%s', (_name, id, candidate, expected) => {
    expect(swarmChannelName(id, candidate)).toBe(expected);
  });

  it.each(['req-slack-C0ITHELP-1700000000.000100', 'REQ-api-42', `req-json-d-${'a'.repeat(100)}`, '..//::', 'req api ✓ ünïcode'])(
    'makes a valid Slack name of %s (lowercase, [a-z0-9-_], at most 80) that keeps the id apart from look-alikes',
    (id) => {
      const name = swarmChannelName(id);
      expect(name).toMatch(/^crisis-[a-z0-9_-]+$/);
      expect(name.length).toBeLessThanOrEqual(80);
      expect(swarmChannelName(id, 4).length).toBeLessThanOrEqual(80);
      for (const alike of [id.toUpperCase(), id.toLowerCase(), `${id}.`, `${id}-`].filter((v) => v !== id)) expect(name).not.toBe(swarmChannelName(alike));
    },
  );
});

describe('the swarm_opened reply', () => {
  it('links the swarm channel by its id, and only a well-formed id', () => {
    const state = crisis({ links: { ...crisis().links, swarmChannel: 'C0NEW00001' } });
    expect(replyText(state, 'swarm_opened', { mentions: [], now: 0 })).toBe(':rotating_light: *Crisis swarm channel opened*\nJoin the swarm in <#C0NEW00001>.');
    const forged = { ...state, links: { ...state.links, swarmChannel: 'C1><!channel>' } };
    expect(replyText(forged, 'swarm_opened', { mentions: [], now: 0 })).toBe(':rotating_light: *Crisis swarm channel opened*');
  });
});
