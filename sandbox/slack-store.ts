/**
 * In-memory state of the Slack emulator: channels (with members and topic), messages (with threads
 * and metadata), ephemeral messages and opened views, plus the projections Slack's read methods
 * answer with.
 */

/** Message metadata as Slack stores it (`chat.postMessage` `metadata`). */
export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** The current state of one posted message (after any `chat.update`). */
export interface SlackMessage {
  channel: string;
  ts: string;
  /** Set on thread replies (the parent's ts). */
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  user: string;
  /** Absent on messages a person posted (with a user token). */
  bot_id?: string;
  app_id?: string;
  reply_broadcast?: boolean;
  /** Files shared with the message (`files.completeUploadExternal`), as Slack's file objects. */
  files?: Record<string, unknown>[];
  /** True on the message a file upload posted. */
  upload?: boolean;
  /** Set once the message has been updated. */
  edited?: { user: string; ts: string };
}

/** A top-level message and its replies, oldest first. */
export interface SlackThread {
  parent: SlackMessage;
  replies: SlackMessage[];
}

/** A `chat.postEphemeral` delivery (visible to one user, never in history). */
export interface SlackEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

/** A modal opened with `views.open`. */
export interface SlackView {
  id: string;
  trigger_id: string;
  view: unknown;
}

/** A channel known to the emulator. */
export interface SlackChannel {
  id: string;
  name: string;
  /** Who made it with `conversations.create`; absent for configured channels (which everyone is in). */
  creator?: string;
  /** Epoch seconds of its creation (`conversations.create`). */
  created?: number;
  topic?: string;
  archived?: boolean;
}

/** Orders two Slack timestamps ("seconds.micros") without floating-point loss. */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

/** Channel ids this emulator recognises as ids (others are names such as `#it_help`). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** Mutable emulator state with the queries the Slack methods need. */
export class SlackStore {
  messages: SlackMessage[] = [];
  ephemerals: SlackEphemeral[] = [];
  views: SlackView[] = [];
  private channels = new Map<string, SlackChannel>();
  /** Members of each channel, as invited (a created channel starts with its creator). */
  private memberships = new Map<string, Set<string>>();
  private lastMicros = 0;
  /** Ids of created channels keep counting across resets, so a stale id never names a new channel. */
  private createdCount = 0;

  constructor(
    private readonly initialChannels: SlackChannel[],
    private readonly now: () => number,
  ) {
    this.reset();
  }

  /** Back to the configured channels and no messages. */
  reset(): void {
    this.messages = [];
    this.ephemerals = [];
    this.views = [];
    this.channels = new Map(this.initialChannels.map((c) => [c.id, { ...c }]));
    this.memberships = new Map();
  }

  /** A new public channel (`conversations.create`) with its creator as its first member. */
  createChannel(name: string, creator: string, archived = false): SlackChannel {
    this.createdCount += 1;
    const channel: SlackChannel = { id: `C0NEW${String(this.createdCount).padStart(5, '0')}`, name, creator, created: Math.floor(this.now() / 1000), archived };
    this.channels.set(channel.id, channel);
    this.memberships.set(channel.id, new Set([creator]));
    return channel;
  }

  /** Every channel known, in the order it became known. */
  allChannels(): SlackChannel[] {
    return [...this.channels.values()];
  }

  /** The channel's members as invited (and its creator), in the order they joined. */
  members(channel: string): string[] {
    return [...(this.memberships.get(channel) ?? [])];
  }

  /** True when `user` is in the channel: a created channel has only its members; a configured one has everyone. */
  isMember(channel: string, user: string): boolean {
    return this.channels.get(channel)?.creator === undefined || (this.memberships.get(channel)?.has(user) ?? false);
  }

  /** Adds users to a channel's members. */
  join(channel: string, users: string[]): void {
    const members = this.memberships.get(channel) ?? new Set<string>();
    for (const user of users) members.add(user);
    this.memberships.set(channel, members);
  }

  /** A fresh timestamp, from the clock but strictly increasing (100 µs apart at least). */
  nextTs(): string {
    this.lastMicros = Math.max(Math.floor(this.now() * 1000), this.lastMicros + 100);
    const seconds = Math.floor(this.lastMicros / 1e6);
    return `${seconds}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  /**
   * Resolves a channel argument (id, `name` or `#name`) to a channel. An unknown id is accepted
   * (and remembered) unless it starts with `CMISSING`; an unknown name is not found.
   */
  channel(ref: string): SlackChannel | undefined {
    if (CHANNEL_ID.test(ref)) {
      if (ref.startsWith('CMISSING')) return undefined;
      const known = this.channels.get(ref) ?? { id: ref, name: ref.toLowerCase() };
      this.channels.set(ref, known);
      return known;
    }
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name);
  }

  find(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages of a channel with their replies, oldest first. */
  threads(channel: string): SlackThread[] {
    const inChannel = this.messages.filter((m) => m.channel === channel).sort((a, b) => compareTs(a.ts, b.ts));
    return inChannel
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .map((parent) => ({ parent, replies: inChannel.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts) }));
  }

  /** Slack's JSON for a message; metadata only when asked (`include_all_metadata`). */
  toApi(message: SlackMessage, teamId: string, includeMetadata: boolean): Record<string, unknown> {
    const { channel: _channel, metadata, ...rest } = message;
    const out: Record<string, unknown> = { type: 'message', ...rest, team: teamId };
    if (includeMetadata && metadata) out.metadata = metadata;
    const isParent = message.thread_ts === undefined || message.thread_ts === message.ts;
    const replies = isParent ? this.messages.filter((m) => m.channel === message.channel && m.thread_ts === message.ts && m.ts !== message.ts) : [];
    if (replies.length > 0) {
      const latest = replies.reduce((a, b) => (compareTs(a.ts, b.ts) >= 0 ? a : b));
      Object.assign(out, {
        thread_ts: message.ts,
        reply_count: replies.length,
        reply_users: [...new Set(replies.map((r) => r.user))],
        reply_users_count: new Set(replies.map((r) => r.user)).size,
        latest_reply: latest.ts,
      });
    }
    return out;
  }

  /** `conversations.history` order: top-level (and broadcast) messages, newest first, in [oldest, latest]. */
  history(channel: string, range: { oldest?: string; latest?: string; inclusive: boolean }): SlackMessage[] {
    const inRange = (ts: string): boolean => {
      const afterOldest = range.oldest === undefined || (range.inclusive ? compareTs(ts, range.oldest) >= 0 : compareTs(ts, range.oldest) > 0);
      const beforeLatest = range.latest === undefined || (range.inclusive ? compareTs(ts, range.latest) <= 0 : compareTs(ts, range.latest) < 0);
      return afterOldest && beforeLatest;
    };
    return this.messages
      .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast === true))
      .filter((m) => inRange(m.ts))
      .sort((a, b) => compareTs(b.ts, a.ts));
  }

  /** `conversations.replies` order: the parent then its replies, oldest first; undefined if `ts` is unknown. */
  replies(channel: string, ts: string): SlackMessage[] | undefined {
    const message = this.find(channel, ts);
    if (!message) return undefined;
    const root = message.thread_ts ?? message.ts;
    const parent = this.find(channel, root);
    const replies = this.messages.filter((m) => m.channel === channel && m.thread_ts === root && m.ts !== root).sort((a, b) => compareTs(a.ts, b.ts));
    return parent ? [parent, ...replies] : replies;
  }
}
