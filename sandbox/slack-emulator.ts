/**
 * A local emulator of the Slack Web API methods tierflow uses, answering like Slack does: HTTP 200
 * with `{ ok: true, ... }` or `{ ok: false, error }`, form-encoded or JSON bodies, Bearer tokens.
 *
 * Conventions for unhappy paths: token `xoxb-invalid` → `invalid_auth`, no token → `not_authed`,
 * token `xoxb-missing-scope` → `missing_scope` (every method needing a scope), channel ids starting
 * `CMISSING` → `channel_not_found`, starting `CNOTIN` → `not_in_channel` (posting and reading),
 * user ids starting `UMISSING` → `user_not_found`. Channels made with `conversations.create` are
 * public, keep their members (their creator first) and topic, and refuse posts and invitations
 * from non-members (`not_in_channel`); configured channels have everyone in them.
 *
 * Files: `files.getUploadURLExternal`, the upload URL and `files.completeUploadExternal`, as
 * `files.uploadV2` calls them, and `files.list` (see `slack-files.ts`); `files` holds every file
 * with its bytes.
 *
 * With `rateLimits`, each method keeps to its published tier and `chat.postMessage` to about one
 * message a second per channel (see `slack-rate-limits.ts`): over it, HTTP 429 with `Retry-After`
 * and `{ ok: false, error: 'ratelimited' }`, and the call is not performed.
 */
import { createEmulatorServer, paramsOf, type Failure, type RecordedCall } from './emulator-server.js';
import { answerAppLevelCall, startSocketModeServer, type SocketModeServer } from './slack-socket-mode.js';
import { fileMethods, registerUploadRoute, SlackFiles, type SlackFile } from './slack-files.js';
import { SlackStore, type SlackChannel, type SlackEphemeral, type SlackMessage, type SlackMetadata, type SlackThread, type SlackView } from './slack-store.js';
import { createSlackRateLimiter, type SlackRateLimits } from './slack-rate-limits.js';
import { registerViewerRoutes } from './slack-viewer-routes.js';

export type { SlackChannel, SlackEphemeral, SlackMessage, SlackMetadata, SlackThread, SlackView } from './slack-store.js';
export type { SlackRateLimits } from './slack-rate-limits.js';
export type { SlackFile } from './slack-files.js';

/** A user group served by `usergroups.list`. */
export interface SlackUsergroupConfig {
  id: string;
  handle: string;
  name?: string;
  /** Member user ids (returned with `include_users`). */
  users?: string[];
}

/** A user served by `users.info` (unknown `U…` ids get a generated profile). */
export interface SlackUserConfig {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  tz?: string;
}

/** Options of {@link createSlackEmulator}. */
export interface SlackEmulatorOptions {
  port?: number;
  botUserId?: string;
  teamId?: string;
  usergroups?: SlackUsergroupConfig[];
  /** Channels resolvable by name (default `it_help` = `C0ITHELP`); any other `C…` id is accepted too. */
  channels?: SlackChannel[];
  users?: SlackUserConfig[];
  /** Clock for message timestamps, in epoch ms (default `Date.now`). */
  now?: () => number;
  /**
   * Slack's published rate limits (`true`), or those with a test's changes and clock; default off,
   * so tests run at full speed. Sandbox mode turns them on.
   */
  rateLimits?: boolean | SlackRateLimits;
}

