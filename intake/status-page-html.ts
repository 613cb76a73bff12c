/**
 * The requester's status page as HTML (`GET /status/:id`): the request's public facts and its
 * public timeline, every value escaped, one inline stylesheet and one inline script allowed by
 * their hashes in {@link STATUS_PAGE_CSP}. Pure apart from hashing those two constants.
 *
 * What a requester sees, and what they never see:
 * - shown: summary, request id, tier (with its name), state in words, priority, type, system id,
 *   the current tier's due times, links to the Slack thread and the tracker issue, and when the link
 *   expires;
 * - timeline: only the actions in {@link PUBLIC_ACTIONS} (opened, picked up, escalated, waiting on
 *   the requester, resumed, resolved, solved by a guide, reopened, cancelled, priority changed,
 *   handed to another system, crisis team assembled), each as its time and fixed words;
 * - never: who acted (emails, Slack or GitLab ids), any note (notes may hold internal text),
 *   comments, SLA warnings and breaches, reminders, integration errors, the assignee, the requester's
 *   email. An action not listed stays private until someone lists it here.
 */
import { createHash } from 'node:crypto';

import type { RequestStatusView } from '../contracts/help-request.js';

/** What each tier does, in the seed's words. Intake may not import `activities/`, where the Slack and GitLab texts keep the same words. */
const TIER_NAMES: Readonly<Record<number, string>> = {
  1: 'self-service',
  2: 'helpdesk',
  3: 'escalation and systems engineering',
  4: 'automation engineering',
  5: 'architecture and crisis',
};

const STANDING: Readonly<Record<string, string>> = {
  open: 'Open: waiting for someone to pick it up',
  acknowledged: 'In progress: someone is working on it',
  waiting_on_requester: 'Waiting for your reply: answer in the Slack thread (the clocks are paused meanwhile)',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
  closed: 'Closed',
};

const TYPES: Readonly<Record<string, string>> = { question: 'Question', access: 'Access request', change: 'Change request', crisis: 'Crisis' };

const CLOCK_NAMES: Readonly<Record<string, string>> = { first_response: 'First response', resolution: 'Resolution' };

/** Timeline actions a requester may see, in their words (see the module comment). */
export const PUBLIC_ACTIONS: Readonly<Record<string, string>> = {
  opened: 'Request opened',
  acknowledge: 'Picked up by the team',
  escalated: 'Escalated to the next tier',
  pause: 'Waiting for your reply',
  resumed: 'Back in progress',
  resolve: 'Resolved',
  solved: 'Solved with a self-service guide',
  reopen: 'Reopened',
  cancel: 'Cancelled',
  priority: 'Priority changed',
  reassign: "Handed to another system's team",
  swarm_opened: 'A crisis team was assembled',
};

/** Makes text inert in HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only http(s) URLs become links (a `javascript:` URL never does). */
function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** `<time>` with the instant in UTC as text; the page's script rewrites it in the reader's zone. */
function timeTag(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return escapeHtml(iso);
  const exact = at.toISOString();
  return `<time datetime="${exact}">${exact.slice(0, 10)} ${exact.slice(11, 16)} UTC</time>`;
}

