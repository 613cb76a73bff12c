/**
 * The Slack notice activity through the real `@slack/web-api` client against the Slack emulator.
 * A retry is another call of the same activity function at attempt 2+, as Temporal makes it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { INTEGRATION_CONFIG_ERROR, SLACK_UNAVAILABLE } from '../../contracts/failures.js';
import { createSlackNoticeActivities, dmRedirectText, NOTICE_EVENT_TYPE } from '../../activities/slack-notice.js';
import { emulatorSettings } from '../../bench/support/emulator-env.js';
import { buildClients } from '../../workers/clients.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/index.js';
import { failureOf } from './support/fixtures.js';

let emu: SlackEmulator;
const notice = (noticeId = 'Ev0DM1') => ({ kind: 'dm_redirect' as const, channel: 'D0DIRECT1', user: 'U0ADA0001', noticeId });
const activities = (token = 'xoxb-test', attempt = 1) =>
  createSlackNoticeActivities({
    slack: buildClients(emulatorSettings({ slackToken: token, slackApiUrl: emu.url })).slack,
    helpChannel: 'C0ITHELP',
    attempt: () => attempt,
  });
const retry = (attempt = 2) => activities('xoxb-test', attempt);
const historyReads = () => emu.calls.filter((c) => c.path.endsWith('conversations.history'));

beforeAll(async () => {
  emu = await createSlackEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('postSlackNotice', () => {
  it('posts the redirect once, mentioning the person and the help channel; only the retry reads the history', async () => {
    await activities().postSlackNotice(notice());
    expect(historyReads()).toHaveLength(0);
    await retry().postSlackNotice(notice());
    expect(historyReads()).toHaveLength(1);
    const posted = emu.messages.filter((m) => m.channel === 'D0DIRECT1');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe(dmRedirectText('U0ADA0001', 'C0ITHELP'));
    expect(posted[0]!.metadata).toEqual({ event_type: NOTICE_EVENT_TYPE, event_payload: { notice_id: 'Ev0DM1', kind: 'dm_redirect' } });
  });

  it('posts once after an ambiguous failure (posted, answer lost), and again for another event', async () => {
    emu.failNext('chat.postMessage', { kind: 'ambiguous' });
    expect(await failureOf(activities().postSlackNotice(notice()))).toMatchObject({ type: SLACK_UNAVAILABLE });
    await retry().postSlackNotice(notice());
    await retry().postSlackNotice(notice('Ev0DM2'));
    expect(emu.messages.filter((m) => m.channel === 'D0DIRECT1').map((m) => m.metadata?.event_payload.notice_id)).toEqual(['Ev0DM1', 'Ev0DM2']);
  });

  it('fails without retry on a bad token', async () => {
    expect(await failureOf(activities('xoxb-invalid').postSlackNotice(notice()))).toMatchObject({ type: INTEGRATION_CONFIG_ERROR, nonRetryable: true });
  });

  it('never writes a mention from malformed ids', () => {
    expect(dmRedirectText('<!channel>', '#general')).not.toMatch(/<[!@#]/);
  });
});
