/**
 * `postSlaDigest` through the real `@slack/web-api` client (`files.uploadV2`, `files.list`) against
 * the Slack emulator, with reports built from known rows: the summary's text, the chart uploaded
 * once per week and channel (a rerun and a retry after a lost answer find it), and failures typed
 * for the retry policy.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { INTEGRATION_CONFIG_ERROR, SLACK_UNAVAILABLE } from '../../contracts/failures.js';
import { digestFileName, SLA_DIGEST_INPUT_ERROR, weekBounds } from '../../contracts/sla-digest.js';
import { buildSlaReport, type ReportRow } from '../../domain/sla-report.js';
import { createSlaDigestActivities, type SlaReportReader } from '../../activities/sla-digest.js';
import { digestText, worstSystem } from '../../activities/sla-digest-text.js';
import { emulatorSettings } from '../../bench/support/emulator-env.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/index.js';
import { buildClients } from '../../workers/clients.js';
import { failureOf } from './support/fixtures.js';

const WEEK = '2026-W49';
const DIGEST = 'C0DIGEST';
const { since: SINCE, until: UNTIL } = weekBounds(WEEK, 'UTC');
const DAY = 86_400_000;

let emu: SlackEmulator;

const row = (id: string, opts: Partial<ReportRow> & { at?: number } = {}): ReportRow => ({
  id,
  openedAt: new Date(opts.at ?? SINCE + DAY).toISOString(),
  tier: 2,
  system: 'okta-sso',
  priority: 'P3',
  status: 'resolved',
  slaBreached: false,
  firstResponseSeconds: 600,
  firstResponseMet: true,
  resolutionSeconds: 3600,
  resolutionMet: true,
  escalations: 0,
  reopens: 0,
  ...opts,
});

const ROWS: ReportRow[] = [
  row('a'),
  row('b', { resolutionMet: false, slaBreached: true, escalations: 1 }),
  row('c', { system: 'aws', tier: 3, firstResponseMet: false, resolutionMet: false, slaBreached: true, escalations: 2, reopens: 1 }),
  row('d', { system: 'aws', tier: 3, resolutionMet: false, slaBreached: true, escalations: 1 }),
  row('e', { system: 'zoom', resolutionMet: null, resolutionSeconds: null, status: 'acknowledged' }),
  // Last week: two, both met.
  row('p1', { at: SINCE - 3 * DAY }),
  row('p2', { at: SINCE - 2 * DAY, firstResponseMet: false }),
];

/** Reads the report from ROWS, as visibility would answer for the range. */
const readReport: SlaReportReader = async (range) => buildSlaReport(ROWS, { ...range, now: UNTIL });

const slackClient = (token = 'xoxb-test') => buildClients(emulatorSettings({ slackToken: token, slackApiUrl: emu.url })).slack;
const digest = (opts: { channel?: string | null; token?: string } = {}) =>
  createSlaDigestActivities({ slack: slackClient(opts.token), channel: opts.channel === undefined ? DIGEST : opts.channel, readReport });
const uploads = () => emu.files.filter((f) => f.completed && f.channels.includes(DIGEST));

