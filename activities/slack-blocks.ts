/**
 * The request's live status message in Block Kit: summary, Tier / State / Owner / System /
 * Priority, an SLA line from the running clock, an escalation held for coverage, links (tracker
 * issue, swarm channel), the action buttons while the request is active and Reopen while a resolved
 * one can be reopened. Pure: built from the state and its status view; `slack.ts` posts and
 * updates it.
 *
 * An edit is a snapshot, so the message holds no time that goes stale ("1h 40m left"): instants
 * only, as Slack date tokens each reader sees in their own zone (the fallback text in UTC).
 *
 * User text is escaped (see `slack-text.ts`), one-line fields (summary, names) kept to one line;
 * mentions and links come only from our code. Every text is cut
 * to its Block Kit limit with {@link fitMrkdwn}, so a long summary or description never makes
 * Slack refuse the message.
 */
import type { ActionsBlock, Button, ContextBlock, MrkdwnElement, SectionBlock } from '@slack/types';

import { formatInstantWithDate, type CoverageCalendar } from '../domain/calendar.js';
import type { GuideLink } from '../domain/registry.js';
import { ACTIVE_STATUSES, type RequestState, type RequestStatus } from '../domain/request.js';
import type { ClockView, RequestStatusView } from '../domain/status-view.js';
import { neutraliseInvisible, plainLine } from '../domain/text-safety.js';
import { buttonId, type ButtonAction } from '../contracts/slack-ids.js';
import { TIER_NAMES, truncate } from './event-text.js';
import { channelMention, escapeSlack, fitMrkdwn, linkText, personText, quoteSlack, requesterText, slackLine } from './slack-text.js';

/** Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const BLOCK_KIT_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  messageText: 40_000,
} as const;

/** A status-message button: a Block Kit button carrying the action id and the request id the intake reads. */
export type StatusButton = Button & Required<Pick<Button, 'action_id' | 'value'>>;

/** The Block Kit blocks the status message uses, narrowed to what it puts in them (mrkdwn text, buttons). */
export type StatusBlock =
  | (SectionBlock & { block_id: string })
  | (Omit<ContextBlock, 'elements'> & { block_id: string; elements: MrkdwnElement[] })
  | (Omit<ActionsBlock, 'elements'> & { block_id: string; elements: StatusButton[] });

/** What the status message is built from. */
export interface StatusMessageInput {
  state: RequestState;
  /** The live fields (tier, status, priority, owner, clocks), computed by the workflow with its calendar. */
  view: RequestStatusView;
  /** The system owners' group as rendered by our code (a mention or a plain `@handle`), null without a system. */
  owners: string | null;
  /** Tier 1 guides, shown with "This solved it" while the request is active at Tier 2 or below. */
  guides?: GuideLink[];
  shadowItOwner?: string | null;
  /** Rendered user-group mentions asking for a look: first post only (an edit notifies nobody). */
  mentions?: string[];
}

const STATUS_LABELS: Readonly<Record<RequestStatus, string>> = {
  open: ':large_yellow_circle: Open',
  acknowledged: ':large_blue_circle: Acknowledged',
  waiting_on_requester: ':double_vertical_bar: Waiting on the requester',
  resolved: ':white_check_mark: Resolved',
  cancelled: ':no_entry_sign: Cancelled',
  closed: ':lock: Closed',
};

function stateLabel(input: StatusMessageInput): string {
  const selfServed = input.view.status === 'resolved' && input.state.resolution === 'self_served';
  return selfServed ? ':sparkles: Solved with a self-service guide' : STATUS_LABELS[input.view.status];
}

const clockName = (clock: Pick<ClockView, 'kind'>): string => (clock.kind === 'first_response' ? 'first response' : 'resolution');

// Only the zone matters to `formatInstantWithDate`.
const UTC: CoverageCalendar = { timezone: 'UTC', windows: [], holidays: [] };

/** `Mon 2024-01-08 02:00 UTC`: the plain-text form of an instant. */
const utcInstant = (at: number): string => formatInstantWithDate(UTC, at);

/** An instant Slack shows in each reader's own zone ("Today at 02:00"), with the UTC form as fallback. */
const slackInstant = (at: number): string => `<!date^${Math.floor(at / 1000)}^{date_short_pretty} at {time}|${utcInstant(at)}>`;

/** Epoch ms of an ISO instant of the view; null when absent or unreadable. */
const instantOf = (iso: string | null | undefined): number | null => {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(at) ? null : at;
};

