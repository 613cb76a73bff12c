/**
 * A crisis's swarm channel: Tier 5 gives "swarm-style guidance and engineering for
 * cross-functional or leadership-level crisis", so a crisis gets its own public channel,
 * `#crisis-<request>`, with the Tier 5 group, the system owners and the requester in it, the
 * summary as its topic, and an opening message linking the help thread and the tracker issue.
 *
 * Idempotent under Temporal's retries, also after an ambiguous failure (Slack did it, the answer
 * was lost):
 * - the name comes from the request id, so a retry's `name_taken` finds the channel among the
 *   public channels (`conversations.list`) and carries on in it, when our bot created it; a
 *   channel of that name someone else made (or an archived one) is left alone and the next name
 *   (`…-2`) is tried, the same sequence on every attempt. A first attempt (without `mayHaveRun`)
 *   made no channel yet: a taken name is someone else's, and the next name is tried at once;
 * - invitations ignore `already_in_channel`, and the topic is simply set again;
 * - the opening message carries metadata ({@link SWARM_EVENT_TYPE}, the request id) and is posted
 *   once: a retry looks for it first (only messages of our bot count, see `slack-lookup.ts`).
 *
 * Bot scopes: `channels:manage` (create), `channels:write.invites` (invite), `channels:write.topic`
 * (topic), `channels:read` (find a channel by name), `usergroups:read` (groups and their members),
 * `chat:write` and `channels:history` (the opening message).
 */
import { ApplicationFailure } from '@temporalio/common';

import { SLACK_API_ERROR } from '../contracts/failures.js';
import type { RequestState } from '../domain/request.js';
import { plainLine } from '../domain/text-safety.js';
import { activityAttempt, classifySlackError, mayHaveWritten } from './errors.js';
import { TIER_NAMES, truncate } from './event-text.js';
import { defaultWarn, type SlackDeps } from './slack.js';
import { createUsergroupDirectory, type GroupMembers } from './slack-groups.js';
import { carries, createMessageFinder, errorCode } from './slack-lookup.js';
import { escapeSlack, fitMrkdwn, groupMention, linkText, personText, requesterText, slackLine } from './slack-text.js';

/** Metadata event type of a swarm channel's opening message (payload `request_id`). */
export const SWARM_EVENT_TYPE = 'tierflow_swarm';

/** Arguments of `openSwarmChannel`. */
export interface OpenSwarmChannelArgs {
  state: RequestState;
  invite: {
    /** Slack user-group handles (from our registry): the Tier 5 group and the system owners. */
    groups: string[];
    /** Slack user ids, e.g. the requester. */
    users: string[];
  };
  /** Permalink of the request's help thread. */
  helpThread: string | null;
  /** URL of the tracker issue. */
  gitlabIssue: string | null;
  /** An earlier run may have opened it (an effect carried across continue-as-new): look for it even on attempt 1. */
  mayHaveRun?: boolean;
}

/** The swarm channel as created (or found again by a retry). */
export interface SwarmChannelRef {
  /** Channel id, for `links.swarmChannel` and the mirror of thread replies. */
  channel: string;
  /** Channel name, e.g. `crisis-req-gitlab-1000-7`. */
  name: string;
  /** Link to the channel's opening message; null when Slack did not give one. */
  permalink: string | null;
}

const NAME_PREFIX = 'crisis-';
/** Slack's limit on channel names. */
const MAX_NAME = 80;
/** Names tried when the ones before are someone else's channels. */
const NAME_CANDIDATES = 5;
/** Most users `conversations.invite` takes at once. */
const INVITE_BATCH = 1000;
/** Slack refuses a longer topic (`too_long`). */
const MAX_TOPIC = 250;
/** Refused invitations listed by name in the opening message (the rest are counted). */
const MAX_LISTED = 20;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** `conversations.invite` errors about one of the users, not the call: the others can still be invited. */
const PER_USER_ERRORS = new Set(['already_in_channel', 'cant_invite_self', 'cant_invite', 'user_not_found', 'invitee_cant_see_channel', 'ura_max_channels']);

/** FNV-1a of the text, 6 base-36 digits: tells apart ids whose slugs are alike. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(-6);
}

/**
 * The swarm channel's name for a request: `crisis-` and the id lowercased, each run of characters
 * Slack does not allow in a name made one `-`, at most 80 characters. When that is not the id
 * itself (case, punctuation, length), a hash of the id follows, so two requests never share a
 * name. `candidate` n > 0 appends `-<n+1>` (the name before was someone else's channel).
 * @example swarmChannelName('req-gitlab-1000-7') // 'crisis-req-gitlab-1000-7'
 * @example swarmChannelName('req-slack-C0ITHELP-1700000000.000100') // 'crisis-req-slack-c0ithelp-1700000000-000100-<hash>'
 */
