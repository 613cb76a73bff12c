/**
 * Who a Slack user is to the help desk: the user groups they belong to, read from Slack
 * (`usergroups.list` with members, scope `usergroups:read`). A click carries only a user id;
 * the request's rules (domain/request-actions.ts `slackPermission`) decide on the groups.
 *
 * One list call answers for every group and member, cached for a minute per process, so a burst
 * of clicks costs one Slack call; concurrent lookups share it. A failed lookup fails the click
 * (closed): nobody gets a tier's rights because Slack could not be asked.
 */
import type { WebClient } from '@slack/web-api';

/** The user groups of Slack users. */
export interface SlackDirectory {
  /** Handles (`it-helpdesk-analysts`) of the enabled groups `userId` belongs to; throws when Slack cannot be asked. */
  groupsOf(userId: string): Promise<string[]>;
}

/** A directory that knows no memberships: every staff action from Slack is refused. */
export const NO_SLACK_DIRECTORY: SlackDirectory = { groupsOf: async () => [] };

/** A directory over fixed memberships (tests, tools). @example fixedDirectory({ U1: ['corpsec-engineers'] }) */
export function fixedDirectory(memberships: Record<string, string[]>): SlackDirectory {
  return { groupsOf: async (userId) => memberships[userId] ?? [] };
}

/**
 * A cached directory over the Slack Web API.
 * @example createSlackDirectory(new WebClient(token)).groupsOf('U0ENG1') // ['corpsec-engineers']
 */
export function createSlackDirectory(slack: WebClient, opts: { now?: () => number; maxAgeMs?: number } = {}): SlackDirectory {
  const now = opts.now ?? Date.now;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  let members = new Map<string, string[]>();
  let fetchedAt: number | null = null;
  let loading: Promise<void> | null = null;

  const load = (): Promise<void> =>
    (loading ??= (async () => {
      try {
        const answer = await slack.usergroups.list({ include_users: true, include_disabled: false });
        const next = new Map<string, string[]>();
        for (const group of answer.usergroups ?? []) {
          if (!group.handle || group.date_delete) continue;
          for (const user of group.users ?? []) next.set(user, [...(next.get(user) ?? []), group.handle]);
        }
        members = next;
        fetchedAt = now();
      } finally {
        loading = null;
      }
    })());

  return {
    async groupsOf(userId) {
      if (fetchedAt === null || now() - fetchedAt >= maxAgeMs) await load();
      return members.get(userId) ?? [];
    },
  };
}