/**
 * The SLA line: when the running clock due soonest is due (or since when it is overdue), when the
 * SLA was breached, or why no clock runs.
 * @param when writes an instant (a Slack date token in blocks, plain UTC in the fallback text).
 * @example slaLine({ state, view }) // ':hourglass_flowing_sand: first response due Mon 2024-01-08 02:00 UTC'
 */
export function slaLine(input: Pick<StatusMessageInput, 'state' | 'view'>, when: (at: number) => string = utcInstant): string {
  const { view } = input;
  const earlier = view.slaBreached ? ' (SLA breached earlier)' : '';
  switch (view.status) {
    case 'resolved':
      return `:white_check_mark: resolved${earlier}`;
    case 'cancelled':
      return ':no_entry_sign: cancelled';
    case 'closed':
      return ':lock: closed';
    case 'waiting_on_requester':
      return ':double_vertical_bar: clocks paused while waiting on the requester';
    default:
      break;
  }
  const running = view.clocks.filter((c) => c.dueAt !== null).sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!))[0];
  if (running) {
    const due = Date.parse(running.dueAt!);
    // Past due but not yet marked breached (the workflow's timer is about to fire).
    if (running.remainingMs <= 0) return `:rotating_light: ${clockName(running)} overdue since ${when(due)}${earlier}`;
    return `:hourglass_flowing_sand: ${clockName(running)} due ${when(due)}${earlier}`;
  }
  // The view has no breach instants; the state's clocks do. The longest overdue one is shown.
  const breached = input.state.clocks.filter((c) => c.state === 'breached' && c.breachedAt !== null).sort((a, b) => a.breachedAt! - b.breachedAt!)[0];
  if (breached) return `:rotating_light: SLA breached — ${clockName(breached)} at Tier ${breached.tier} overdue since ${when(breached.breachedAt!)}`;
  return view.slaBreached ? ':rotating_light: SLA breached' : 'no SLA clock running';
}

/** A breach's escalation waiting for coverage to open (while the request is active). */
function heldText(view: RequestStatusView, when: (at: number) => string): string | null {
  const at = instantOf(view.heldUntil);
  if (at === null || !ACTIVE_STATUSES.includes(view.status)) return null;
  return `:crescent_moon: Outside coverage: the escalation goes out when coverage opens ${when(at)}`;
}

/** Until when a resolved request can be reopened; null when it cannot. */
const reopenAt = (view: RequestStatusView): number | null => (view.status === 'resolved' ? instantOf(view.reopenUntil) : null);

function reopenText(view: RequestStatusView, when: (at: number) => string): string | null {
  const at = reopenAt(view);
  return at === null ? null : `You can reopen until ${when(at)}`;
}

/**
 * The buttons for the request as it stands, none that would be refused: the actions while it is
 * active ("This solved it" at Tier 2 or below), Reopen while a resolved request can be reopened.
 */
export function statusButtons(view: RequestStatusView): StatusButton[] {
  const button = (action: ButtonAction, text: string, style?: 'primary'): StatusButton => ({
    type: 'button',
    action_id: buttonId(action),
    text: { type: 'plain_text', text, emoji: true },
    value: view.id,
    ...(style ? { style } : {}),
  });
  if (reopenAt(view) !== null) return [button('reopen', 'Reopen')];
  if (!ACTIVE_STATUSES.includes(view.status)) return [];
  const buttons: StatusButton[] = [];
  if (view.status === 'open') buttons.push(button('acknowledge', 'Acknowledge'));
  if (view.status !== 'waiting_on_requester') buttons.push(button('pause', 'Waiting on requester'));
  if (view.tier < 5) buttons.push(button('escalate', 'Escalate'));
  buttons.push(button('resolve', 'Resolve', 'primary'));
  if (view.tier <= 2) buttons.push(button('solved', 'This solved it'));
  return buttons;
}

const mrkdwn = (text: string, max: number): MrkdwnElement => ({ type: 'mrkdwn', text: fitMrkdwn(text, max) });

/** True when user text has something to show once invisible characters are gone. */
const hasText = (text: string): boolean => neutraliseInvisible(text).trim() !== '';

function headline(state: RequestState): string {
  return `*${slackLine(truncate(plainLine(state.summary) || '(no summary)', 200))}*\nRequest \`${escapeSlack(state.id)}\` from ${requesterText(state)}`;
}

function systemText(input: StatusMessageInput): string {
  const { state, owners } = input;
  if (!state.system) return '_to triage_';
  return `${slackLine(state.system.name)}${owners ? `\nowners ${owners}` : ''}`;
}

function guidesText(input: StatusMessageInput): string | null {
  const { guides = [], view } = input;
  if (guides.length === 0 || !ACTIVE_STATUSES.includes(view.status) || view.tier > 2) return null;
  return `While you wait, these guides may help: ${guides.map((g) => linkText(g.url, g.title)).join(' · ')}`;
}