export function swarmChannelName(requestId: string, candidate = 0): string {
  const slug =
    requestId
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '') || 'request';
  const extra = candidate > 0 ? `-${candidate + 1}` : '';
  const room = MAX_NAME - NAME_PREFIX.length - extra.length;
  const tag = slug === requestId && slug.length <= room ? '' : `-${shortHash(requestId)}`;
  return `${NAME_PREFIX}${slug.slice(0, room - tag.length).replace(/[-_]+$/, '')}${tag}${extra}`;
}

/** Someone who could not be invited, with Slack's reason. */
interface Refusal {
  user: string;
  error: string;
}

interface ChannelLike {
  id?: string;
  name?: string;
  creator?: string;
  is_archived?: boolean;
}

/** The per-user refusals of a failed `conversations.invite` (`errors: [{ user, error }]`). */
function refusalsOf(err: unknown): Refusal[] {
  const errors = (err as { data?: { errors?: Array<{ user?: unknown; error?: unknown }> } }).data?.errors ?? [];
  return errors.flatMap((e) => (typeof e.user === 'string' && typeof e.error === 'string' ? [{ user: e.user, error: e.error }] : []));
}

/** The summary on one line, escaped and cut to 200 characters. */
const summaryLine = (state: RequestState): string => slackLine(truncate(plainLine(state.summary) || '(no summary)', 200));

/** The opening message: what the crisis is, where it is discussed and tracked, who was asked in (`users` besides the groups). */
function openingText(args: OpenSwarmChannelArgs, groups: GroupMembers[], users: string[], refused: Refusal[]): string {
  const { state } = args;
  const summary = summaryLine(state);
  const system = state.system ? slackLine(state.system.name) : 'system to triage';
  const lines = [
    `:rotating_light: *Crisis swarm: ${summary}*`,
    `Request \`${escapeSlack(state.id)}\` from ${requesterText(state)} · ${state.priority} · ${system} · Tier ${state.tier} (${TIER_NAMES[state.tier]})`,
  ];
  const iid = state.links.gitlabIssueIid;
  const links = [
    args.helpThread ? linkText(args.helpThread, 'help thread') : null,
    args.gitlabIssue ? linkText(args.gitlabIssue, iid === null ? 'GitLab issue' : `GitLab issue #${iid}`) : null,
  ].filter((l): l is string => l !== null);
  if (links.length > 0) lines.push(`:link: ${links.join(' · ')}`);
  const asked = [
    ...groups.map((g) =>
      g.id === null
        ? `${groupMention(g.handle)} (no such user group)`
        : `${groupMention(g.handle, g.id)} (${g.users.length} ${g.users.length === 1 ? 'person' : 'people'})`,
    ),
    ...users.map(personText),
  ];
  if (asked.length > 0) lines.push(`Invited: ${asked.join(', ')}`);
  if (refused.length > 0) {
    const listed = refused.slice(0, MAX_LISTED).map((r) => `${personText(r.user)} (${escapeSlack(r.error)})`);
    const more = refused.length > MAX_LISTED ? ` and ${refused.length - MAX_LISTED} more` : '';
    lines.push(`Could not invite: ${listed.join(', ')}${more}`);
  }
  return fitMrkdwn(lines.join('\n'), 40_000);
}

