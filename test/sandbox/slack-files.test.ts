/**
 * File uploads in the Slack emulator, driven by the real `@slack/web-api` client's
 * `files.uploadV2` (getUploadURLExternal → POST the bytes to the upload URL →
 * completeUploadExternal), then read back: from the emulator, with `files.list`, in the channel's
 * history and in the viewer.
 */
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { SLACK_METHOD_LIMITS, SLACK_TIERS } from '../../sandbox/slack-rate-limits.js';

let slack: SlackEmulator;
const CHANNEL = 'C0DIGEST';
/** Not a valid PNG, but bytes that UTF-8 would mangle: they must come back exactly. */
const BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0d, 0x0a]);

const client = (token = 'xoxb-test') => new WebClient(token, { slackApiUrl: slack.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } });

beforeAll(async () => {
  slack = await createSlackEmulator({
    channels: [
      { id: 'C0ITHELP', name: 'it_help' },
      { id: CHANNEL, name: 'sla-digest' },
    ],
  });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

const upload = (web: WebClient, extra: Record<string, unknown> = {}) =>
  web.files.uploadV2({
    channel_id: CHANNEL,
    file: BYTES,
    filename: 'tierflow-sla-digest-2026-W49.png',
    title: 'SLA digest 2026-W49',
    alt_text: 'first response and resolution met per tier',
    initial_comment: '*SLA digest 2026-W49*: 12 opened',
    ...extra,
  } as Parameters<WebClient['files']['uploadV2']>[0]);

describe('slack emulator, files.uploadV2', () => {
  it('stores the file (name, title, exact bytes, channel, comment) and shares it in the channel as a message carrying it', async () => {
    const web = client();
    const answer = await upload(web);
    expect(answer.ok).toBe(true);
    const completed = (answer as unknown as { files: Array<{ files: Array<{ id: string; title: string }> }> }).files[0]!.files[0]!;
    expect(completed).toMatchObject({ title: 'SLA digest 2026-W49', name: 'tierflow-sla-digest-2026-W49.png', mimetype: 'image/png', channels: [CHANNEL] });

    expect(slack.files).toHaveLength(1);
    const file = slack.files[0]!;
    expect(file).toMatchObject({
      id: completed.id,
      name: 'tierflow-sla-digest-2026-W49.png',
      title: 'SLA digest 2026-W49',
      altText: 'first response and resolution met per tier',
      completed: true,
      channels: [CHANNEL],
      comment: '*SLA digest 2026-W49*: 12 opened',
      user: 'U0TIERFLOW',
      length: BYTES.length,
    });
    expect(file.bytes?.equals(BYTES)).toBe(true);

    // The three calls files.uploadV2 makes, in order; the bytes went to the upload URL, not to a Web API method.
    expect(slack.calls.map((c) => `${c.method} ${c.path.replace(/F0FILE\d+/, ':id')}`)).toEqual([
      'POST /api/files.getUploadURLExternal',
      'POST /upload/v1/:id',
      'POST /api/files.completeUploadExternal',
    ]);

    const history = await web.conversations.history({ channel: CHANNEL });
    expect(history.messages).toHaveLength(1);
    expect(history.messages![0]).toMatchObject({ text: '*SLA digest 2026-W49*: 12 opened', upload: true, user: 'U0TIERFLOW', bot_id: 'B0TIERFLOW' });
    expect(history.messages![0]!.files?.map((f) => f.id)).toEqual([file.id]);
  });

  it('lists completed files newest first, by channel, uploader, time and type, and never a reserved one', async () => {
    const web = client();
    await upload(web);
    await upload(web, { filename: 'notes.txt', title: 'notes', file: Buffer.from('plain'), initial_comment: 'notes' });
    await web.files.getUploadURLExternal({ filename: 'pending.png', length: 10 });
    const all = await web.files.list({ channel: CHANNEL });
    expect(all.files?.map((f) => f.name)).toEqual(['notes.txt', 'tierflow-sla-digest-2026-W49.png']);
    expect(all.paging).toMatchObject({ total: 2, page: 1, pages: 1 });
    const images = await web.files.list({ channel: CHANNEL, user: 'U0TIERFLOW', types: 'images' });
    expect(images.files?.map((f) => f.name)).toEqual(['tierflow-sla-digest-2026-W49.png']);
    expect((await web.files.list({ user: 'U0SOMEONE' })).files).toEqual([]);
    expect((await web.files.list({ channel: 'C0ITHELP' })).files).toEqual([]);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await web.files.list({ ts_from: String(future) })).files).toEqual([]);
    const paged = await web.files.list({ count: 1, page: 2 });
    expect(paged.files?.map((f) => f.name)).toEqual(['tierflow-sla-digest-2026-W49.png']);
    expect(paged.paging).toMatchObject({ count: 1, total: 2, page: 2, pages: 2 });
    await expect(web.files.list({ types: 'movies' })).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'unknown_type' } });
  });

  it('refuses what Slack refuses: no filename or length, an unknown or not-uploaded file, a missing channel, a missing scope', async () => {
    const web = client();
    const refused = (error: string) => ({ code: ErrorCode.PlatformError, data: { error } });
    await expect(web.files.getUploadURLExternal({ filename: '', length: 3 })).rejects.toMatchObject(refused('invalid_arguments'));
    await expect(web.files.getUploadURLExternal({ filename: 'a.png', length: 0 })).rejects.toMatchObject(refused('missing_argument'));
    const reserved = await web.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    // Completing before the bytes arrived, or a file that does not exist.
    await expect(web.files.completeUploadExternal({ files: [{ id: reserved.file_id! }], channel_id: CHANNEL })).rejects.toMatchObject(
      refused('file_not_found'),
    );
    await expect(web.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }], channel_id: CHANNEL })).rejects.toMatchObject(refused('file_not_found'));
    await expect(upload(web, { channel_id: 'CMISSING1' })).rejects.toMatchObject(refused('channel_not_found'));
    await expect(upload(client('xoxb-missing-scope'))).rejects.toMatchObject({ data: { error: 'missing_scope', needed: 'files:write' } });
    await expect(client('xoxb-missing-scope').files.list({})).rejects.toMatchObject({ data: { error: 'missing_scope', needed: 'files:read' } });
    expect(slack.messages).toEqual([]);
    expect(slack.files.filter((f) => f.completed)).toEqual([]);
  });

  it('an ambiguous completion (done, answer lost) leaves the file shared once: what a retry must look for', async () => {
    slack.failNext('files.completeUploadExternal', { kind: 'ambiguous' });
    await expect(upload(client())).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 502 });
    expect(slack.files.filter((f) => f.completed).map((f) => f.channels)).toEqual([[CHANNEL]]);
    expect((await client().files.list({ channel: CHANNEL })).files).toHaveLength(1);
  });

  it('keeps the methods to their published tiers: the upload pair Tier 4, files.list Tier 3', async () => {
    expect(SLACK_METHOD_LIMITS['files.getUploadURLExternal']).toEqual(SLACK_TIERS[4]);
    expect(SLACK_METHOD_LIMITS['files.completeUploadExternal']).toEqual(SLACK_TIERS[4]);
    expect(SLACK_METHOD_LIMITS['files.list']).toEqual(SLACK_TIERS[3]);
    const now = Date.now();
    const limited = await createSlackEmulator({ rateLimits: { now: () => now }, channels: [{ id: CHANNEL, name: 'sla-digest' }] });
    try {
      const web = new WebClient('xoxb-test', { slackApiUrl: limited.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      for (let i = 0; i < SLACK_TIERS[3].burst; i += 1) await web.files.list({});
      await expect(web.files.list({})).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 2 });
    } finally {
      await limited.close();
    }
  });

  it('shows an uploaded image in its channel in the viewer, served from the emulator', async () => {
    await upload(client());
    const id = slack.files[0]!.id;
    const page = await (await fetch(`${slack.viewerUrl}/channels/${CHANNEL}`)).text();
    expect(page).toContain(`<img src="/viewer/files/${id}" alt="first response and resolution met per tier">`);
    expect(page).toContain('SLA digest 2026-W49');
    const image = await fetch(`${slack.viewerUrl}/files/${id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(BYTES)).toBe(true);
    expect((await fetch(`${slack.viewerUrl}/files/F0NOPE`)).status).toBe(404);
  });
});
