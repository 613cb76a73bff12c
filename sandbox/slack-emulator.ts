/**
 * A local emulator of the Slack Web API methods tierflow uses, answering like Slack does: HTTP 200
 * with `{ ok: true, ... }` or `{ ok: false, error }`, form-encoded or JSON bodies, Bearer tokens.
 *
 * Conventions for unhappy paths: token `xoxb-invalid` → `invalid_auth`, no token → `not_authed`,
 * token `xoxb-missing-scope` → `missing_scope` (every method needing a scope), channel ids starting
 * `CMISSING` → `channel_not_found`, starting `CNOTIN` → `not_in_channel` (posting and reading),
 * user ids starting `UMISSING` → `user_not_found`.
 */
import { createEmulatorServer, paramsOf, type Failure, type RecordedCall } from './emulator-server.js';
import { SlackStore, type SlackChannel, type SlackEphemeral, type SlackMessage, type SlackMetadata, type SlackThread, type SlackView } from './slack-store.js';

export type { SlackChannel, SlackEphemeral, SlackMessage, SlackMetadata, SlackThread, SlackView } from './slack-store.js';

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
  /** Top-level messages of a channel (id or name) with their replies, oldest first. */
  threads(channel: string): SlackThread[];
  /** Forgets messages, calls and pending failures. */
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
  'users.info': 'users:read',
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
    if (needMember && channel.id.startsWith('CNOTIN')) return { error: 'not_in_channel' };
    return { id: channel.id };
  };

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
  };

  const server = createEmulatorServer({ errorBody: (status) => (status === 429 ? fail('ratelimited') : fail('internal_error')) });
  // Slack answers HTTP 200 with `ok: false` for an unknown method, a missing or bad token or scope.
  server.app.route<{ Params: { method: string } }>({
    method: ['GET', 'POST'],
    url: '/api/:method',
    handler: (request) => {
      const name = request.params.method;
      const handle = Object.hasOwn(methods, name) ? methods[name] : undefined;
      if (!handle) return fail('unknown_method');
      const p: Params = paramsOf(request);
      const auth = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? str(p.token);
      if (!auth) return fail('not_authed');
      if (auth === 'xoxb-invalid') return fail('invalid_auth');
      const scope = SCOPES[name];
      if (auth === 'xoxb-missing-scope' && scope) return fail('missing_scope', { needed: scope, provided: 'identify' });
      poster = posterOf(auth, ours);
      return handle(p);
    },
  });
  server.app.setNotFoundHandler((_request, reply) => reply.code(200).send(fail('unknown_method')));
  const { url } = await server.listen(opts.port);

  return {
    url: `${url}/api/`,
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
    threads: (channel) => store.threads(store.channel(channel)?.id ?? channel),
    reset() {
      store.reset();
      server.reset();
    },
    close: () => server.close(),
  };
}