/** Builds the swarm channel activity. */
export function createSlackSwarmActivities(deps: SlackDeps) {
  const { slack } = deps;
  const groups = deps.usergroups ?? createUsergroupDirectory(slack, deps.now ? { now: deps.now } : {});
  const warn = deps.warn ?? defaultWarn;
  const attempt = deps.attempt ?? activityAttempt;
  const find = createMessageFinder(slack);

  /** A public channel by name, archived ones included; null when there is none. */
  const channelNamed = async (name: string): Promise<ChannelLike | null> => {
    const pick = (page: unknown) => ((page as { channels?: ChannelLike[] }).channels ?? []).find((c) => c.name === name) ?? null;
    const found = await slack.paginate(
      'conversations.list',
      { types: 'public_channel', exclude_archived: false, limit: 1000 },
      (page) => pick(page) !== null,
      (earlier: ChannelLike | null | undefined, page) => earlier ?? pick(page),
    );
    return found ?? null;
  };

  /** Creates the channel, or (when `look`) finds the one an earlier attempt created. */
  const openChannel = async (state: RequestState, look: boolean): Promise<{ id: string; name: string }> => {
    const us = await find.me();
    for (let candidate = 0; candidate < NAME_CANDIDATES; candidate += 1) {
      const name = swarmChannelName(state.id, candidate);
      try {
        const created = await slack.conversations.create({ name, is_private: false });
        if (!created.channel?.id) throw new Error('Slack conversations.create returned no channel');
        return { id: created.channel.id, name: created.channel.name ?? name };
      } catch (err) {
        if (errorCode(err) !== 'name_taken') throw err;
      }
      if (!look) continue;
      const existing = await channelNamed(name);
      if (existing?.id && !existing.is_archived && us.userId !== null && existing.creator === us.userId) return { id: existing.id, name };
    }
    throw ApplicationFailure.nonRetryable(
      `The swarm channel names of ${state.id} (${swarmChannelName(state.id)} and ${NAME_CANDIDATES - 1} more) are all taken by channels tierflow did not create`,
      SLACK_API_ERROR,
    );
  };

  /**
   * Invites `users` (≤ 1000), adding who Slack refused to `refused` (already being in is fine).
   * Slack invites nobody of a list with one refusal, so the refused are taken out and the rest
   * asked again; a refusal that names nobody is settled one by one.
   */
  const inviteSome = async (channel: string, users: string[], refused: Refusal[]): Promise<void> => {
    if (users.length === 0) return;
    try {
      await slack.conversations.invite({ channel, users: users.join(',') });
    } catch (err) {
      const code = errorCode(err);
      if (!code || !PER_USER_ERRORS.has(code)) throw err;
      const named = users.length === 1 ? [{ user: users[0]!, error: code }] : refusalsOf(err).filter((r) => users.includes(r.user));
      if (named.length === 0) {
        for (const user of users) await inviteSome(channel, [user], refused);
        return;
      }
      refused.push(...named.filter((r) => r.error !== 'already_in_channel'));
      const out = new Set(named.map((r) => r.user));
      await inviteSome(
        channel,
        users.filter((u) => !out.has(u)),
        refused,
      );
    }
  };

  return {
    /**
     * Opens the crisis's swarm channel (once): creates `#crisis-<request>`, invites the members of
     * the given user groups and the given users, sets the topic to the summary and posts the
     * opening message. People Slack will not invite are named in the opening message and the logs.
     */
    async openSwarmChannel(args: OpenSwarmChannelArgs): Promise<SwarmChannelRef> {
      const { state } = args;
      const look = mayHaveWritten(attempt(), args.mayHaveRun);
      try {
        const { id: channel, name } = await openChannel(state, look);
        const us = await find.me();
        const members = await groups.members(args.invite.groups);
        // Our bot is in the channel it created (inviting it is `cant_invite_self`).
        const notUs = (u: string) => u !== us.userId;
        const users = [...new Set(args.invite.users)].filter(notUs);
        const wanted = [...new Set([...members.flatMap((g) => g.users), ...users])].filter(notUs);
        const refused: Refusal[] = wanted.filter((u) => !SLACK_USER_ID.test(u)).map((user) => ({ user, error: 'not a Slack user id' }));
        const invitable = wanted.filter((u) => SLACK_USER_ID.test(u));
        for (let i = 0; i < invitable.length; i += INVITE_BATCH) await inviteSome(channel, invitable.slice(i, i + INVITE_BATCH), refused);

        await slack.conversations.setTopic({ channel, topic: fitMrkdwn(`Crisis: ${summaryLine(state)}`, MAX_TOPIC) });

        let ts = look ? await find.inHistory(channel, carries(SWARM_EVENT_TYPE, 'request_id', state.id)) : null;
        if (!ts) {
          const posted = await slack.chat.postMessage({
            channel,
            text: openingText(args, members, users, refused),
            unfurl_links: false,
            unfurl_media: false,
            metadata: { event_type: SWARM_EVENT_TYPE, event_payload: { request_id: state.id } },
          });
          ts = posted.ts ?? null;
        }
        const unknown = members.filter((g) => g.id === null).map((g) => g.handle);
        if (refused.length > 0 || unknown.length > 0) {
          warn(`Not everyone could be invited to the swarm channel of ${state.id}`, {
            requestId: state.id,
            channel,
            refused,
            unknownGroups: unknown,
          });
        }
        // The permalink is a convenience: without it the channel still works.
        const link = ts ? await slack.chat.getPermalink({ channel, message_ts: ts }).catch(() => null) : null;
        return { channel, name, permalink: link?.permalink ?? null };
      } catch (err) {
        throw classifySlackError(err, `opening the swarm channel of ${state.id}`);
      }
    },
  };
}
