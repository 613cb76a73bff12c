/**
 * File uploads in the Slack emulator, the way `@slack/web-api`'s `files.uploadV2` drives Slack
 * (docs.slack.dev/messaging/working-with-files):
 * 1. `files.getUploadURLExternal` (`filename`, `length`, optional `alt_txt`) reserves a file id and
 *    answers an `upload_url`;
 * 2. the bytes are POSTed to that URL, raw or as multipart form data (the client sends a form with
 *    one file part), which answers HTTP 200 `OK - <length>`;
 * 3. `files.completeUploadExternal` (`files` = `[{ id, title }]`, `channel_id` or `channels`,
 *    `initial_comment`, `thread_ts`) finishes it: the file is shared in the channel as a message
 *    whose text is the comment and which carries the file (`upload: true`).
 * Only completed files are listed (`files.list`, newest first, by `channel`, `user`, `ts_from`,
 * `ts_to`, `types`, paged with `count` and `page`). Tests read every file back, bytes included.
 */
import type { FastifyInstance } from 'fastify';

import type { SlackMessage, SlackStore } from './slack-store.js';

/** A file as the emulator holds it. */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  altText?: string;
  mimetype: string;
  filetype: string;
  /** The length announced by `files.getUploadURLExternal`. */
  length: number;
  /** The bytes received at the upload URL; null until then. */
  bytes: Buffer | null;
  /** Who uploaded it (the token's user). */
  user: string;
  /** Epoch seconds of `files.getUploadURLExternal`. */
  created: number;
  /** Set by `files.completeUploadExternal`. */
  completed: boolean;
  /** Channels it was shared in, with the comment and the sharing message's ts. */
  channels: string[];
  comment?: string;
  messageTs?: string;
  threadTs?: string;
}

type Params = Record<string, unknown>;
type Answer = Record<string, unknown>;

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  pdf: 'application/pdf',
};