function shadowItText(input: StatusMessageInput): string | null {
  return input.shadowItOwner ? `This system is not managed by Corporate Security; its System Owner is ${slackLine(input.shadowItOwner)}.` : null;
}

function mentionsText(input: StatusMessageInput): string | null {
  return input.mentions && input.mentions.length > 0 ? `${input.mentions.join(' ')} please take a look.` : null;
}

function issueLink(input: StatusMessageInput): string | null {
  const url = input.view.links.gitlabIssue ?? input.state.links.gitlabIssue;
  if (!url) return null;
  const iid = input.state.links.gitlabIssueIid;
  return `:link: ${linkText(url, iid === null ? 'GitLab issue' : `GitLab issue #${iid}`)}`;
}

/** The tracker issue and the crisis's swarm channel (a validated channel id), on one line. */
function linksText(input: StatusMessageInput): string | null {
  const swarm = channelMention(input.view.links.swarmChannel ?? input.state.links.swarmChannel);
  const parts = [issueLink(input), swarm ? `:rotating_light: swarm channel ${swarm}` : null].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/**
 * The status message's blocks (at most 11 of Block Kit's 50), each text within its limit.
 * @example statusBlocks({ state, view, owners: null }).at(-1) // { type: 'actions', elements: [Acknowledge, …] }
 */
export function statusBlocks(input: StatusMessageInput): StatusBlock[] {
  const { state, view } = input;
  const L = BLOCK_KIT_LIMITS;
  const section = (id: string, text: string | null): StatusBlock[] => (text ? [{ type: 'section', block_id: id, text: mrkdwn(text, L.sectionText) }] : []);
  const context = (id: string, text: string | null): StatusBlock[] =>
    text ? [{ type: 'context', block_id: id, elements: [mrkdwn(text, L.contextText)] }] : [];
  const fields: Array<[string, string]> = [
    ['Tier', `${view.tier} · ${TIER_NAMES[view.tier]}`],
    ['State', stateLabel(input)],
    ['Owner', view.assignee ? personText(view.assignee) : '_unassigned_'],
    ['System', systemText(input)],
    ['Priority', view.priority],
  ];
  const buttons = statusButtons(view);
  return [
    ...section('tierflow_summary', headline(state)),
    ...section('tierflow_description', hasText(state.description) ? quoteSlack(state.description) : null),
    { type: 'section', block_id: 'tierflow_fields', fields: fields.map(([name, value]) => mrkdwn(`*${name}*\n${value}`, L.fieldText)) },
    ...context('tierflow_sla', slaLine(input, slackInstant)),
    ...context('tierflow_held', heldText(view, slackInstant)),
    ...context('tierflow_links', linksText(input)),
    ...section('tierflow_shadow_it', shadowItText(input)),
    ...section('tierflow_guides', guidesText(input)),
    ...section('tierflow_mentions', mentionsText(input)),
    ...context('tierflow_reopen', reopenText(view, slackInstant)),
    ...(buttons.length > 0 ? [{ type: 'actions' as const, block_id: 'tierflow_actions', elements: buttons }] : []),
  ];
}

/**
 * The message's `text`: what notifications, search and clients without Block Kit show. It carries
 * the summary first (the notification preview) and the mentions (they notify from `text` too).
 */
export function statusText(input: StatusMessageInput): string {
  const { state, view } = input;
  const system = state.system ? slackLine(state.system.name) : 'system to triage';
  const lines = [
    headline(state),
    `${view.priority} · ${system} · Tier ${view.tier} (${TIER_NAMES[view.tier]}) · ${stateLabel(input).replace(/^:[a-z_]+: /, '')}`,
    slaLine(input),
  ];
  const held = heldText(view, utcInstant);
  if (held) lines.push(held);
  if (hasText(state.description)) lines.push(quoteSlack(state.description));
  for (const extra of [linksText(input), reopenText(view, utcInstant), shadowItText(input), guidesText(input), mentionsText(input)])
    if (extra) lines.push(extra);
  const text = lines.join('\n');
  // Mentions must survive the cut: they are the point of the notification.
  const tail = mentionsText(input);
  if (text.length <= BLOCK_KIT_LIMITS.messageText || !tail) return fitMrkdwn(text, BLOCK_KIT_LIMITS.messageText);
  return `${fitMrkdwn(lines.slice(0, -1).join('\n'), BLOCK_KIT_LIMITS.messageText - tail.length - 1)}\n${tail}`;
}
