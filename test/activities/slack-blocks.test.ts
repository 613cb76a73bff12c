/**
 * The status message's blocks and text as pure functions: the SLA line, which buttons show, the
 * button contract with the intake, and Block Kit limits under hostile and oversized user text.
 */
import { describe, expect, it } from 'vitest';

import { buttonAction } from '../../contracts/slack-ids.js';
import { slaLine, statusBlocks, statusButtons, statusText, type StatusBlock } from '../../activities/slack-blocks.js';
import { fitMrkdwn } from '../../activities/slack-text.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import type { RequestState } from '../../domain/request.js';
import { toStatusView } from '../../domain/status-view.js';
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
    ['open, first response running', open(), ':hourglass_flowing_sand: first response due Mon 02:00 UTC — 3h 40m of coverage left'],
    [
      'acknowledged, resolution running after an earlier breach',
      open({ status: 'acknowledged', slaBreached: true, clocks: [met, clock({ kind: 'resolution', tier: 2, startedAt: FRI_22, targetMs: 8 * HOUR })] }),
      ':hourglass_flowing_sand: resolution due Mon 06:00 UTC — 7h 40m of coverage left (SLA breached earlier)',
    ],
    [
      'waiting on the requester',
      open({ status: 'waiting_on_requester', clocks: [paused] }),
      ':double_vertical_bar: clocks paused while waiting on the requester',
    ],
    [
      'breached at Tier 5',
      open({ tier: 5, slaBreached: true, clocks: [breachedAtTop] }),
      ':rotating_light: SLA breached — resolution at Tier 5 is 1h 20m of coverage overdue',
    ],
    ['resolved', open({ status: 'resolved', clocks: [met] }), ':white_check_mark: resolved'],
    ['cancelled', open({ status: 'cancelled', clocks: [] }), ':no_entry_sign: cancelled'],
    ['closed', open({ status: 'closed', clocks: [] }), ':lock: closed'],
    ['no clock at all', open({ clocks: [] }), 'no SLA clock running'],
  ])('%s', (_name, state, line) => {
    expect(slaLine(viewOf(state))).toBe(line);
  });

  it('shows the due time in each reader’s zone in blocks, with the UTC time as fallback', () => {
    const blocks = statusBlocks({ state: open(), view: viewOf(open()), owners: null });
    const sla = blocks.find((b) => b.block_id === 'tierflow_sla');
    expect(sla?.type === 'context' && sla.elements[0]?.text).toBe(
      `:hourglass_flowing_sand: first response due <!date^${Date.UTC(2024, 0, 8, 2) / 1000}^{date_short_pretty} at {time}|Mon 02:00 UTC> — 3h 40m of coverage left`,
    );
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
    const input = { state, view: viewOf(state), owners: '<!subteam^S0OKTA>', guides, shadowItOwner: hostile(next, 3000), mentions: ['<!subteam^S0HELPDESK>'] };
    const message = { text: statusText(input), blocks: statusBlocks(input) };
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.text.endsWith('<!subteam^S0HELPDESK> please take a look.')).toBe(true);
    for (const text of textsOf(message)) expect(text).not.toMatch(/<!channel>|<@U0EVIL0001>/);
  });
});