beforeAll(async () => {
  emu = await createSlackEmulator({
    channels: [
      { id: 'C0ITHELP', name: 'it_help' },
      { id: DIGEST, name: 'sla-digest' },
    ],
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('the digest text', () => {
  it('gives the counts, both clocks with last week beside them, and the worst system', async () => {
    const text = digestText({
      week: WEEK,
      timeZone: 'UTC',
      report: await readReport({ since: SINCE, until: UNTIL }),
      previous: await readReport({ since: SINCE - 7 * DAY, until: SINCE }),
    });
    expect(text.split('\n')).toEqual([
      '*SLA digest 2026-W49*, Mon 30 Nov – Sun 6 Dec 2026 (UTC)',
      '• Opened: *5* (last week 2)',
      '• First response met: *80%* (4 of 5; last week 50%)',
      '• Resolution met: *25%* (1 of 4; last week 100%)',
      '• Breached: *3* · Escalations: *4* · Reopens: *1* (last week 0 · 0 · 0)',
      '• Worst system: *aws*: 2 breached, resolution met 0% (0 of 2), first response met 50%',
    ]);
  });

  it('without last week or a miss says so; with nothing opened only counts zeros', () => {
    const good = buildSlaReport([row('a')], { since: SINCE, until: UNTIL, now: UNTIL });
    const text = digestText({ week: WEEK, timeZone: 'Europe/Berlin', report: good, previous: null });
    expect(text).not.toContain('last week');
    expect(text).toContain('(Europe/Berlin)');
    expect(text).toContain('• Worst system: none, every system met its SLA clocks');
    const empty = digestText({ week: WEEK, timeZone: 'UTC', report: buildSlaReport([], { since: SINCE, until: UNTIL, now: UNTIL }), previous: null });
    expect(empty).toContain('• Opened: *0*');
    expect(empty).toContain('• First response met: *n/a* (0 of 0)');
    expect(empty).not.toContain('Worst system');
  });

  it('escapes a system id from visibility: it can never ping or link', () => {
    const hostile = buildSlaReport([row('x', { system: '<!channel> <https://evil.test|okta>', slaBreached: true, resolutionMet: false })], {
      since: SINCE,
      until: UNTIL,
      now: UNTIL,
    });
    expect(worstSystem(hostile)?.key).toBe('<!channel> <https://evil.test|okta>');
    const text = digestText({ week: WEEK, timeZone: 'UTC', report: hostile, previous: null });
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.test|okta&gt;');
    expect(text).not.toMatch(/<!channel>|<https?:/);
  });
});

describe('postSlaDigest', () => {
  it('uploads the week’s chart once, as a PNG named for the week, with the summary as its comment', async () => {
    const result = await digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' });
    expect(result).toMatchObject({ week: WEEK, channel: DIGEST, posted: true });
    expect(uploads()).toHaveLength(1);
    const file = uploads()[0]!;
    expect(result.fileId).toBe(file.id);
    expect(file).toMatchObject({ name: digestFileName(WEEK), title: `SLA digest ${WEEK}`, mimetype: 'image/png', user: 'U0TIERFLOW' });
    expect([...file.bytes!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(file.comment).toContain('• Opened: *5* (last week 2)');
    expect(file.altText).toMatch(/^Bar chart of SLA attainment per tier in 2026-W49/);
    const message = emu.messages.find((m) => m.channel === DIGEST)!;
    expect(message).toMatchObject({ upload: true, text: file.comment });
  });

  it('a second run for the same week finds the first one’s file and posts nothing; another week posts its own', async () => {
    const first = await digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' });
    const again = await digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' });
    expect(again).toEqual({ week: WEEK, channel: DIGEST, posted: false, fileId: first.fileId });
    expect(uploads()).toHaveLength(1);
    expect(emu.calls.filter((c) => c.path.endsWith('files.getUploadURLExternal'))).toHaveLength(1);
    await digest().postSlaDigest({ week: '2026-W48', timeZone: 'UTC' });
    expect(uploads().map((f) => f.name)).toEqual([digestFileName(WEEK), digestFileName('2026-W48')]);
  });

  it('a retry after a lost answer (Slack shared the file, the answer never came) does not post twice', async () => {
    emu.failNext('files.completeUploadExternal', { kind: 'ambiguous' });
    const lost = await failureOf(digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' }));
    expect(lost.type).toBe(SLACK_UNAVAILABLE);
    expect(lost.nonRetryable).toBe(false);
    expect(uploads()).toHaveLength(1);
    const retried = await digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' });
    expect(retried).toMatchObject({ posted: false, fileId: uploads()[0]!.id });
    expect(uploads()).toHaveLength(1);
  });

  it('does not take another app’s file of the same name, nor ours in another channel, for its own', async () => {
    await slackClient('xoxb-other-app').files.uploadV2({ channel_id: DIGEST, file: Buffer.from('forged'), filename: digestFileName(WEEK) });
    await slackClient().files.uploadV2({ channel_id: 'C0ITHELP', file: Buffer.from('elsewhere'), filename: digestFileName(WEEK) });
    const result = await digest().postSlaDigest({ week: WEEK, timeZone: 'UTC' });
    expect(result.posted).toBe(true);
    expect(uploads().filter((f) => f.user === 'U0TIERFLOW')).toHaveLength(1);
  });

  it('posts nothing, and calls nothing, without a digest channel', async () => {
    expect(await digest({ channel: null }).postSlaDigest({ week: WEEK, timeZone: 'UTC' })).toEqual({ week: WEEK, channel: null, posted: false, fileId: null });
    expect(emu.calls).toHaveLength(0);
  });

  it('fails for good, naming what to fix: an unknown channel (SLACK_DIGEST_CHANNEL), a missing scope, a malformed week', async () => {
    const missing = await failureOf(digest({ channel: 'CMISSING1' }).postSlaDigest({ week: WEEK, timeZone: 'UTC' }));
    expect(missing.type).toBe(INTEGRATION_CONFIG_ERROR);
    expect(missing.message).toMatch(/channel_not_found.*SLACK_DIGEST_CHANNEL/);
    expect(missing.message).not.toContain('SLACK_HELP_CHANNEL');
    const scope = await failureOf(digest({ token: 'xoxb-missing-scope' }).postSlaDigest({ week: WEEK, timeZone: 'UTC' }));
    expect(scope.type).toBe(INTEGRATION_CONFIG_ERROR);
    expect(scope.message).toMatch(/missing_scope.*needs files:read/);
    const week = await failureOf(digest().postSlaDigest({ week: '2026-49', timeZone: 'UTC' }));
    expect(week.type).toBe(SLA_DIGEST_INPUT_ERROR);
    expect(week.nonRetryable).toBe(true);
    expect(uploads()).toHaveLength(0);
  });
});
