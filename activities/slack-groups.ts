/**
 * Turns Slack user-group handles (`it-helpdesk-analysts`) into real mentions (`<!subteam^S…>`).
 * Slack only notifies a group written by its id, so the handles of our registry are looked up
 * with `usergroups.list` (scope `usergroups:read`) and cached for the life of the activity
 * factory: one worker process asks Slack about once an hour, plus at most once a minute when a
 * handle is not found (a group created or renamed since). A group's members (for a crisis's swarm
 * channel) are read fresh with `usergroups.users.list` (same scope) each time they are asked for.
 */
import type { WebClient } from '@slack/web-api';

import { groupMention } from './slack-text.js';

/** Options of {@link createUsergroupDirectory}. */
export interface UsergroupDirectoryOptions {
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Least time between two lookups caused by unknown handles (default 1 minute). */
  refreshOnMissMs?: number;
  /** Age after which the cache is reloaded on next use (default 1 hour). */
  maxAgeMs?: number;
}

/** A user group's members as Slack lists them now. */
export interface GroupMembers {
  /** The handle as asked for. */
  handle: string;
  /** The group's id; null when Slack has no enabled group with that handle. */
  id: string | null;
  /** Member user ids (none for an unknown handle). */
  users: string[];
}

/** Resolves handles to mention text and members. Errors of Slack propagate (the caller classifies them). */
export interface UsergroupDirectory {
  /**
   * Mention text for each handle, in order: `<!subteam^ID>`, or `@handle` as plain text when
   * Slack has no enabled group with that handle.
   */
  mentions(handles: readonly string[]): Promise<string[]>;
  /** Each handle's group and its current members, in order (one `usergroups.users.list` per known group). */
  members(handles: readonly string[]): Promise<GroupMembers[]>;
}

const normalize = (handle: string): string => handle.trim().replace(/^@/, '').toLowerCase();

/**
 * A cached directory of the workspace's user groups.
 * @example
 * const groups = createUsergroupDirectory(slack);
 * await groups.mentions(['it-helpdesk-analysts']) // ['<!subteam^S0HELPDESK>']
 */
export function createUsergroupDirectory(slack: WebClient, opts: UsergroupDirectoryOptions = {}): UsergroupDirectory {
  const now = opts.now ?? Date.now;
  const refreshOnMissMs = opts.refreshOnMissMs ?? 60_000;
  const maxAgeMs = opts.maxAgeMs ?? 60 * 60_000;
  let ids = new Map<string, string>();
  let fetchedAt: number | null = null;
  let loading: Promise<void> | null = null;

  // Concurrent activities share one request.
  const load = (): Promise<void> =>
    (loading ??= (async () => {
      try {
        const answer = await slack.usergroups.list({ include_disabled: false });
        const next = new Map<string, string>();
        for (const group of answer.usergroups ?? []) {
          if (group.id && group.handle && !group.date_delete) next.set(normalize(group.handle), group.id);
        }
        ids = next;
        fetchedAt = now();
      } finally {
        loading = null;
      }
    })());

  const resolve = async (handle: string): Promise<string | undefined> => {
    const key = normalize(handle);
    const age = fetchedAt === null ? Infinity : now() - fetchedAt;
    if (age >= maxAgeMs || (!ids.has(key) && age >= refreshOnMissMs)) await load();
    return ids.get(key);
  };

  return {
    async mentions(handles) {
      const out: string[] = [];
      for (const handle of handles) out.push(groupMention(handle, await resolve(handle)));
      return out;
    },
    async members(handles) {
      const out: GroupMembers[] = [];
      for (const handle of handles) {
        const id = (await resolve(handle)) ?? null;
        const users = id === null ? [] : ((await slack.usergroups.users.list({ usergroup: id, include_disabled: false })).users ?? []);
        out.push({ handle, id, users });
      }
      return out;
    },
  };
}
