/**
 * The status message's blocks and text as pure functions: the SLA line (instants only, as Slack
 * date tokens), the held escalation, the links, which buttons show (Reopen included), the button
 * contract with the intake, and Block Kit limits under hostile and oversized user text.
 */
import { describe, expect, it } from 'vitest';

import { buttonAction } from '../../contracts/slack-ids.js';
import { slaLine, statusBlocks, statusButtons, statusText, type StatusBlock } from '../../activities/slack-blocks.js';
import { fitMrkdwn } from '../../activities/slack-text.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import type { RequestState } from '../../domain/request.js';
import { toStatusView, type RequestStatusView } from '../../domain/status-view.js';
import { blockKitProblems, textsOf } from './support/slack-limits.js';
import { clock, requestState } from './support/fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Friday 2024-01-05 22:00 UTC: a 4h target runs into the weekend and is due Monday 02:00. */
const FRI_22 = Date.UTC(2024, 0, 5, 22);
const NOW = FRI_22 + 20 * MINUTE;

const open = (overrides: Partial<RequestState> = {}): RequestState =>
  requestState({
    createdAt: FRI_22,
    clocks: [clock({ kind: 'first_response', tier: 2, startedAt: FRI_22 }), clock({ kind: 'resolution', tier: 2, startedAt: FRI_22 })],
    ...overrides,
  });
const viewOf = (state: RequestState, now = NOW) => toStatusView(state, DEFAULT_CALENDAR, now);
/** The Slack date token of an instant, with its UTC fallback. */
const token = (at: number, fallback: string) => `<!date^${at / 1000}^{date_short_pretty} at {time}|${fallback}>`;
const textOf = (blocks: StatusBlock[], id: string): string | undefined => {
  const block = blocks.find((b) => b.block_id === id);
  if (block?.type === 'context') return block.elements.map((e) => e.text).join(' ');
  return block?.type === 'section' ? block.text?.text : undefined;
};
const MON_02 = Date.UTC(2024, 0, 8, 2);
const REOPEN_UNTIL = Date.UTC(2024, 0, 12, 17, 30);

describe('the SLA line', () => {
  const paused = clock({ kind: 'resolution', tier: 2, startedAt: FRI_22, state: 'paused', runningSince: null, elapsedMs: HOUR });
  const breachedAtTop = clock({
    kind: 'resolution',
    tier: 5,
    startedAt: FRI_22 - 9 * HOUR,
    targetMs: 8 * HOUR,
    state: 'breached',
    breachedAt: FRI_22 - HOUR,
    runningSince: FRI_22 - 9 * HOUR,
  });
  const met = clock({ kind: 'first_response', tier: 2, startedAt: FRI_22, state: 'met', runningSince: null, elapsedMs: 10 * MINUTE });

  it.each<[string, RequestState, string]>([
    ['open, first response running', open(), ':hourglass_flowing_sand: first response due Mon 2024-01-08 02:00 UTC'],
    [
      'acknowledged, resolution running after an earlier breach',
      open({ status: 'acknowledged', slaBreached: true, clocks: [met, clock({ kind: 'resolution', tier: 2, startedAt: FRI_22, targetMs: 8 * HOUR })] }),
      ':hourglass_flowing_sand: resolution due Mon 2024-01-08 06:00 UTC (SLA breached earlier)',
    ],
    [
      'waiting on the requester',
      open({ status: 'waiting_on_requester', clocks: [paused] }),
      ':double_vertical_bar: clocks paused while waiting on the requester',
    ],
    [
      'breached at Tier 5',
      open({ tier: 5, slaBreached: true, clocks: [breachedAtTop] }),
      ':rotating_light: SLA breached — resolution at Tier 5 overdue since Fri 2024-01-05 21:00 UTC',
    ],
    ['resolved', open({ status: 'resolved', clocks: [met] }), ':white_check_mark: resolved'],
    ['cancelled', open({ status: 'cancelled', clocks: [] }), ':no_entry_sign: cancelled'],
    ['closed', open({ status: 'closed', clocks: [] }), ':lock: closed'],
    ['no clock at all', open({ clocks: [] }), 'no SLA clock running'],
  ])('%s', (_name, state, line) => {
    expect(slaLine({ state, view: viewOf(state) })).toBe(line);
  });

  it('shows the due time in each reader’s zone in blocks, with the UTC time as fallback, and no time left that an edit would freeze', () => {
    const state = open();
    const input = { state, view: viewOf(state), owners: null };
    expect(textOf(statusBlocks(input), 'tierflow_sla')).toBe(`:hourglass_flowing_sand: first response due ${token(MON_02, 'Mon 2024-01-08 02:00 UTC')}`);
    // An hour later the message reads the same: nothing in it counts down.
    expect(statusBlocks({ ...input, view: viewOf(state, NOW + HOUR) })).toEqual(statusBlocks(input));
    for (const text of textsOf({ text: statusText(input), blocks: statusBlocks(input) })) expect(text).not.toMatch(/left|\d+h \d+m|\d+m of coverage/);
  });

  it('says since when a breached clock is overdue, as a date token in blocks', () => {
    const state = open({ tier: 5, slaBreached: true, clocks: [breachedAtTop] });
    expect(textOf(statusBlocks({ state, view: viewOf(state), owners: null }), 'tierflow_sla')).toBe(
      `:rotating_light: SLA breached — resolution at Tier 5 overdue since ${token(FRI_22 - HOUR, 'Fri 2024-01-05 21:00 UTC')}`,
    );
  });

  it('says a running clock past its due time is overdue since then (its breach not yet recorded)', () => {
    const state = open();
    expect(slaLine({ state, view: viewOf(state, Date.UTC(2024, 0, 8, 3)) })).toBe(':rotating_light: first response overdue since Mon 2024-01-08 02:00 UTC');
  });
});

