/**
 * A read-only view of what tierflow posted to the Slack emulator, as HTML pages that look like
 * Slack: a channel with its messages and threads, a modal opened with `views.open`, and an index.
 * The emulator serves them at `/viewer` (`slack-emulator.ts`); here is rendering only, no I/O.
 *
 * Every text is hostile (a requester's summary reaches Slack as typed): it is HTML-escaped before
 * anything else happens (`slack-mrkdwn.ts`), the pages carry no script, and they are served under
 * {@link VIEWER_CSP}, so even a rendering mistake could not run or load anything.
 */
import { blocksHtml, textObjectHtml } from './slack-blocks-html.js';
import { escapeHtml, mrkdwnToHtml, type MrkdwnDirectory } from './slack-mrkdwn.js';
import type { SlackChannel, SlackEphemeral, SlackMessage, SlackThread, SlackView } from './slack-store.js';
import { VIEWER_CSS } from './slack-viewer-css.js';

export { escapeHtml, mrkdwnToHtml } from './slack-mrkdwn.js';

/** The Content-Security-Policy the viewer's pages are served with: inline styles and the emulator's own images, nothing else. */
export const VIEWER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Who is who in the workspace, for names, mentions and the channel list. */
export interface ViewerDirectory {
  /** Our bot's user id (shown as `tierflow`, with an APP badge). */
  botUserId: string;
  users: ReadonlyArray<{ id: string; name: string; realName?: string }>;
  usergroups: ReadonlyArray<{ id: string; handle: string }>;
  channels: ReadonlyArray<SlackChannel>;
}

/** Where the pages link to (the emulator serves them under `/viewer`). */
const base = '/viewer';
const channelHref = (id: string): string => `${base}/channels/${encodeURIComponent(id)}`;
const viewHref = (id: string): string => `${base}/views/${encodeURIComponent(id)}`;

const EMPTY: ViewerDirectory = { botUserId: '', users: [], usergroups: [], channels: [] };

/** The user's name as `users.info` gives it (unknown ids are their lowercased id, as the emulator answers). */
function userName(dir: ViewerDirectory, id: string): string {
  if (id === dir.botUserId) return 'tierflow';
  return dir.users.find((u) => u.id === id)?.name ?? id.toLowerCase();
}

function mrkdwnDirectory(dir: ViewerDirectory): MrkdwnDirectory {
  return {
    userName: (id) => userName(dir, id),
    groupHandle: (id) => dir.usergroups.find((g) => g.id === id)?.handle,
    channelName: (id) => dir.channels.find((c) => c.id === id)?.name,
  };
}

/** `HH:MM` (UTC) of a Slack ts, and its full instant for the tooltip. */
function timeOf(ts: string): { short: string; full: string } {
  const ms = Math.floor(Number(ts.split('.')[0]) * 1000);
  if (!Number.isFinite(ms)) return { short: '', full: ts };
  const iso = new Date(ms).toISOString();
  return { short: iso.slice(11, 16), full: `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` };
}

/** Avatar initials and one of eight colours, stable per user. */
function avatar(name: string, id: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const initials = (words.length > 1 ? `${words[0]![0]}${words[1]![0]}` : (words[0] ?? '?').slice(0, 2)).toUpperCase();
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `<div class="avatar c${hash % 8}" aria-hidden="true">${escapeHtml(initials)}</div>`;
}

const fileHref = (id: string): string => `${base}/files/${encodeURIComponent(id)}`;

/** An uploaded file: an image shown from the emulator (PNG, JPEG, GIF), anything else by its title. */
function fileHtml(file: Record<string, unknown>): string {
  const id = typeof file.id === 'string' ? file.id : '';
  const title = escapeHtml(typeof file.title === 'string' ? file.title : typeof file.name === 'string' ? file.name : id);
  const alt = escapeHtml(typeof file.alt_txt === 'string' ? file.alt_txt : typeof file.title === 'string' ? file.title : '');
  const image = typeof file.mimetype === 'string' && /^image\/(png|jpeg|gif)$/.test(file.mimetype);
  const shown = image ? `<img src="${fileHref(id)}" alt="${alt}">` : '';
  return `<figure class="file">${shown}<figcaption>${title}</figcaption></figure>`;
}