/** A running Slack emulator. */
export interface SlackEmulator {
  /** The base to pass as `slackApiUrl`, ending in `/api/`. */
  url: string;
  readonly calls: ReadonlyArray<RecordedCall>;
  /** Fails the next `times` calls whose path contains `method` (e.g. `'chat.postMessage'`). */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Every posted message in its current state (updates applied), in posting order. */
  readonly messages: SlackMessage[];
  /** `chat.postEphemeral` deliveries. */
  readonly ephemerals: SlackEphemeral[];
  /** Modals opened with `views.open`. */
  readonly views: SlackView[];
  /** Files reserved with `files.getUploadURLExternal`, their bytes once uploaded, their channel and comment once completed. */
  readonly files: SlackFile[];
  /** Socket Mode: the WebSocket `apps.connections.open` (app-level token `xapp-…`) points at; tests push envelopes with `send`. */
  readonly socketMode: SocketModeServer;
  /** A read-only HTML view of the channels, threads and modals (`/viewer`), for people running the sandbox. */
  viewerUrl: string;
  /** Top-level messages of a channel (id or name) with their replies, oldest first. */
  threads(channel: string): SlackThread[];
  /** Every channel known (configured, created, or referred to by id): name, creator, topic, archived. */
  readonly channels: SlackChannel[];
  /** A channel's (id or name) members as invited, a created channel's creator first. */
  members(channel: string): string[];
  /** Forgets messages, calls, pending failures and rate-limit counts. */
  reset(): void;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;

/** Who a token posts as: our bot, or (by convention) another app or a person. */
type Poster = Pick<SlackMessage, 'user' | 'bot_id' | 'app_id'>;

/**
 * Tokens other than ours, for tests of forged messages: `xoxb-other…` posts as another app
 * (bot `B0OTHERAPP`), `xoxp-…` as a person with a user token (no bot id). Any other token is ours.
 */
function posterOf(token: string, ours: Poster): Poster {
  if (token.startsWith('xoxb-other')) return { user: 'U0OTHERAPP', bot_id: 'B0OTHERAPP', app_id: 'A0OTHERAPP' };
  if (token.startsWith('xoxp-')) return { user: 'U0MALLORY', app_id: 'A0USERTOKEN' };
  return ours;
}
type Answer = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const bool = (v: unknown): boolean => v === true || v === 1 || v === 'true' || v === '1';
const fail = (error: string, extra: Answer = {}): Answer => ({ ok: false, error, ...extra });
const jsonField = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/** Scopes a bot token needs per method (for the `xoxb-missing-scope` convention). */
const SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'conversations.info': 'channels:read',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:write.invites',
  'conversations.setTopic': 'channels:write.topic',
  'conversations.list': 'channels:read',
  'users.info': 'users:read',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.list': 'files:read',
};

/** Cursor pagination as Slack does it (`limit`, `cursor` → `response_metadata.next_cursor`). */
function paginate<T>(items: T[], p: Params, defaultLimit: number): { page: T[]; has_more: boolean; next_cursor: string } | undefined {
  const limit = Math.max(1, Math.min(Number(str(p.limit) ?? defaultLimit) || defaultLimit, 1000));
  const cursor = str(p.cursor);
  let offset = 0;
  if (cursor) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!match) return undefined;
    offset = Number(match[1]);
  }
  const has_more = offset + limit < items.length;
  const next_cursor = has_more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { page: items.slice(offset, offset + limit), has_more, next_cursor };
}

/**
 * Starts a Slack Web API emulator on 127.0.0.1.
 * @example
 * const slack = await createSlackEmulator();
 * const client = new WebClient('xoxb-test', { slackApiUrl: slack.url });
 * await client.chat.postMessage({ channel: 'C0ITHELP', text: 'hi' });
 */