describe('an escalation held for coverage', () => {
  const HELD = Date.UTC(2024, 0, 8, 0);

  it('shows when coverage opens, as a date token in blocks and in UTC in the fallback text', () => {
    const state = open();
    const input = { state, view: { ...viewOf(state), heldUntil: new Date(HELD).toISOString() }, owners: null };
    expect(textOf(statusBlocks(input), 'tierflow_held')).toBe(
      `:crescent_moon: Outside coverage: the escalation goes out when coverage opens ${token(HELD, 'Mon 2024-01-08 00:00 UTC')}`,
    );
    expect(statusText(input).split('\n')[4]).toBe(':crescent_moon: Outside coverage: the escalation goes out when coverage opens Mon 2024-01-08 00:00 UTC');
  });

  it.each<[string, Partial<RequestStatusView>]>([
    ['nothing is held', { heldUntil: null }],
    ['the request was resolved meanwhile', { heldUntil: new Date(HELD).toISOString(), status: 'resolved' }],
  ])('is not shown when %s', (_name, overrides) => {
    const state = open();
    const input = { state, view: { ...viewOf(state), ...overrides }, owners: null };
    expect(textOf(statusBlocks(input), 'tierflow_held')).toBeUndefined();
    expect(statusText(input)).not.toContain('Outside coverage');
  });
});

describe('the links', () => {
  const issue = { gitlabIssue: 'https://gitlab.example.com/t/-/issues/7', gitlabIssueIid: 7 };

  it('link the swarm channel by id next to the tracker issue, in blocks and fallback text', () => {
    const state = open({ links: { ...open().links, ...issue, swarmChannel: 'C0SWARM001' } });
    const input = { state, view: viewOf(state), owners: null };
    const line = ':link: <https://gitlab.example.com/t/-/issues/7|GitLab issue #7> · :rotating_light: swarm channel <#C0SWARM001>';
    expect(textOf(statusBlocks(input), 'tierflow_links')).toBe(line);
    expect(statusText(input)).toContain(line);
  });

  it('take the swarm channel from the view too, and write nothing for an id that is not a channel id', () => {
    const state = open();
    const view = viewOf(state);
    expect(textOf(statusBlocks({ state, view: { ...view, links: { ...view.links, swarmChannel: 'C0SWARM002' } }, owners: null }), 'tierflow_links')).toBe(
      ':rotating_light: swarm channel <#C0SWARM002>',
    );
    const forged = { state, view: { ...view, links: { ...view.links, swarmChannel: 'C1><!channel>' } }, owners: null };
    expect(textOf(statusBlocks(forged), 'tierflow_links')).toBeUndefined();
    expect(statusText(forged)).not.toContain('<#');
  });
});

