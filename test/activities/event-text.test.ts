import { describe, expect, it } from 'vitest';

import { stateTime } from '../../activities/event-text.js';
import { trackerNoteText } from '../../activities/gitlab-text.js';
import { replyText } from '../../activities/slack-text.js';
import type { RequestEvent, RequestState } from '../../domain/request.js';
import { clock, GOOGLE, requestState } from './support/fixtures.js';

const HOUR = 3_600_000;
const NOW = 1_700_000_000_000;

const base = requestState({ assignee: 'U0BOB12345' });
const breached: RequestState = {
  ...base,
  tier: 3,
  slaBreached: true,
  remindersSent: 2,
  clocks: [clock({ kind: 'resolution', tier: 3, targetMs: 8 * HOUR, state: 'breached', breachedAt: NOW - 2.5 * HOUR })],
};
const warned: RequestState = { ...base, clocks: [clock({ kind: 'first_response', tier: 2, warned: true })] };

const cases: Array<[RequestEvent, RequestState, string]> = [
  ['acknowledged', base, ':eyes: *Acknowledged by <@U0BOB12345>*'],
  ['resolved', { ...base, status: 'resolved' }, ':white_check_mark: *Resolved by <@U0BOB12345>*'],
  ['self_served', { ...base, resolution: 'self_served' }, ':sparkles: *Marked solved by the requester with a self-service guide*'],
  ['escalated', { ...base, tier: 3 }, ':arrow_up: *Escalated to Tier 3 (escalation and systems engineering)*'],
  ['sla_warning', warned, ':hourglass_flowing_sand: *SLA warning: the first response target at Tier 2 (4h) is 75% used*'],
  ['sla_breached', breached, ':rotating_light: *SLA breached: the resolution target at Tier 3 (8h) was missed*'],
  ['reminder', breached, ':bell: *Reminder: still unresolved at Tier 3 (escalation and systems engineering), SLA breached 2h 30m ago (reminder 2)*'],
  ['waiting_on_requester', base, ':speech_balloon: *Waiting on the requester: SLA clocks paused*'],
  ['resumed', base, ':arrow_forward: *Resumed: SLA clocks running again*'],
  ['reassigned', { ...base, system: GOOGLE }, ':twisted_rightwards_arrows: *Reassigned to Google Workspace*'],
  ['priority_changed', { ...base, priority: 'P1' }, ':triangular_flag_on_post: *Priority changed to P1*'],
  ['comment', base, ':memo: *Comment*'],
  ['reopened', base, ':leftwards_arrow_with_hook: *Reopened at Tier 2 (helpdesk)*'],
  ['cancelled', base, ':no_entry_sign: *Cancelled*'],
];

describe('reply text for every request event', () => {
  it.each(cases)('%s', (event, state, headline) => {
    const text = replyText(state, event, { mentions: [], now: NOW });
    expect(text.split('\n')[0]).toBe(headline);
  });

  it('quotes a multi-line note line by line, escaped', () => {
    const text = replyText(base, 'comment', { note: 'first <!here>\nsecond', mentions: ['<!subteam^S0X>'], now: NOW });
    expect(text).toBe(':memo: *Comment*\n>first &lt;!here&gt;\n>second\ncc <!subteam^S0X>');
  });

  it('asks the requester to answer when waiting on them', () => {
    const text = replyText(base, 'waiting_on_requester', { note: 'Which device?', mentions: [], now: NOW });
    expect(text).toContain('<@U0ADA12345> please reply in this thread.');
  });

  it('writes a name that is not a Slack user id as escaped text', () => {
    expect(replyText({ ...base, assignee: '<!channel>' }, 'acknowledged', { mentions: [], now: NOW })).toBe(':eyes: *Acknowledged by &lt;!channel&gt;*');
  });
});

describe('stateTime', () => {
  it('dates text by the latest timeline entry (the workflow clock), else the fallback', () => {
    const timeline = [
      { at: 5, actor: 'a', action: 'opened' },
      { at: 9, actor: 'b', action: 'reminder' },
      { at: 7, actor: 'c', action: 'comment' },
    ];
    expect(stateTime({ ...base, timeline }, 100)).toBe(9);
    expect(stateTime({ ...base, timeline: [] }, 100)).toBe(100);
  });
});

describe('tracker note text', () => {
  it('puts the headline in bold, quotes the note inert, mentions owners when asked, ends with the marker', () => {
    const body = trackerNoteText({ ...base, tier: 4 }, 'escalated', { effectId: 'R#4', note: 'breach\n/close', mentionOwners: true, now: NOW });
    expect(body).toBe(
      '**Escalated to Tier 4 (automation engineering)**\n\n> breach\n> \u200b/close\n\ncc @gitlab-com/gl-security/corp/sys/okta\n\n<!-- tierflow-effect: R#4 -->',
    );
  });
});
