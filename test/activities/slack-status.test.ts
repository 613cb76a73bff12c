/**
 * The live status message through the real `@slack/web-api` client against the Slack emulator:
 * posted as the thread's first message (or as a reply in the requester's own thread), edited in
 * place on every transition, inert user text, Block Kit limits, and failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { INTEGRATION_CONFIG_ERROR, SLACK_RATE_LIMITED, SLACK_UNAVAILABLE } from '../../contracts/failures.js';
import type { StatusBlock, StatusButton } from '../../activities/slack-blocks.js';
import { createSlackActivities } from '../../activities/slack.js';
import { THREAD_EVENT_TYPE } from '../../contracts/slack-ids.js';
import { groupMention } from '../../activities/slack-text.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import type { RequestState } from '../../domain/request.js';
import { toStatusView } from '../../domain/status-view.js';
import type { SlackMessage } from '../../sandbox/index.js';
import { clock, failureOf, HELP_CHANNEL, requestState, startIntegrations, type Integrations } from './support/fixtures.js';
import { blockKitProblems, textsOf } from './support/slack-limits.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Friday 2024-01-05 22:00 UTC: a 4h target runs into the weekend and is due Monday 02:00. */
const FRI_22 = Date.UTC(2024, 0, 5, 22);
const NOW = FRI_22 + 20 * MINUTE;
const MON_02 = Date.UTC(2024, 0, 8, 2) / 1000;
const GUIDE = { title: 'Reset your Okta MFA', url: 'https://handbook.example/okta-mfa' };

let it_: Integrations;
beforeAll(async () => {
  it_ = await startIntegrations();
});
afterAll(() => it_.close());
beforeEach(() => it_.slackEmu.reset());

const openState = (overrides: Partial<RequestState> = {}): RequestState =>
  requestState({
    createdAt: FRI_22,
    clocks: [clock({ kind: 'first_response', tier: 2, startedAt: FRI_22 }), clock({ kind: 'resolution', tier: 2, startedAt: FRI_22 })],
    ...overrides,
  });
const viewOf = (state: RequestState, now = NOW) => toStatusView(state, DEFAULT_CALENDAR, now);
const postArgs = (state: RequestState) => ({ state, guides: [GUIDE], shadowItOwner: null, mentions: ['it-helpdesk-analysts'], view: viewOf(state) });

const blocksOf = (m: SlackMessage | undefined) => (m?.blocks ?? []) as StatusBlock[];
const blockText = (m: SlackMessage | undefined, id: string): string => {
  const block = blocksOf(m).find((b) => b.block_id === id);
  if (block?.type === 'section') return block.text?.text ?? '';
  if (block?.type === 'context') return block.elements.map((e) => e.text).join(' ');
  return '';
};
const fields = (m: SlackMessage | undefined): Record<string, string> => {
  const block = blocksOf(m).find((b) => b.block_id === 'tierflow_fields');
  const entries = block?.type === 'section' ? (block.fields ?? []).map((f) => f.text.split('\n')) : [];
  return Object.fromEntries(entries.map(([name = '', ...value]) => [name.replace(/\*/g, ''), value.join('\n')]));
};
const buttons = (m: SlackMessage | undefined): Array<Pick<StatusButton, 'action_id' | 'value'>> =>
  blocksOf(m).flatMap((b) => (b.type === 'actions' ? b.elements.map(({ action_id, value }) => ({ action_id, value })) : []));