export async function createSlackEmulator(opts: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const botUserId = opts.botUserId ?? 'U0TIERFLOW';
  const teamId = opts.teamId ?? 'T0TIERFLOW';
  const workspace = 'https://tierflow-sandbox.slack.com/';
  const store = new SlackStore(opts.channels ?? [{ id: 'C0ITHELP', name: 'it_help' }], opts.now ?? Date.now);
  const usergroups = opts.usergroups ?? [];
  const limiter = opts.rateLimits ? createSlackRateLimiter(opts.rateLimits, opts.now ?? Date.now) : null;
  const files = new SlackFiles();
  let baseUrl = '';
  let viewCounter = 0;

  const content = (p: Params): { text: string; blocks?: unknown[]; attachments?: unknown[]; metadata?: SlackMetadata } | string => {
    const out: { text: string; blocks?: unknown[]; attachments?: unknown[]; metadata?: SlackMetadata } = { text: str(p.text) ?? '' };
    try {
      if (p.blocks !== undefined) out.blocks = jsonField(p.blocks) as unknown[];
      if (p.attachments !== undefined) out.attachments = jsonField(p.attachments) as unknown[];
    } catch {
      return 'invalid_blocks_format';
    }
    try {
      if (p.metadata !== undefined) out.metadata = jsonField(p.metadata) as SlackMetadata;
    } catch {
      return 'invalid_metadata_format';
    }
    if (out.blocks !== undefined && !Array.isArray(out.blocks)) return 'invalid_blocks';
    if (out.metadata !== undefined && typeof out.metadata?.event_type !== 'string') return 'invalid_metadata_format';
    if (out.text.length > 40000) return 'msg_too_long';
    return out;
  };

  /** Resolves `p[key]` to a channel id or the Slack error for it. */
  const channelOf = (p: Params, key = 'channel', needMember = true): { id: string } | { error: string } => {
    const channel = store.channel(str(p[key]) ?? '');
    if (!channel) return { error: 'channel_not_found' };
    if (needMember && (channel.id.startsWith('CNOTIN') || !store.isMember(channel.id, poster.user))) return { error: 'not_in_channel' };
    return { id: channel.id };
  };

  /** Slack's conversation object for a channel, as the caller sees it. */
  const channelJson = (c: SlackChannel): Answer => ({
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_private: false,
    is_archived: c.archived === true,
    is_member: !c.id.startsWith('CNOTIN') && store.isMember(c.id, poster.user),
    created: c.created ?? 1700000000,
    creator: c.creator ?? '',
    topic: { value: c.topic ?? '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    num_members: store.members(c.id).length,
  });

  /** A channel's id for counting its posts: an id as it is (not registered), a name (`#it_help`) resolved. */
  const channelKey = (ref: string | undefined): string | undefined => (ref && !/^[A-Z][A-Z0-9]+$/.test(ref) ? (store.channel(ref)?.id ?? ref) : ref);

  const ours: Poster = { user: botUserId, bot_id: 'B0TIERFLOW', app_id: 'A0TIERFLOW' };
  let poster: Poster = ours;

  const methods: Record<string, (p: Params) => Answer> = {
    'auth.test': () => ({
      ok: true,
      url: workspace,
      team: 'tierflow sandbox',
      user: poster === ours ? 'tierflow' : poster.user.toLowerCase(),
      team_id: teamId,
      user_id: poster.user,
      ...(poster.bot_id ? { bot_id: poster.bot_id } : {}),
      is_enterprise_install: false,
    }),
    'chat.postMessage': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const body = content(p);
      if (typeof body === 'string') return fail(body);
      if (!body.text && !body.blocks && !body.attachments) return fail('no_text');
      const threadTs = str(p.thread_ts) || undefined;
      const message: SlackMessage = { channel: channel.id, ts: store.nextTs(), ...body, ...poster };
      if (threadTs) message.thread_ts = threadTs;
      if (threadTs && bool(p.reply_broadcast)) message.reply_broadcast = true;
      store.messages.push(message);
      return { ok: true, channel: channel.id, ts: message.ts, message: store.toApi(message, teamId, true) };
    },
    'chat.update': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const message = store.find(channel.id, str(p.ts) ?? '');
      if (!message) return fail('message_not_found');
      const body = content(p);
      if (typeof body === 'string') return fail(body);
      if (p.text !== undefined) message.text = body.text;
      if (body.blocks !== undefined) message.blocks = body.blocks;
      if (body.attachments !== undefined) message.attachments = body.attachments;
      if (body.metadata !== undefined) message.metadata = body.metadata;
      message.edited = { user: botUserId, ts: store.nextTs() };
      return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message: store.toApi(message, teamId, true) };
    },
    'chat.postEphemeral': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const user = str(p.user);
      if (!user) return fail('user_not_found');
      const body = content(p);
      if (typeof body === 'string') return fail(body);
      if (!body.text && !body.blocks && !body.attachments) return fail('no_text');
      const ephemeral: SlackEphemeral = { channel: channel.id, user, text: body.text, message_ts: store.nextTs() };
      if (body.blocks) ephemeral.blocks = body.blocks;
      if (str(p.thread_ts)) ephemeral.thread_ts = str(p.thread_ts);
      store.ephemerals.push(ephemeral);
      return { ok: true, message_ts: ephemeral.message_ts };
    },
    'chat.getPermalink': (p) => {
      const channel = channelOf(p, 'channel', false);
      if ('error' in channel) return fail(channel.error);
      const message = store.find(channel.id, str(p.message_ts) ?? '');
      if (!message) return fail('message_not_found');
      const thread = message.thread_ts && message.thread_ts !== message.ts ? `?thread_ts=${message.thread_ts}&cid=${channel.id}` : '';
      return { ok: true, channel: channel.id, permalink: `${workspace}archives/${channel.id}/p${message.ts.replace('.', '')}${thread}` };
    },
    'conversations.history': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const range = { oldest: str(p.oldest), latest: str(p.latest), inclusive: bool(p.inclusive) };
      const paged = paginate(store.history(channel.id, range), p, 100);
      if (!paged) return fail('invalid_cursor');
      const messages = paged.page.map((m) => store.toApi(m, teamId, bool(p.include_all_metadata)));
      return { ok: true, messages, has_more: paged.has_more, pin_count: 0, response_metadata: { next_cursor: paged.next_cursor } };
    },
    'conversations.replies': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const thread = store.replies(channel.id, str(p.ts) ?? '');
      if (!thread) return fail('thread_not_found');
      const paged = paginate(thread, p, 1000);
      if (!paged) return fail('invalid_cursor');
      const messages = paged.page.map((m) => store.toApi(m, teamId, bool(p.include_all_metadata)));
      return { ok: true, messages, has_more: paged.has_more, response_metadata: { next_cursor: paged.next_cursor } };
    },
    'conversations.info': (p) => {
      const channel = channelOf(p, 'channel', false);
      if ('error' in channel) return fail(channel.error);
      const name = store.channel(channel.id)?.name ?? channel.id.toLowerCase();
      const info = {
        id: channel.id,
        name,
        name_normalized: name,
        is_channel: true,
        is_private: false,
        is_archived: false,
        is_member: !channel.id.startsWith('CNOTIN'),
        created: 1700000000,
      };
      return { ok: true, channel: info };
    },
    'conversations.create': (p) => {
      const name = str(p.name) ?? '';
      if (!name) return fail('invalid_name_required');
      if (name.length > 80) return fail('invalid_name_maxlength');
      if (/[^a-z0-9_-]/.test(name)) return fail('invalid_name_specials');
      if (/^[-_]+$/.test(name)) return fail('invalid_name_punctuation');
      if (store.allChannels().some((c) => c.name === name)) return fail('name_taken');
      return { ok: true, channel: channelJson(store.createChannel(name, poster.user)) };
    },
    'conversations.invite': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const stored = store.channel(channel.id)!;
      if (stored.archived) return fail('is_archived');
      const users = [...new Set((str(p.users) ?? '').split(',').map((u) => u.trim()))].filter(Boolean);
      if (users.length === 0) return fail('no_user');
      if (users.length > 1000) return fail('too_many_users');
      const members = new Set(store.members(channel.id));
      const errors = users.flatMap((user) => {
        const error =
          !/^[UW][A-Z0-9]+$/.test(user) || user.startsWith('UMISSING')
            ? 'user_not_found'
            : user === poster.user
              ? 'cant_invite_self'
              : members.has(user)
                ? 'already_in_channel'
                : null;
        return error ? [{ user, ok: false, error }] : [];
      });
      // Like Slack: one refusal, and nobody of the list is invited.
      if (errors.length > 0) return fail(errors[0]!.error, { errors });
      store.join(channel.id, users);
      return { ok: true, channel: channelJson(stored) };
    },
    'conversations.list': (p) => {
      const types = (str(p.types) ?? 'public_channel').split(',');
      const listed = types.includes('public_channel') ? store.allChannels().filter((c) => !(c.archived && bool(p.exclude_archived))) : [];
      const paged = paginate(listed, p, 100);
      if (!paged) return fail('invalid_cursor');
      return { ok: true, channels: paged.page.map(channelJson), response_metadata: { next_cursor: paged.next_cursor } };
    },
    'conversations.setTopic': (p) => {
      const channel = channelOf(p);
      if ('error' in channel) return fail(channel.error);
      const stored = store.channel(channel.id)!;
      if (stored.archived) return fail('is_archived');
      const topic = str(p.topic) ?? '';
      if (topic.length > 250) return fail('too_long');
      stored.topic = topic;
      return { ok: true, channel: channelJson(stored) };
    },
    'usergroups.users.list': (p) => {
      const group = usergroups.find((g) => g.id === str(p.usergroup));
      return group ? { ok: true, users: group.users ?? [] } : fail('no_such_subteam');
    },
    'usergroups.list': (p) => ({
      ok: true,
      usergroups: usergroups.map((g) => ({
        id: g.id,
        team_id: teamId,
        is_usergroup: true,
        name: g.name ?? g.handle,
        description: '',
        handle: g.handle,
        is_external: false,
        date_create: 1700000000,
        date_update: 1700000000,
        date_delete: 0,
        auto_type: null,
        user_count: (g.users ?? []).length,
        ...(bool(p.include_users) ? { users: g.users ?? [] } : {}),
      })),
    }),
    'users.info': (p) => {
      const id = str(p.user) ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(id) || id.startsWith('UMISSING')) return fail('user_not_found');
      const known = opts.users?.find((u) => u.id === id) ?? { id, name: id.toLowerCase() };
      const realName = known.realName ?? known.name;
      const profile = { real_name: realName, display_name: known.name, ...(known.email ? { email: known.email } : {}) };
      return { ok: true, user: { id, team_id: teamId, name: known.name, real_name: realName, tz: known.tz ?? 'UTC', is_bot: false, deleted: false, profile } };
    },
    // Only an app-level token may open a Socket Mode connection (answered before this table).
    'apps.connections.open': () => fail('not_allowed_token_type'),
    'views.open': (p) => {
      const triggerId = str(p.trigger_id);
      if (!triggerId || p.view === undefined) return fail('invalid_arguments');
      let view: unknown;
      try {
        view = jsonField(p.view);
      } catch {
        return fail('invalid_arguments');
      }
      viewCounter += 1;
      const opened: SlackView = { id: `V${String(viewCounter).padStart(8, '0')}`, trigger_id: triggerId, view };
      store.views.push(opened);
      return { ok: true, view: { ...(view as object), id: opened.id, team_id: teamId } };
    },
    ...fileMethods({
      files,
      store,
      teamId,
      workspace,
      baseUrl: () => baseUrl,
      poster: () => poster,
      channelOf: (p, key) => channelOf(p, key),
      now: opts.now ?? Date.now,
    }),
  };

  const socketMode = await startSocketModeServer();
  const server = createEmulatorServer({ errorBody: (status) => (status === 429 ? fail('ratelimited') : fail('internal_error')) });
  // Slack answers HTTP 200 with `ok: false` for an unknown method, a missing or bad token or scope.
  server.app.route<{ Params: { method: string } }>({
    method: ['GET', 'POST'],
    url: '/api/:method',
    handler: (request, reply) => {
      const name = request.params.method;
      const handle = Object.hasOwn(methods, name) ? methods[name] : undefined;
      if (!handle) return fail('unknown_method');
      const p: Params = paramsOf(request);
      const auth = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? str(p.token);
      if (!auth) return fail('not_authed');
      if (auth === 'xoxb-invalid') return fail('invalid_auth');
      // Limits count per method per app per workspace (one workspace here), after the token is known.
      const app = auth.startsWith('xapp-') ? 'app-level' : (posterOf(auth, ours).app_id ?? 'A0UNKNOWN');
      const retryAfter = limiter?.check({ method: name, app, channel: channelKey(str(p.channel)) }) ?? null;
      if (retryAfter !== null) return reply.code(429).header('retry-after', String(retryAfter)).send(fail('ratelimited'));
      if (auth.startsWith('xapp-')) return answerAppLevelCall(socketMode, name, auth, ours.app_id ?? 'A0TIERFLOW');
      const scope = SCOPES[name];
      if (auth === 'xoxb-missing-scope' && scope) return fail('missing_scope', { needed: scope, provided: 'identify' });
      poster = posterOf(auth, ours);
      return handle(p);
    },
  });
  registerUploadRoute(server.app, files);
  registerViewerRoutes(
    server.app,
    store,
    () => ({ botUserId, users: opts.users ?? [], usergroups, channels: store.allChannels() }),
    (id) => files.get(id),
  );
  server.app.setNotFoundHandler((_request, reply) => reply.code(200).send(fail('unknown_method')));
  const { url } = await server.listen(opts.port);
  baseUrl = url;

  return {
    url: `${url}/api/`,
    viewerUrl: `${url}/viewer`,
    get calls() {
      return server.calls;
    },
    failNext: (method, failure, times) => server.failNext(method, failure, times),
    get messages() {
      return store.messages;
    },
    get ephemerals() {
      return store.ephemerals;
    },
    get views() {
      return store.views;
    },
    get files() {
      return files.files;
    },
    threads: (channel) => store.threads(store.channel(channel)?.id ?? channel),
    get channels() {
      return store.allChannels();
    },
    members: (channel) => store.members(store.channel(channel)?.id ?? channel),
    reset() {
      store.reset();
      files.reset();
      server.reset();
      limiter?.reset();
    },
    socketMode,
    close: () => Promise.all([socketMode.close(), server.close()]).then(() => undefined),
  };
}