describe('the buttons', () => {
  const ids = (state: RequestState) => statusButtons(viewOf(state)).map((b) => b.action_id);

  it('carry the intake contract: tierflow_<action>, the request id as value', () => {
    const state = open();
    expect(statusButtons(viewOf(state)).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      ['tierflow_acknowledge', state.id, 'Acknowledge'],
      ['tierflow_pause', state.id, 'Waiting on requester'],
      ['tierflow_escalate', state.id, 'Escalate'],
      ['tierflow_resolve', state.id, 'Resolve'],
      ['tierflow_solved', state.id, 'This solved it'],
    ]);
    // Every button's id reads back, at the intake, as the action it shows.
    expect(statusButtons(viewOf(state)).map((b) => buttonAction(b.action_id))).toEqual(['acknowledge', 'pause', 'escalate', 'resolve', 'solved']);
    expect(buttonAction('tierflow_cancel')).toBe('unknown');
    expect(buttonAction('someone_else_approve')).toBeNull();
  });

  it.each<[string, Partial<RequestState>, string[]]>([
    ['open at Tier 2 (self-service still counts)', {}, ['tierflow_acknowledge', 'tierflow_pause', 'tierflow_escalate', 'tierflow_resolve', 'tierflow_solved']],
    ['acknowledged at Tier 2', { status: 'acknowledged' }, ['tierflow_pause', 'tierflow_escalate', 'tierflow_resolve', 'tierflow_solved']],
    ['waiting on the requester', { status: 'waiting_on_requester' }, ['tierflow_escalate', 'tierflow_resolve', 'tierflow_solved']],
    ['open at Tier 3 (no self-service any more)', { tier: 3 }, ['tierflow_acknowledge', 'tierflow_pause', 'tierflow_escalate', 'tierflow_resolve']],
    ['open at Tier 5 (nowhere to escalate)', { tier: 5 }, ['tierflow_acknowledge', 'tierflow_pause', 'tierflow_resolve']],
    ['resolved', { status: 'resolved' }, []],
    ['cancelled', { status: 'cancelled' }, []],
    ['closed', { status: 'closed' }, []],
  ])('show only what the request accepts when %s', (_name, overrides, expected) => {
    expect(ids(open(overrides))).toEqual(expected);
  });

  it('offer Reopen (and only that) while a resolved request can be reopened, with until when', () => {
    const state = open({ status: 'resolved', resolution: 'resolved', clocks: [] });
    const view = { ...viewOf(state), reopenUntil: new Date(REOPEN_UNTIL).toISOString() };
    expect(statusButtons(view).map((b) => [b.action_id, b.value, b.text.text])).toEqual([['tierflow_reopen', state.id, 'Reopen']]);
    expect(statusButtons(view).map((b) => buttonAction(b.action_id))).toEqual(['reopen']);
    const input = { state, view, owners: null };
    const blocks = statusBlocks(input);
    expect(textOf(blocks, 'tierflow_reopen')).toBe(`You can reopen until ${token(REOPEN_UNTIL, 'Fri 2024-01-12 17:30 UTC')}`);
    expect(blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'tierflow_reopen' }] });
    expect(statusText(input)).toContain('You can reopen until Fri 2024-01-12 17:30 UTC');
  });

  it.each<[string, Partial<RequestStatusView>]>([
    ['resolved without a reopen window', { status: 'resolved', reopenUntil: null }],
    ['closed (the window is over)', { status: 'closed', reopenUntil: null }],
    ['cancelled, even with a stray reopenUntil', { status: 'cancelled', reopenUntil: new Date(REOPEN_UNTIL).toISOString() }],
    ['open, even with a stray reopenUntil', { status: 'open', reopenUntil: new Date(REOPEN_UNTIL).toISOString() }],
  ])('offer no Reopen when %s', (_name, overrides) => {
    const state = open({ status: overrides.status ?? 'resolved' });
    const view = { ...viewOf(state), ...overrides };
    expect(statusButtons(view).map((b) => b.action_id)).not.toContain('tierflow_reopen');
    expect(textOf(statusBlocks({ state, view, owners: null }), 'tierflow_reopen')).toBeUndefined();
  });

  it('leave no actions block once the request has ended', () => {
    const state = open({ status: 'resolved', resolution: 'self_served' });
    const blocks = statusBlocks({ state, view: viewOf(state), owners: null });
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    const fields = blocks.find((b): b is Extract<StatusBlock, { type: 'section' }> => b.block_id === 'tierflow_fields')?.fields?.map((f) => f.text);
    expect(fields).toContain('*State*\n:sparkles: Solved with a self-service guide');
  });
});

