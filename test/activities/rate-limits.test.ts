/**
 * The activities against emulators that keep to Slack's and GitLab.com's published rate limits,
 * through the real clients as `buildClients` makes them (no retries, 429s thrown at once), on
 * clocks the tests move: an activity over a limit fails retryably with the service's wait as its
 * next retry delay, and a retry made after exactly that delay goes through, never one made earlier.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createGitlabActivities } from '../../activities/gitlab.js';
import { createSlackActivities } from '../../activities/slack.js';
import { GITLAB_RATE_LIMITED, SLACK_RATE_LIMITED } from '../../contracts/failures.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { toStatusView } from '../../domain/status-view.js';
import { emulatorSettings } from '../../bench/support/emulator-env.js';
import { createGitlabEmulator, createSlackEmulator, type GitlabEmulator, type SlackEmulator } from '../../sandbox/index.js';
import { buildClients } from '../../workers/clients.js';
import { failureOf, HELP_CHANNEL, requestState, TRACKER } from './support/fixtures.js';

const MINUTE = Date.parse('2025-03-03T10:00:00Z');
let now = MINUTE;
let attempt = 1;
let slackEmu: SlackEmulator;
let gitlabEmu: GitlabEmulator;
/** A tracker whose API throttle lets 3 calls a minute through (GitLab.com's is 2,000). */
let tightEmu: GitlabEmulator;

beforeAll(async () => {
  slackEmu = await createSlackEmulator({ rateLimits: { now: () => now } });
  gitlabEmu = await createGitlabEmulator({ projects: [TRACKER], rateLimits: { now: () => now } });
  tightEmu = await createGitlabEmulator({ projects: [TRACKER], rateLimits: { now: () => now, apiPerMinute: 3 } });
});
afterAll(() => Promise.all([slackEmu.close(), gitlabEmu.close(), tightEmu.close()]));
beforeEach(() => {
  now = MINUTE + 15_000;
  attempt = 1;
  for (const emu of [slackEmu, gitlabEmu, tightEmu]) emu.reset();
});

const deps = { attempt: () => attempt, now: () => now };
const slackActivities = () =>
  createSlackActivities({ slack: buildClients(emulatorSettings({ slackApiUrl: slackEmu.url })).slack, helpChannel: HELP_CHANNEL, ...deps });
const gitlabActivities = (emu: GitlabEmulator) =>
  createGitlabActivities({ gitlab: buildClients(emulatorSettings({ gitlabUrl: emu.url, project: TRACKER })).gitlab, project: TRACKER, ...deps });

describe('Slack: chat.postMessage, about one message a second per channel', () => {
  it('a burst of 20 replies into one thread posts 5; the others fail as SlackRateLimited retrying after Retry-After, and a retry then posts', async () => {
    const slack = slackActivities();
    const state = requestState();
    const thread = await slack.postRequestThread({ state, guides: [], shadowItOwner: null, mentions: [], view: toStatusView(state, DEFAULT_CALENDAR, now) });
    now += 5_000; // the channel's burst is back
    const reply = (n: number) => ({
      channel: thread.channel,
      threadTs: thread.ts,
      effectId: `${state.id}#${n}`,
      state,
      event: 'comment' as const,
      note: `n${n}`,
      mentions: [],
    });

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => slack.postThreadReply(reply(i + 1))));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const failure of refused) {
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: SLACK_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 1000 });
    }
    const limited = slackEmu.calls.filter((c) => c.path.endsWith('/chat.postMessage') && c.status === 429);
    expect(limited).toHaveLength(15);
    expect(limited.every((c) => c.body !== undefined)).toBe(true);
    expect(slackEmu.threads(HELP_CHANNEL)[0]?.replies).toHaveLength(5);

    // Temporal retries after nextRetryDelay: a moment sooner is still too soon.
    const refusedEffect = outcomes.findIndex((o) => o.status === 'rejected') + 1;
    attempt = 2;
    now += 999;
    expect(await failureOf(slack.postThreadReply(reply(refusedEffect)))).toMatchObject({ type: SLACK_RATE_LIMITED, nextRetryDelay: 1000 });
    now += 1;
    await slack.postThreadReply(reply(refusedEffect));
    const replies = slackEmu.threads(HELP_CHANNEL)[0]?.replies ?? [];
    expect(replies).toHaveLength(6);
    expect(replies.filter((m) => m.metadata?.event_payload.effect_id === `${state.id}#${refusedEffect}`)).toHaveLength(1);
  });
});

describe('GitLab: GitLab.com’s limits', () => {
  it('the 201st issue in a minute fails as GitlabRateLimited waiting a minute (GitLab sends no Retry-After), and opens once the minute is over', async () => {
    const gitlab = gitlabActivities(gitlabEmu);
    const open = (id: string) => gitlab.createTrackerIssue({ state: requestState({ id, tier: 3, system: null }), reason: 'r', slackThread: null });
    for (let i = 0; i < 200; i += 1) await open(`REQ-LIMIT-${i}`);
    const failure = await failureOf(open('REQ-LIMIT-200'));
    expect(failure).toMatchObject({ type: GITLAB_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 60_000 });
    expect(gitlabEmu.issues(TRACKER)).toHaveLength(200);

    attempt = 2;
    now += 60_000;
    const ref = await open('REQ-LIMIT-200');
    expect(gitlabEmu.issues(TRACKER)).toHaveLength(201);
    expect(ref.iid).toBe(201);
  });

  it('over the API throttle, the failure waits Retry-After (to the end of the minute): a retry a millisecond sooner is refused, one then goes through', async () => {
    const gitlab = gitlabActivities(tightEmu);
    const state = requestState({ tier: 3, system: null });
    const { iid } = await gitlab.createTrackerIssue({ state, reason: 'r', slackThread: null });
    const sync = () => gitlab.syncTrackerIssue({ iid, effectId: `${state.id}#2`, state, event: 'comment', note: 'hi' });
    await sync(); // GET the issue, POST the note: 3 calls this minute
    attempt = 2;
    const failure = await failureOf(sync());
    expect(failure).toMatchObject({ type: GITLAB_RATE_LIMITED, nonRetryable: false, nextRetryDelay: 45_000 });

    now += 45_000 - 1;
    expect(await failureOf(sync())).toMatchObject({ type: GITLAB_RATE_LIMITED, nextRetryDelay: 1000 });
    now += 1;
    await sync();
    expect(tightEmu.notes(TRACKER, iid)).toHaveLength(1);
  });
});