/** Rewrites every `<time datetime>` in the reader's own time zone and says which zone that is. */
const SCRIPT = `(() => {
  const format = new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  for (const el of document.querySelectorAll('time[datetime]')) {
    const at = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(at.getTime())) continue;
    el.title = el.textContent;
    el.textContent = format.format(at);
  }
  const zone = document.getElementById('zone');
  if (zone) zone.textContent = 'Times are shown in your time zone (' + format.resolvedOptions().timeZone + ').';
})();`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #55565e; --bg: #fff; --line: #d6d7dc; --accent: #1d4ed8; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --muted: #b3b4bc; --bg: #16171b; --line: #3a3b42; --accent: #93b4ff; } }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 42rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.25rem 0 0.75rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 2rem 0 0.5rem; }
.eyebrow, .note, footer { color: var(--muted); font-size: 0.9rem; }
.standing { font-weight: 600; border-left: 4px solid var(--accent); padding: 0.25rem 0 0.25rem 0.75rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1.25rem; margin: 1.25rem 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
ul, ol { padding-left: 1.25rem; } li { margin: 0.3rem 0; }
ol.timeline { list-style: none; padding-left: 0; }
ol.timeline time { color: var(--muted); margin-right: 0.5rem; }
a { color: var(--accent); }
footer { margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: 1rem; }
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy: nothing loads or runs but its own stylesheet and script, by hash. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · tierflow</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function clockLines(view: RequestStatusView): string[] {
  const lines: string[] = [];
  for (const kind of Object.keys(CLOCK_NAMES)) {
    const clock = view.clocks.filter((c) => c.tier === view.tier && c.kind === kind).at(-1);
    if (!clock) continue;
    const name = CLOCK_NAMES[kind]!;
    if (clock.state === 'paused') lines.push(`${name}: paused while we wait for your reply`);
    else if (clock.state === 'met') lines.push(`${name}: done`);
    else if (clock.dueAt && clock.state === 'running') lines.push(`${name}: due ${timeTag(clock.dueAt)}`);
    else if (clock.dueAt && clock.state === 'breached') lines.push(`${name}: was due ${timeTag(clock.dueAt)}; it has been raised to the next tier`);
  }
  return lines;
}

/** The words of a public timeline entry, or null for an entry a requester does not see. */
function publicWords(action: string, note: string | undefined): string | null {
  const words = Object.hasOwn(PUBLIC_ACTIONS, action) ? PUBLIC_ACTIONS[action]! : null;
  if (words === null || action !== 'priority') return words;
  // The priority note is written by the domain as "P3 → P1"; only that exact shape is read, never free text.
  const change = /^(P[1-4]) → (P[1-4])$/.exec(note ?? '');
  return change ? `Priority changed from ${change[1]} to ${change[2]}` : words;
}

/** The entries of the timeline a requester sees, oldest first: time and fixed words. */
export function publicTimeline(view: RequestStatusView): Array<{ at: string; words: string }> {
  return view.timeline.flatMap((entry) => {
    const words = publicWords(entry.action, entry.note);
    return words === null ? [] : [{ at: entry.at, words }];
  });
}

/** What {@link renderStatusPage} needs besides the status. */
export interface StatusPageContext {
  /** When the link the page was opened with stops working (epoch ms). */
  linkExpiresAt: number;
}

/**
 * The status page of one request.
 * @example reply.type('text/html').send(renderStatusPage(await gateway.status(id), { linkExpiresAt }))
 */
export function renderStatusPage(view: RequestStatusView, context: StatusPageContext): string {
  const tierName = TIER_NAMES[view.tier];
  const facts: Array<[string, string]> = [
    ['Request', `<code>${escapeHtml(view.id)}</code>`],
    ['Tier', escapeHtml(`Tier ${view.tier}${tierName ? ` (${tierName})` : ''}`)],
    ['Priority', escapeHtml(view.priority)],
    ['Type', escapeHtml(TYPES[view.type] ?? view.type)],
    ['System', view.system ? `<code>${escapeHtml(view.system)}</code>` : 'not known yet'],
  ];
  const standing = escapeHtml(Object.hasOwn(STANDING, view.status) ? STANDING[view.status]! : view.status);
  const reopen =
    view.status === 'resolved' && view.reopenUntil
      ? `<p>Not fixed after all? Say so in the Slack thread until ${timeTag(view.reopenUntil)} and it is reopened.</p>`
      : '';
  const clocks = clockLines(view);
  const links = [
    [safeHref(view.links.slackThread), 'The conversation in Slack (#it_help thread)'],
    [safeHref(view.links.gitlabIssue), 'The issue in the Corporate Security tracker'],
  ].filter((l): l is [string, string] => l[0] !== null);
  const timeline = publicTimeline(view);

  const body = [
    '<p class="eyebrow">IT &amp; security help request</p>',
    `<h1 dir="auto">${escapeHtml(view.summary)}</h1>`,
    `<p class="standing" role="status">${standing}</p>`,
    reopen,
    `<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    clocks.length ? `<h2>Targets</h2>\n<ul>${clocks.map((l) => `<li>${l}</li>`).join('')}</ul>` : '',
    '<p id="zone" class="note">Times are in UTC.</p>',
    links.length
      ? `<h2>Follow it</h2>\n<ul>${links.map(([href, text]) => `<li><a href="${escapeHtml(href)}" rel="noreferrer noopener">${escapeHtml(text)}</a></li>`).join('')}</ul>`
      : '',
    timeline.length
      ? `<h2>What has happened</h2>\n<ol class="timeline">${timeline.map((e) => `<li>${timeTag(e.at)}${escapeHtml(e.words)}</li>`).join('')}</ol>`
      : '',
    `<footer><p>Questions? Ask in <strong>#it_help</strong> on Slack, in your request's thread.</p>` +
      `<p>Anyone with this link can see this page, so keep it to yourself. It works until ${timeTag(new Date(context.linkExpiresAt).toISOString())}.</p></footer>`,
  ];
  return page(`Help request ${view.id}`, body.filter(Boolean).join('\n'));
}

/** Why the page cannot be shown. */
export type StatusPageProblem = 'invalid' | 'expired' | 'not_found' | 'unavailable';

const PROBLEMS: Readonly<Record<StatusPageProblem, { title: string; text: string }>> = {
  invalid: { title: 'This link is not valid', text: 'It may be incomplete or mistyped. Ask in #it_help on Slack for a new link to your request.' },
  expired: { title: 'This link has expired', text: 'Status links work for a limited time. Ask in #it_help on Slack for a new link to your request.' },
  not_found: { title: 'We could not find this request', text: 'Ask in #it_help on Slack and we will look into it.' },
  unavailable: { title: 'This page cannot be shown right now', text: 'The help desk is busy or restarting. Please try again in a minute.' },
};

/** The page of a link that cannot show its request: it never says more than the problem's title. */
export function renderProblemPage(problem: StatusPageProblem): string {
  const { title, text } = PROBLEMS[problem];
  return page(title, `<p class="eyebrow">IT &amp; security help request</p>\n<h1>${title}</h1>\n<p>${escapeHtml(text)}</p>`);
}