/** What a message shows: its blocks when it has some, else its text; attachments and files after. */
function contentHtml(m: Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'files'>, dir: MrkdwnDirectory): string {
  const main = m.blocks && m.blocks.length > 0 ? blocksHtml(m.blocks, dir) : `<div class="text">${mrkdwnToHtml(m.text, dir)}</div>`;
  const attachments = (m.attachments ?? []).map((a) => {
    const att = (a ?? {}) as { text?: unknown; blocks?: unknown; fallback?: unknown };
    const inner = Array.isArray(att.blocks) ? blocksHtml(att.blocks, dir) : typeof att.text === 'string' ? mrkdwnToHtml(att.text, dir) : '';
    return `<div class="attachment">${inner}</div>`;
  });
  return main + attachments.join('') + (m.files ?? []).map(fileHtml).join('');
}

function messageHtml(m: SlackMessage, dir: ViewerDirectory): string {
  const name = userName(dir, m.user);
  const when = timeOf(m.ts);
  const badge = m.bot_id ? '<span class="app">APP</span>' : '';
  const edited = m.edited ? '<span class="edited">(edited)</span>' : '';
  const event = m.metadata ? `<span class="event" title="metadata event type">${escapeHtml(m.metadata.event_type)}</span>` : '';
  return `<div class="msg" id="m-${escapeHtml(m.ts)}">${avatar(name, m.user)}<div class="body"><div class="meta"><span class="name">${escapeHtml(name)}</span>${badge}<time title="${escapeHtml(when.full)}">${escapeHtml(when.short)}</time>${edited}${event}</div>${contentHtml(m, mrkdwnDirectory(dir))}</div></div>`;
}

function threadHtml({ parent, replies }: SlackThread, dir: ViewerDirectory): string {
  const count = replies.length;
  const thread =
    count > 0
      ? `<div class="thread"><div class="thread-head">${count} ${count === 1 ? 'reply' : 'replies'}</div>${replies.map((r) => messageHtml(r, dir)).join('')}</div>`
      : '';
  return `<section class="conversation" id="t-${escapeHtml(parent.ts)}">${messageHtml(parent, dir)}${thread}</section>`;
}

function ephemeralHtml(e: SlackEphemeral, dir: ViewerDirectory): string {
  const when = timeOf(e.message_ts);
  const to = escapeHtml(userName(dir, e.user));
  return `<div class="msg ephemeral">${avatar('tierflow', dir.botUserId)}<div class="body"><div class="meta"><span class="name">tierflow</span><span class="app">APP</span><time title="${escapeHtml(when.full)}">${escapeHtml(when.short)}</time><span class="edited">Only visible to @${to}</span></div>${contentHtml(e, mrkdwnDirectory(dir))}</div></div>`;
}

/** The workspace sidebar: every known channel, the current one marked. */
function sidebar(dir: ViewerDirectory, current?: string): string {
  const items = dir.channels.map((c) => {
    const here = c.id === current ? ' class="current" aria-current="page"' : '';
    const archived = c.archived ? ' <small>(archived)</small>' : '';
    return `<li><a href="${channelHref(c.id)}"${here}># ${escapeHtml(c.name)}${archived}</a></li>`;
  });
  return `<nav class="sidebar"><a class="workspace" href="${base}">tierflow sandbox</a><div class="section-title">Channels</div><ul>${items.join('')}</ul></nav>`;
}

function page(title: string, main: string, dir: ViewerDirectory, current?: string): string {
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(title)} · Slack sandbox</title><style>${VIEWER_CSS}</style></head>`,
    `<body><div class="app-frame">${sidebar(dir, current)}<main>${main}</main></div></body></html>`,
  ].join('');
}

/** What {@link renderChannel} draws. */
export interface ChannelPage {
  channel: SlackChannel;
  /** Members as invited (a created channel's creator first); empty for a configured channel, which everyone is in. */
  members: readonly string[];
  /** Top-level messages with their replies, oldest first. */
  threads: readonly SlackThread[];
  /** `chat.postEphemeral` deliveries in the channel. */
  ephemerals?: readonly SlackEphemeral[];
  directory: ViewerDirectory;
}

/**
 * A channel as Slack would show it: name, topic and members on top, then every top-level message
 * with its thread replies under it, and the ephemeral messages last.
 * @example renderChannel({ channel: { id: 'C0ITHELP', name: 'it_help' }, members: [], threads: slack.threads('C0ITHELP'), directory })
 */
export function renderChannel(input: ChannelPage): string {
  const { channel, directory: dir } = input;
  const md = mrkdwnDirectory(dir);
  const topic = channel.topic ? `<div class="topic">${mrkdwnToHtml(channel.topic, md)}</div>` : '';
  const members =
    input.members.length > 0
      ? `<div class="members">${input.members.length} ${input.members.length === 1 ? 'member' : 'members'}: ${input.members.map((u) => `<span class="mention">@${escapeHtml(userName(dir, u))}</span>`).join(' ')}</div>`
      : '<div class="members">Everyone in the workspace</div>';
  const head = `<header class="channel-head"><h1># ${escapeHtml(channel.name)}${channel.archived ? ' <small>(archived)</small>' : ''}</h1>${topic}${members}</header>`;
  const threads = input.threads.map((t) => threadHtml(t, dir)).join('');
  const ephemerals = (input.ephemerals ?? []).map((e) => ephemeralHtml(e, dir)).join('');
  const empty = input.threads.length === 0 && ephemerals === '' ? '<p class="empty">Nothing was posted here yet.</p>' : '';
  const only = ephemerals ? `<h2 class="divider-title">Only visible to one person</h2>${ephemerals}` : '';
  return page(`#${channel.name}`, `${head}<div class="messages">${threads}${empty}${only}</div>`, dir, channel.id);
}