/** `files.list`'s `types` and what each admits. */
const TYPE_FILTERS: Record<string, (f: SlackFile) => boolean> = {
  all: () => true,
  images: (f) => f.mimetype.startsWith('image/'),
  pdfs: (f) => f.mimetype === 'application/pdf',
  snippets: (f) => f.mimetype.startsWith('text/'),
  zips: (f) => f.filetype === 'zip',
  spaces: () => false,
  gdocs: () => false,
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const fail = (error: string): Answer => ({ ok: false, error });

/** Uploaded files, with ids that keep counting across resets (a stale id never names a new file). */
export class SlackFiles {
  files: SlackFile[] = [];
  private count = 0;

  reset(): void {
    this.files = [];
  }

  get(id: string): SlackFile | undefined {
    return this.files.find((f) => f.id === id);
  }

  /** Reserves a file (`files.getUploadURLExternal`). */
  reserve(input: { name: string; length: number; altText?: string; user: string; created: number }): SlackFile {
    this.count += 1;
    const filetype = /\.([A-Za-z0-9]+)$/.exec(input.name)?.[1]?.toLowerCase() ?? 'binary';
    const file: SlackFile = {
      id: `F0FILE${String(this.count).padStart(5, '0')}`,
      name: input.name,
      title: input.name,
      mimetype: MIME_TYPES[filetype] ?? 'application/octet-stream',
      filetype,
      length: input.length,
      bytes: null,
      user: input.user,
      created: input.created,
      completed: false,
      channels: [],
      ...(input.altText ? { altText: input.altText } : {}),
    };
    this.files.push(file);
    return file;
  }
}

/** What the file methods need of the emulator. */
export interface FileMethodsContext {
  files: SlackFiles;
  store: SlackStore;
  teamId: string;
  workspace: string;
  /** The emulator's base URL (known once it listens). */
  baseUrl: () => string;
  /** Who the calling token is. */
  poster: () => Pick<SlackMessage, 'user' | 'bot_id' | 'app_id'>;
  /** Resolves a channel argument as the message methods do (membership checked). */
  channelOf: (p: Params, key: string) => { id: string } | { error: string };
  now: () => number;
}

/** Slack's JSON for a file. */
export function fileJson(f: SlackFile, ctx: Pick<FileMethodsContext, 'teamId' | 'workspace' | 'baseUrl'>): Answer {
  const shares = Object.fromEntries(f.channels.map((c) => [c, [{ ts: f.messageTs ?? '', channel_name: c.toLowerCase(), team_id: ctx.teamId }]]));
  return {
    id: f.id,
    created: f.created,
    timestamp: f.created,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.filetype,
    pretty_type: f.filetype.toUpperCase(),
    user: f.user,
    user_team: ctx.teamId,
    editable: false,
    size: f.bytes?.length ?? 0,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: f.channels.length > 0,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: `${ctx.baseUrl()}/files-pri/${ctx.teamId}-${f.id}/${encodeURIComponent(f.name)}`,
    url_private_download: `${ctx.baseUrl()}/files-pri/${ctx.teamId}-${f.id}/download/${encodeURIComponent(f.name)}`,
    permalink: `${ctx.workspace}files/${f.user}/${f.id}/${encodeURIComponent(f.name)}`,
    channels: [...f.channels],
    groups: [],
    ims: [],
    comments_count: 0,
    ...(f.altText ? { alt_txt: f.altText } : {}),
    ...(f.channels.length > 0 ? { shares: { public: shares } } : {}),
  };
}

/** The `files.*` Web API methods of the emulator. */
export function fileMethods(ctx: FileMethodsContext): Record<string, (p: Params) => Answer> {
  const { files } = ctx;
  return {
    'files.getUploadURLExternal': (p) => {
      const name = str(p.filename) ?? '';
      const length = Number(str(p.length));
      if (!name) return fail('invalid_arguments');
      if (!Number.isInteger(length) || length <= 0) return fail('missing_argument');
      const altText = str(p.alt_txt) ?? str(p.alt_text);
      if (altText && altText.length > 1000) return fail('alt_txt_too_large');
      const file = files.reserve({ name, length, user: ctx.poster().user, created: Math.floor(ctx.now() / 1000), ...(altText ? { altText } : {}) });
      return { ok: true, upload_url: `${ctx.baseUrl()}/upload/v1/${file.id}`, file_id: file.id };
    },
    'files.completeUploadExternal': (p) => {
      let listed: unknown;
      try {
        listed = typeof p.files === 'string' ? JSON.parse(p.files) : p.files;
      } catch {
        return fail('invalid_arguments');
      }
      if (!Array.isArray(listed) || listed.length === 0) return fail('invalid_arguments');
      const entries = listed as Array<{ id?: unknown; title?: unknown }>;
      const found = entries.map((e) => files.get(str(e.id) ?? ''));
      // Only the uploader's own, uploaded and not yet completed files can be completed.
      if (found.some((f) => !f || f.completed || f.bytes === null || f.user !== ctx.poster().user)) return fail('file_not_found');
      const channelRef = str(p.channel_id) ?? str(p.channels)?.split(',')[0]?.trim();
      const channel = channelRef ? ctx.channelOf({ channel: channelRef }, 'channel') : null;
      if (channel && 'error' in channel) return fail(channel.error);
      const comment = str(p.initial_comment);
      if (comment && comment.length > 40000) return fail('msg_too_long');
      const threadTs = str(p.thread_ts) || undefined;
      const done = found as SlackFile[];
      done.forEach((f, i) => {
        f.completed = true;
        const title = str(entries[i]!.title);
        if (title) f.title = title;
      });
      if (channel) {
        const ts = ctx.store.nextTs();
        for (const f of done) Object.assign(f, { channels: [channel.id], messageTs: ts, ...(comment ? { comment } : {}), ...(threadTs ? { threadTs } : {}) });
        const message: SlackMessage = { channel: channel.id, ts, text: comment ?? '', files: done.map((f) => fileJson(f, ctx)), upload: true, ...ctx.poster() };
        if (threadTs) message.thread_ts = threadTs;
        ctx.store.messages.push(message);
      }
      return { ok: true, files: done.map((f) => fileJson(f, ctx)) };
    },
    'files.list': (p) => {
      const types = (str(p.types) ?? 'all').split(',').map((t) => t.trim());
      if (types.some((t) => !(t in TYPE_FILTERS))) return fail('unknown_type');
      const channel = str(p.channel);
      const user = str(p.user);
      const from = Number(str(p.ts_from) ?? 0);
      const to = Number(str(p.ts_to) ?? Number.POSITIVE_INFINITY);
      const listed = files.files
        .filter((f) => f.completed && (!channel || f.channels.includes(channel)) && (!user || f.user === user))
        .filter((f) => f.created >= from && f.created <= to && types.some((t) => TYPE_FILTERS[t]!(f)))
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      const count = Math.max(1, Math.min(Number(str(p.count) ?? 100) || 100, 1000));
      const page = Math.max(1, Number(str(p.page) ?? 1) || 1);
      const pages = Math.max(1, Math.ceil(listed.length / count));
      const shown = listed.slice((page - 1) * count, page * count).map((f) => fileJson(f, ctx));
      return { ok: true, files: shown, paging: { count, total: listed.length, page, pages } };
    },
  };
}

/** The bytes of an upload: the first file part of a multipart form, else the body as it came. */
async function uploadedBytes(body: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  throw Object.assign(new Error('the form has no file part'), { statusCode: 400 });
}

/**
 * Adds the upload URL's route (`POST /upload/v1/:id`). It reads its body as bytes in a scope of its
 * own: the emulator's other routes read theirs as text.
 */
export function registerUploadRoute(app: FastifyInstance, files: SlackFiles): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { id: string } }>('/upload/v1/:id', async (request, reply) => {
      const file = files.get(request.params.id);
      if (!file || file.completed) return reply.code(404).type('text/plain').send('Not Found');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      file.bytes = await uploadedBytes(body, request.headers['content-type']);
      return reply.code(200).type('text/plain').send(`OK - ${file.bytes.length}`);
    });
  });
}