describe('fitMrkdwn', () => {
  it.each([
    ['short text stays as it is', 'a &amp; b', 20, 'a &amp; b'],
    ['an escape is never cut in half', 'abc &amp; d', 7, 'abc …'],
    ['a cut right after an escape keeps it', 'ab &lt;xyz', 8, 'ab &lt;…'],
    ['a mention token is never cut in half', 'hi <!subteam^S0HELPDESK> there', 12, 'hi …'],
    ['a link is never cut in half', 'see <https://x.example/a|guide> now', 20, 'see …'],
    ['a surrogate pair is never cut in half', 'ab😀cd', 4, 'ab…'],
  ])('%s', (_name, text, max, expected) => {
    const fitted = fitMrkdwn(text, max);
    expect(fitted).toBe(expected);
    expect(fitted.length).toBeLessThanOrEqual(max);
  });
});

describe('Block Kit limits', () => {
  // A small deterministic generator (mulberry32) so a failure replays.
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const PIECES = ['&', '<', '>', '<!channel>', '<@U0EVIL0001>', 'a', 'word ', '😀', '\n', '&amp;', '|', '*'];
  const hostile = (next: () => number, length: number) => Array.from({ length }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');

  it('are checked by a checker that does catch a cut escape, a raw mention and an oversized section', () => {
    const problems = blockKitProblems({ text: 'a &am… <!channel>', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] });
    expect(problems).toEqual(['section 0 text is 3001', expect.stringMatching(/^broken escape/), expect.stringMatching(/^broken or raw/)]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('hold for oversized hostile text (seed %i), in blocks and fallback text', (seed) => {
    const next = random(seed);
    const state = open({
      summary: hostile(next, 400 + Math.floor(next() * 2000)),
      description: hostile(next, 5000 + Math.floor(next() * 30_000)),
      assignee: hostile(next, 3000),
      requester: { email: 'ada@example.com', name: hostile(next, 2000) },
      system: { id: 'x', name: hostile(next, 3000), gitlabLabel: 'x', gitlabOwners: 'x', slackOwners: 'x' },
    });
    const guides = Array.from({ length: 80 }, (_, i) => ({ title: hostile(next, 60), url: `https://guides.example/${i}` }));
    const view = {
      ...viewOf(state),
      heldUntil: new Date(MON_02).toISOString(),
      links: { slackThread: null, gitlabIssue: 'https://gitlab.example.com/t/-/issues/7', swarmChannel: 'C0SWARM001' },
    };
    const input = { state, view, owners: '<!subteam^S0OKTA>', guides, shadowItOwner: hostile(next, 3000), mentions: ['<!subteam^S0HELPDESK>'] };
    const message = { text: statusText(input), blocks: statusBlocks(input) };
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(['tierflow_held', 'tierflow_links', 'tierflow_actions']));
    expect(message.text.endsWith('<!subteam^S0HELPDESK> please take a look.')).toBe(true);
    for (const text of textsOf(message)) expect(text).not.toMatch(/<!channel>|<@U0EVIL0001>/);

    const resolved = { ...input, view: { ...view, status: 'resolved' as const, reopenUntil: new Date(MON_02).toISOString() } };
    expect(blockKitProblems({ text: statusText(resolved), blocks: statusBlocks(resolved) })).toEqual([]);
  });
});