/**
 * A modal as `views.open` received it: title, blocks (inputs with their selects and text fields),
 * and the close and submit buttons.
 * @example renderView(slack.views[0]!, directory)
 */
export function renderView(opened: SlackView, directory: ViewerDirectory = EMPTY): string {
  const md = mrkdwnDirectory(directory);
  const view = (opened.view ?? {}) as { title?: unknown; submit?: unknown; close?: unknown; blocks?: unknown; callback_id?: unknown };
  const title = textObjectHtml(view.title, md) || 'Modal';
  const close = view.close ? textObjectHtml(view.close, md) : 'Cancel';
  const submit = view.submit ? `<span class="btn primary">${textObjectHtml(view.submit, md)}</span>` : '';
  const blocks = Array.isArray(view.blocks) ? blocksHtml(view.blocks, md) : '';
  const callback = typeof view.callback_id === 'string' ? ` · callback_id <code>${escapeHtml(view.callback_id)}</code>` : '';
  const about = `<p class="about">views.open <code>${escapeHtml(opened.id)}</code>${callback}</p>`;
  const modal = `<div class="modal" role="dialog" aria-labelledby="modal-title"><div class="modal-head"><h1 id="modal-title">${title}</h1><span class="x" aria-hidden="true">×</span></div><div class="modal-body">${blocks}</div><div class="modal-foot"><span class="btn">${close}</span>${submit}</div></div>`;
  return page(`Modal ${opened.id}`, `<div class="overlay">${about}${modal}</div>`, directory);
}

/** What {@link renderIndex} lists. */
export interface IndexPage {
  channels: ReadonlyArray<{ channel: SlackChannel; messages: number }>;
  views: readonly SlackView[];
  directory: ViewerDirectory;
}

/** The viewer's front page: every channel (with how many messages it holds) and every modal opened. */
export function renderIndex(input: IndexPage): string {
  const md = mrkdwnDirectory(input.directory);
  const rows = input.channels.map(
    ({ channel, messages }) =>
      `<tr><td><a href="${channelHref(channel.id)}"># ${escapeHtml(channel.name)}</a></td><td><code>${escapeHtml(channel.id)}</code></td><td>${messages}</td><td>${channel.topic ? mrkdwnToHtml(channel.topic, md) : ''}</td></tr>`,
  );
  const views = input.views.map((v) => {
    const title = textObjectHtml((v.view as { title?: unknown } | null)?.title, md) || 'Modal';
    return `<li><a href="${viewHref(v.id)}">${title}</a> <code>${escapeHtml(v.id)}</code></li>`;
  });
  const main = [
    '<header class="channel-head"><h1>What tierflow posted in Slack</h1><div class="topic">The sandbox Slack emulator, read-only. Reload to see new messages.</div></header>',
    '<div class="index"><h2>Channels</h2>',
    `<table><thead><tr><th>Channel</th><th>Id</th><th>Messages</th><th>Topic</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<h2>Modals opened</h2>${views.length > 0 ? `<ul>${views.join('')}</ul>` : '<p class="empty">No modal was opened yet.</p>'}</div>`,
  ].join('');
  return page('Slack', main, input.directory);
}

/** The page for an id the emulator does not know. */
export function renderNotFound(what: string, directory: ViewerDirectory = EMPTY): string {
  return page(
    'Not found',
    `<header class="channel-head"><h1>Not found</h1><div class="topic">${escapeHtml(what)}</div></header><p class="empty"><a href="${base}">All channels and modals</a></p>`,
    directory,
  );
}