describe('postRequestThread: the status message', () => {
  it('is the thread’s first message: blocks with the five buttons (exact action ids, the request id as value), a text fallback with summary and mentions', async () => {
    const state = openState();
    const ref = await it_.slack.postRequestThread(postArgs(state));

    expect(it_.slackEmu.messages).toHaveLength(1);
    const message = it_.slackEmu.messages[0];
    expect(ref).toEqual({ channel: HELP_CHANNEL, ts: message?.ts, statusTs: message?.ts, permalink: expect.stringContaining(`/archives/${HELP_CHANNEL}/p`) });
    expect(message?.thread_ts).toBeUndefined();
    expect(message?.metadata).toEqual({ event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } });
    expect(buttons(message)).toEqual(
      ['tierflow_acknowledge', 'tierflow_pause', 'tierflow_escalate', 'tierflow_resolve', 'tierflow_solved'].map((action_id) => ({
        action_id,
        value: state.id,
      })),
    );
    expect(fields(message)).toEqual({
      Tier: '2 · helpdesk',
      State: ':large_yellow_circle: Open',
      Owner: '_unassigned_',
      System: 'Okta SSO\nowners @sysowners-okta-sso',
      Priority: 'P3',
    });
    expect(blockText(message, 'tierflow_sla')).toBe(
      `:hourglass_flowing_sand: first response due <!date^${MON_02}^{date_short_pretty} at {time}|Mon 2024-01-08 02:00 UTC>`,
    );
    expect(blockText(message, 'tierflow_guides')).toBe('While you wait, these guides may help: <https://handbook.example/okta-mfa|Reset your Okta MFA>');
    expect(blockText(message, 'tierflow_mentions')).toBe('<!subteam^S0HELPDESK> please take a look.');
    expect(message?.text.split('\n').slice(0, 3)).toEqual([
      '*Locked out of Okta*',
      'Request `' + state.id + '` from <@U0ADA12345>',
      'P3 · Okta SSO · Tier 2 (helpdesk) · Open',
    ]);
    expect(message?.text).toContain(':hourglass_flowing_sand: first response due Mon 2024-01-08 02:00 UTC\n');
    expect(message?.text).not.toContain('left');
    expect(message?.text.endsWith('<!subteam^S0HELPDESK> please take a look.')).toBe(true);
    expect(blockKitProblems(message!)).toEqual([]);
  });

  it('is posted once: a retry after an ambiguous post (posted, answer lost) returns the same message', async () => {
    const state = openState();
    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous' });
    expect(await failureOf(it_.slack.postRequestThread(postArgs(state)))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });

    const ref = await it_.retry(() => it_.slack.postRequestThread(postArgs(state)));
    expect(it_.slackEmu.messages).toHaveLength(1);
    expect(ref.statusTs).toBe(it_.slackEmu.messages[0]?.ts);
    expect(buttons(it_.slackEmu.messages[0])).toHaveLength(5);
  });

  it('for a request from Slack, is a reply in the requester’s own thread (with guides and mentions), posted once across an ambiguous failure', async () => {
    const asked = await it_.clients.slack.chat.postMessage({ channel: HELP_CHANNEL, text: 'Locked out of Okta, push never arrives' });
    const state = openState({
      links: { slackChannel: HELP_CHANNEL, slackTs: asked.ts!, statusTs: null, slackThread: null, gitlabIssueIid: null, gitlabIssue: null },
    });

    it_.slackEmu.failNext('chat.postMessage', { kind: 'ambiguous', answer: 'drop' });
    expect(await failureOf(it_.slack.postRequestThread(postArgs(state)))).toMatchObject({ type: SLACK_UNAVAILABLE, nonRetryable: false });
    const ref = await it_.retry(() => it_.slack.postRequestThread(postArgs(state)));
    const again = await it_.retry(() => it_.slack.postRequestThread(postArgs(state)), 3);

    const threads = it_.slackEmu.threads(HELP_CHANNEL);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.parent.ts).toBe(asked.ts);
    expect(threads[0]?.replies).toHaveLength(1);
    const status = threads[0]?.replies[0];
    expect(ref).toEqual({ channel: HELP_CHANNEL, ts: asked.ts, statusTs: status?.ts, permalink: expect.stringContaining(`/p${asked.ts!.replace('.', '')}`) });
    expect(again).toEqual(ref);
    expect(status?.metadata).toEqual({ event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } });
    expect(buttons(status).map((b) => b.action_id)).toContain('tierflow_solved');
    expect(blockText(status, 'tierflow_guides')).toContain('<https://handbook.example/okta-mfa|Reset your Okta MFA>');
    expect(blockText(status, 'tierflow_mentions')).toBe('<!subteam^S0HELPDESK> please take a look.');
    expect(status?.text).toContain('<!subteam^S0HELPDESK> please take a look.');
  });

  it('keeps <!channel> and <@U…> in the summary and description inert, in blocks and in the fallback text', async () => {
    const state = openState({
      summary: '<!channel> <@U0EVIL0001> help & fast',
      description: '<!here> see <https://evil.example|okta.com> <!subteam^S0HELPDESK>',
    });
    await it_.slack.postRequestThread({ ...postArgs(state), mentions: [] });
    const message = it_.slackEmu.messages[0];

    expect(blockText(message, 'tierflow_summary')).toContain('*&lt;!channel&gt; &lt;@U0EVIL0001&gt; help &amp; fast*');
    expect(blockText(message, 'tierflow_description')).toBe('>&lt;!here&gt; see &lt;https://evil.example|okta.com&gt; &lt;!subteam^S0HELPDESK&gt;');
    expect(message?.text).toContain('*&lt;!channel&gt; &lt;@U0EVIL0001&gt; help &amp; fast*');
    for (const text of textsOf(message!)) expect(text).not.toMatch(/<!(channel|here|subteam)|<@U0EVIL|<https:\/\/evil/);
    expect(blockKitProblems(message!)).toEqual([]);
  });

  it('keeps a very long summary and description within Block Kit limits, never cutting an escape in half', async () => {
    const state = openState({ summary: `${'<&>'.repeat(400)} end`, description: `${'&lt; <!channel> & '.repeat(4000)}\n${'line\n'.repeat(500)}` });
    const guides = Array.from({ length: 120 }, (_, i) => ({ title: `Guide ${i} & <more>`, url: `https://handbook.example/guide-${i}` }));
    await it_.slack.postRequestThread({ ...postArgs(state), guides });
    const message = it_.slackEmu.messages[0]!;
    expect(blockKitProblems(message)).toEqual([]);
    expect(blockText(message, 'tierflow_description').length).toBeLessThanOrEqual(3000);
    expect(blockText(message, 'tierflow_guides').endsWith('…')).toBe(true);

    await it_.slack.updateStatusMessage({ channel: HELP_CHANNEL, statusTs: message.ts, state, view: viewOf(state), guides });
    expect(it_.slackEmu.messages).toHaveLength(1);
    expect(blockKitProblems(it_.slackEmu.messages[0]!)).toEqual([]);
  });
});

