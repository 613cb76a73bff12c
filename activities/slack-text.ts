/**
 * Slack message text for requests. User text is made inert: `&`, `<` and `>` are escaped so it can
 * never ping `@channel`, a user group or a person, nor forge a link; mentions come only from here.
 */
import type { GuideLink } from '../domain/registry.js';
import type { RequestState } from '../domain/request.js';

/** Escapes user text for Slack mrkdwn. @example escapeSlack('<!channel>') // '&lt;!channel&gt;' */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A user-group mention from our own registry data (handle → `<!subteam^ID>` when the ID is known). */
export function groupMention(handle: string, id?: string): string {
  return id ? `<!subteam^${id}|@${handle}>` : `@${escapeSlack(handle)}`;
}

/** The first message of a request's thread. */
export function threadText(state: RequestState, guides: GuideLink[], shadowItOwner: string | null, mention: string): string {
  const who = state.requester.slackUserId ? `<@${state.requester.slackUserId.replace(/[^A-Z0-9]/gi, '')}>` : escapeSlack(state.requester.email);
  const lines = [
    `*${escapeSlack(state.summary)}*`,
    `Request \`${state.id}\` from ${who} · ${state.priority} · ${state.system ? escapeSlack(state.system.name) : 'system to triage'} · Tier ${state.tier}`,
  ];
  if (state.description) lines.push(`>${escapeSlack(state.description).slice(0, 2500).replace(/\n/g, '\n>')}`);
  if (shadowItOwner) lines.push(`This system is not managed by Corporate Security; its System Owner is ${escapeSlack(shadowItOwner)}.`);
  if (guides.length > 0) {
    lines.push(`While you wait, these guides may help: ${guides.map((g) => `<${g.url}|${escapeSlack(g.title)}>`).join(' · ')}`);
  }
  lines.push(`${mention} please take a look.`);
  return lines.join('\n');
}

/** A reply in the thread announcing a transition. */
export function replyText(state: RequestState, event: string, note?: string): string {
  const head = {
    acknowledged: `:eyes: Acknowledged by ${escapeSlack(state.assignee ?? 'an engineer')}`,
    resolved: ':white_check_mark: Resolved',
    escalated: `:arrow_up: Escalated to Tier ${state.tier}`,
    sla_breached: `:rotating_light: SLA breached at Tier ${state.tier}`,
  }[event] ?? escapeSlack(event);
  return note ? `${head}: ${escapeSlack(note)}` : head;
}
