/**
 * Requesters of Slack- and GitLab-born requests. The request contract needs an email, and neither
 * source gives one: a Slack event carries only a user id, and GitLab.com redacts `user.email` in
 * hooks. We use a documented placeholder under the reserved `.invalid` top-level domain (RFC 2606),
 * which can never reach a real mailbox, and keep the real identity in its own field
 * (`slackUserId`), so the domain still recognises the requester by it.
 */
import { z } from 'zod';

import type { Requester } from '../domain/request.js';
import { plainLine } from '../domain/text-safety.js';

/** Placeholder email domain of Slack users: `<user id>@users.slack.invalid`. */
export const SLACK_EMAIL_DOMAIN = 'users.slack.invalid';
/** Placeholder email domain of GitLab users: `<username>@users.gitlab.invalid`. */
export const GITLAB_EMAIL_DOMAIN = 'users.gitlab.invalid';

const email = z.email();

/** Longest requester name the request schema accepts. */
const MAX_NAME_CHARS = 200;

/**
 * A display name as a request keeps it: one line, without invisible characters (a name is shown
 * in Slack, GitLab and the Temporal UI), at most 200 UTF-16 units; undefined when nothing is left.
 * The second `plainLine` drops half a surrogate pair the cut may leave.
 */
function personName(name: string | undefined): string | undefined {
  return plainLine(plainLine(name ?? '').slice(0, MAX_NAME_CHARS)) || undefined;
}

/**
 * The requester of a Slack message or command.
 * @example slackRequester('U123ABC') // { email: 'U123ABC@users.slack.invalid', slackUserId: 'U123ABC' }
 */
export function slackRequester(userId: string, name?: string): Requester {
  const clean = personName(name);
  return { email: `${userId}@${SLACK_EMAIL_DOMAIN}`, slackUserId: userId, ...(clean ? { name: clean } : {}) };
}

/**
 * The requester of a GitLab issue: the hook's email when it is a real address, else the placeholder.
 * @example gitlabRequester({ username: 'ada', name: 'Ada', email: '[REDACTED]' }) // { email: 'ada@users.gitlab.invalid', gitlabUsername: 'ada', name: 'Ada' }
 */
export function gitlabRequester(user: { username: string; name?: string | undefined; email?: string | null | undefined }): Requester {
  const given = user.email?.trim();
  const address = given && email.safeParse(given).success ? given : `${user.username.replace(/^[._-]+|[._-]+$/g, '') || 'user'}@${GITLAB_EMAIL_DOMAIN}`;
  const name = personName(user.name);
  return { email: address, gitlabUsername: user.username, ...(name ? { name } : {}) };
}