describe('updateStatusMessage', () => {
  it('edits the message in place: tier, state, owner and SLA line follow the request; still one message', async () => {
    const state = openState();
    const ref = await it_.slack.postRequestThread(postArgs(state));
    const escalated = openState({
      ...state,
      tier: 3,
      status: 'acknowledged',
      assignee: 'U0BOB12345',
      clocks: [clock({ kind: 'resolution', tier: 3, targetMs: 8 * HOUR, startedAt: NOW })],
    });
    await it_.slack.updateStatusMessage({ channel: ref.channel, statusTs: ref.statusTs, state: escalated, view: viewOf(escalated, NOW + HOUR) });

    expect(it_.slackEmu.messages).toHaveLength(1);
    const message = it_.slackEmu.messages[0];
    expect(message?.ts).toBe(ref.statusTs);
    expect(message?.edited).toBeDefined();
    expect(fields(message)).toMatchObject({
      Tier: '3 · escalation and systems engineering',
      State: ':large_blue_circle: Acknowledged',
      Owner: '<@U0BOB12345>',
    });
    expect(blockText(message, 'tierflow_sla')).toBe(
      `:hourglass_flowing_sand: resolution due <!date^${Date.UTC(2024, 0, 8, 6, 20) / 1000}^{date_short_pretty} at {time}|Mon 2024-01-08 06:20 UTC>`,
    );
    expect(buttons(message).map((b) => b.action_id)).toEqual(['tierflow_pause', 'tierflow_escalate', 'tierflow_resolve']);
    expect(blockText(message, 'tierflow_mentions')).toBe('');
    expect(message?.text).toContain('P3 · Okta SSO · Tier 3 (escalation and systems engineering) · Acknowledged');
    expect(message?.metadata).toEqual({ event_type: THREAD_EVENT_TYPE, event_payload: { request_id: state.id } });
  });

  it('mentions the system owners’ group for real once the request is with them (Tier 3), as a plain handle before', async () => {
    const usergroups = {
      mentions: async (handles: readonly string[]) => handles.map((h) => groupMention(h, h === 'sysowners-okta-sso' ? 'S0OKTAOWN' : undefined)),
      members: async () => [],
    };
    const slack = createSlackActivities({ slack: it_.clients.slack, helpChannel: HELP_CHANNEL, usergroups });
    const state = openState();
    const ref = await slack.postRequestThread(postArgs(state));
    expect(fields(it_.slackEmu.messages[0]).System).toBe('Okta SSO\nowners @sysowners-okta-sso');
    const tier3 = { ...state, tier: 3 as const };
    await slack.updateStatusMessage({ channel: ref.channel, statusTs: ref.statusTs, state: tier3, view: viewOf(tier3) });
    expect(fields(it_.slackEmu.messages[0]).System).toBe('Okta SSO\nowners <!subteam^S0OKTAOWN>');
  });

  it.each<[string, Partial<RequestState>, string]>([
    ['resolved', { status: 'resolved', resolution: 'resolved', assignee: 'U0BOB12345' }, ':white_check_mark: resolved'],
    ['cancelled', { status: 'cancelled', resolution: 'cancelled' }, ':no_entry_sign: cancelled'],
  ])('takes the buttons away once %s', async (_name, overrides, line) => {
    const state = openState();
    const ref = await it_.slack.postRequestThread(postArgs(state));
    const ended = { ...state, ...overrides, clocks: [] };
    await it_.slack.updateStatusMessage({ channel: ref.channel, statusTs: ref.statusTs, state: ended, view: viewOf(ended) });

    const message = it_.slackEmu.messages[0];
    expect(it_.slackEmu.messages).toHaveLength(1);
    expect(buttons(message)).toEqual([]);
    expect(blocksOf(message).some((b) => b.type === 'actions')).toBe(false);
    expect(blockText(message, 'tierflow_sla')).toBe(line);
  });

  it('once resolved, offers Reopen until the window closes, and links the swarm channel; closing takes the button away', async () => {
    const state = openState({ links: { ...openState().links, swarmChannel: 'C0SWARM001' } });
    const ref = await it_.slack.postRequestThread(postArgs(state));
    expect(blockText(it_.slackEmu.messages[0], 'tierflow_links')).toBe(':rotating_light: swarm channel <#C0SWARM001>');

    const resolved = { ...state, status: 'resolved' as const, resolution: 'resolved' as const, clocks: [] };
    const until = Date.UTC(2024, 0, 12, 17);
    await it_.slack.updateStatusMessage({
      channel: ref.channel,
      statusTs: ref.statusTs,
      state: resolved,
      view: { ...viewOf(resolved), reopenUntil: new Date(until).toISOString() },
    });
    const message = it_.slackEmu.messages[0];
    expect(buttons(message)).toEqual([{ action_id: 'tierflow_reopen', value: state.id }]);
    expect(blockText(message, 'tierflow_reopen')).toBe(`You can reopen until <!date^${until / 1000}^{date_short_pretty} at {time}|Fri 2024-01-12 17:00 UTC>`);
    expect(message?.text).toContain('You can reopen until Fri 2024-01-12 17:00 UTC');
    expect(blockKitProblems(message!)).toEqual([]);

    const closed = { ...resolved, status: 'closed' as const };
    await it_.slack.updateStatusMessage({ channel: ref.channel, statusTs: ref.statusTs, state: closed, view: { ...viewOf(closed), reopenUntil: null } });
    expect(buttons(it_.slackEmu.messages[0])).toEqual([]);
    expect(blockText(it_.slackEmu.messages[0], 'tierflow_reopen')).toBe('');
    expect(it_.slackEmu.messages).toHaveLength(1);
  });

  it('logs and leaves alone a status message that was deleted (no retry could bring it back)', async () => {
    const warnings: Array<{ message: string; meta: Record<string, unknown> }> = [];
    const slack = createSlackActivities({ slack: it_.clients.slack, helpChannel: HELP_CHANNEL, warn: (message, meta) => warnings.push({ message, meta }) });
    const state = openState();
    await expect(slack.updateStatusMessage({ channel: HELP_CHANNEL, statusTs: '1700000000.000100', state, view: viewOf(state) })).resolves.toBeUndefined();
    expect(warnings).toEqual([
      { message: expect.stringContaining('message_not_found'), meta: expect.objectContaining({ requestId: state.id, statusTs: '1700000000.000100' }) },
    ]);
    expect(it_.slackEmu.calls.filter((c) => c.path.endsWith('chat.update'))).toHaveLength(1);
  });

  it('turns a missing channel into a non-retryable IntegrationConfigError and a 429 into SlackRateLimited with Retry-After', async () => {
    const state = openState();
    const missing = await failureOf(it_.slack.updateStatusMessage({ channel: 'CMISSING1', statusTs: '1.000100', state, view: viewOf(state) }));
    expect(missing).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
    expect(missing.message).toContain('channel_not_found');

    const ref = await it_.slack.postRequestThread(postArgs(state));
    it_.slackEmu.failNext('chat.update', { kind: 'rate_limit', retryAfterSeconds: 4 });
    const limited = await failureOf(it_.slack.updateStatusMessage({ channel: ref.channel, statusTs: ref.statusTs, state, view: viewOf(state) }));
    expect(limited).toMatchObject({ type: SLACK_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 4000 });
  });
});
