/**
 * GitLab issue and note text for requests. User text is made inert with {@link inertGitlab}
 * (description, notes: multi-line) or {@link inertGitlabLine} (title, header facts, names: one
 * line); the only mentions are GitLab groups from the configuration (the system owners, the tier
 * groups), and the only HTML our markers, written by us. The tracker's issue templates are trusted
 * text: their quick actions (`/label`, `/assign`) must run, so they are written as they are.
 * Every text we write ends with a hidden marker (an HTML comment) that ties it to its request or
 * effect, so a retried activity can find what an earlier attempt already wrote.
 */
import type { RequestEvent, RequestState, SystemRef } from '../domain/request.js';
import { neutraliseInvisible, plainLine } from '../domain/text-safety.js';
import { effectMarker, requestMarkerComment } from '../contracts/tracker-marker.js';
import { eventHeadline, TIER_NAMES, truncate } from './event-text.js';
import { isTemplateName, isUsername, splitTemplate, type IssueTemplate } from './tracker-templates.js';

const ZWSP = '\u200b';

/** Longest user note quoted in a GitLab note, and longest description copied into an issue. */
export const MAX_NOTE_CHARS = 10_000;
/** GitLab's limit for issue titles. */
export const MAX_TITLE_CHARS = 255;

// Bare URLs are autolinked by GitLab and references inside links are not processed, so reference
// prefixes inside them are left alone (a `#` fragment or `%20` must keep working). `@` and
// parentheses end a URL here, so a mention can never hide in one.
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()@"'`]+/gi;

function outsideUrls(text: string, fn: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL)) {
    out += fn(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + fn(text.slice(last));
}

// `@` preceded by a letter, digit or `_` is never a mention for GitLab (`(?<!\w)@`); if a dotted
// domain follows, it is an email address, kept intact so it can be copied. Anything else breaks.
function breakAt(text: string): string {
  return text.replace(/@(?=[\w.\-/])/g, (at: string, offset: number) => {
    const before = text[offset - 1];
    const isEmail = before !== undefined && /\w/.test(before) && /^@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/.test(text.slice(offset));
    return isEmail ? at : `@${ZWSP}`;
  });
}

/**
 * Fenced code blocks GitLab hands to a renderer that fetches or executes something instead of
 * showing the text: Mermaid (client-side, can load links), PlantUML and Kroki (server-side
 * rendering, `!include http://…`), Graphviz, math (KaTeX), and Kroki's other diagram types.
 * https://docs.gitlab.com/user/markdown/#diagrams-and-flowcharts
 */
const RENDERED_LANGUAGES = [
  'mermaid',
  'plantuml',
  'kroki',
  'math',
  'graphviz',
  'dot',
  'c4plantuml',
  'd2',
  'dbml',
  'ditaa',
  'erd',
  'excalidraw',
  'nomnoml',
  'pikchr',
  'structurizr',
  'svgbob',
  'symbolator',
  'tikz',
  'umlet',
  'vega',
  'vegalite',
  'wavedrom',
  'wireviz',
  'bpmn',
  'bytefield',
  'blockdiag',
  'seqdiag',
  'actdiag',
  'nwdiag',
  'packetdiag',
  'rackdiag',
  'diagramsnet',
];
// A fence (a whole run of 3+ backticks or tildes) whose info string starts with one of those words
// (case-insensitive, after spaces and up to two punctuation marks: `{mermaid}`, `plantuml:x`): a
// U+200B goes right after the fence, so the info string's first word is no longer a renderer's name
// and the block shows as plain code. Any fence on a line counts (not only at a line start), which
// covers fences in quotes and list items. Linear: a match starts only where a run starts, takes the
// whole run, and looks ahead a bounded distance.
const RENDERED_FENCE = new RegExp(`(?<![\`~])(\`{3,}|~{3,})(?![\`~])(?=[^\\S\\n]*[^\\w\\s]{0,2}(?:${RENDERED_LANGUAGES.join('|')})\\b)`, 'gi');

/**
 * Makes user text inert in GitLab Markdown, keeping what a reader sees unchanged (a zero-width
 * space, U+200B, is inserted where a sequence would otherwise act). First of all,
 * {@link neutraliseInvisible} removes what the user hid (zero-width, bidi and tag characters,
 * controls), so the U+200B we insert afterwards are ours alone.
 * - **Quick actions**: GitLab runs `/close`, `/assign @x`, `/label ~y`, ... (any case) in issue
 *   descriptions and notes, including those created through the API, when the line *starts* with
 *   `/` (`Gitlab::QuickActions::Extractor`: `^\/cmd`, after deleting `\r`). Lines indented or
 *   quoted with `>` do not run today; we break them too, so a parser change cannot arm them.
 * - **Mentions** `@user`, `@group/sub`, `@all` notify people: every `@` that could start one is
 *   broken; `name@example.com` stays an email address.
 * - **References** `#12`, `group/project#12`, `!12`, `$12`, `&12`, `~label`, `~"a b"`, `%milestone`,
 *   `*iteration:`, `[vulnerability:…]`/`[contact:…]`-style links: cross-references add "mentioned
 *   in" system notes to other issues, merge requests and epics; labels and milestones only link,
 *   broken anyway. Left alone inside bare URLs (see above).
 * - **Entities**: `&#64;` or `&commat;` would render as `@` and mention; an entity-like `&` is
 *   written as `&amp;`, so the text shows as typed.
 * - **HTML**: every `<` is written `&lt;`, so no tag of the user's renders (`<img>` tracking pixels,
 *   `<a href>` hiding its target, `<details>` folding text away), no comment hides the rest of the
 *   text or forges our markers (`<!--`), and no `<http://…>` autolink exists (a bare URL still
 *   autolinks, showing its target).
 * - **Images and links**: `![` (images, videos, audio: remote fetches by every reader's browser),
 *   `](` (inline links), `][` (reference links) and `]:` (reference definitions, in any container)
 *   are broken, so `[https://good.example](https://evil.example)` shows both URLs as typed.
 * - **Renderers**: fenced blocks for Mermaid, PlantUML, Kroki, Graphviz and math show as plain code
 *   (see `RENDERED_LANGUAGES`); `$$` and `` $` `` (inline and display math) are broken too.
 * Not covered: external tracker ids (`JIRA-123`, only with an integration) and bare commit SHAs
 * (the tracker project has no commits); code spans show the U+200B and the `&amp;`/`&lt;` escapes
 * literally (the price of not parsing Markdown to find them).
 * @example inertGitlab('/close\nping @alice') // '\u200b/close\nping @\u200balice'
 * @example inertGitlab('![x](http://t.example/p.png) <img src=x>') // '!\u200b[x]\u200b(http://t.example/p.png) &lt;img src=x>'
 */
export function inertGitlab(text: string): string {
  const safe = neutraliseInvisible(text)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/^([^\S\n]*(?:>[^\S\n]*)*)\//gm, `$1${ZWSP}/`)
    .replace(/!(?=\[)|\](?=[([:])|\$(?=[$`])/g, `$&${ZWSP}`)
    .replace(RENDERED_FENCE, `$1${ZWSP}`);
  return outsideUrls(breakAt(safe), (part) =>
    part
      .replace(/([#!$&])(?=\d)/g, `$1${ZWSP}`)
      .replace(/([~%])(?=["\w*])/g, `$1${ZWSP}`)
      .replace(/\*(?=iteration:)/gi, `*${ZWSP}`)
      .replace(/\[(?=[a-z_]+:)/gi, `[${ZWSP}`),
  );
}

/**
 * User text for a one-line field (the title, a fact of the issue header, a name in a headline):
 * {@link plainLine} first, so a line break can never start a forged `**Priority:**` line, then
 * {@link inertGitlab}.
 * @example inertGitlabLine('Ada\n**Priority:** P1') // 'Ada **Priority:** P1'
 */
export function inertGitlabLine(text: string): string {
  return inertGitlab(plainLine(text));
}

/** `@group/path` for a GitLab group (or user) path from the configuration; null when it is not a plain GitLab path. */
export function gitlabMention(path: string | null | undefined): string | null {
  const plain = path?.trim().replace(/^@/, '');
  return plain && /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/.test(plain) ? `@${plain}` : null;
}

/** `@group/path` of the system owners, from the registry; null when it is not a plain GitLab path. */
export function ownersMention(system: SystemRef | null): string | null {
  return gitlabMention(system?.gitlabOwners);
}

/**
 * The `cc` line mentioning each valid GitLab path once, in the order given; null when none is valid.
 * @example ccLine(['corp/sys/okta', '@corp/sys/okta', 'bad path']) // 'cc @corp/sys/okta'
 */
export function ccLine(paths: readonly string[]): string | null {
  const mentions = [...new Set(paths.map(gitlabMention).filter((m): m is string => m !== null))];
  return mentions.length > 0 ? `cc ${mentions.join(' ')}` : null;
}

/** The issue title: `[request id] summary` on one line, within GitLab's 255 characters. */
export function issueTitle(state: RequestState): string {
  return truncate(`[${state.id}] ${inertGitlabLine(state.summary)}`, MAX_TITLE_CHARS);
}

const quote = (text: string): string =>
  inertGitlab(truncate(text.trim(), MAX_NOTE_CHARS))
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');

/** What {@link issueDescription} adds to the built-in body. */
export interface IssueBodyOptions {
  /** The template the issue opens from (absent or null: the built-in body alone). */
  template?: IssueTemplate | null;
  /** Usernames to unassign (the previous system's template assignees, on reassign). */
  unassign?: readonly string[];
  /** The `**Why here:**` line of tierflow's earlier description, kept as written (already inert). */
  whyHereLine?: string | null;
}

// The facts: a description's lines up to its first blank line, all one-line facts tierflow wrote
// (a requester's text comes after, so a line of it cannot pass for a fact).
const factsOf = (description: string | null | undefined): string => (description ?? '').replace(/\r/g, '').split('\n\n')[0] ?? '';

/** The `**Why here:**` line of a description tierflow wrote, or null. */
export function whyHereLine(description: string | null | undefined): string | null {
  return /^\*\*Why here:\*\* [^\n]*$/m.exec(factsOf(description))?.[0] ?? null;
}

/** The template a description tierflow wrote was opened from (the `**Issue template:**` fact ending its system line), or null. */
export function templateNameOf(description: string | null | undefined): string | null {
  const name = /^\*\*System:\*\* [^\n]* · \*\*Issue template:\*\* ([^\n·]+)$/m.exec(factsOf(description))?.[1] ?? null;
  return name && isTemplateName(name) ? name : null;
}

/**
 * The issue description: the request's facts, the owners mentioned (opening the issue is how a
 * request reaches the system owners), the template's text, the requester's description (inert),
 * the template's quick actions each on a line of its own (see {@link splitTemplate}) and the
 * request marker. Each fact is one line whatever the user wrote ({@link inertGitlabLine}): a summary
 * or a name with a line break in it cannot add a `**Priority:**` line of its own.
 */
export function issueDescription(state: RequestState, reason: string, slackThread: string | null, opts: IssueBodyOptions = {}): string {
  const owners = ownersMention(state.system) ?? 'Corporate Security triage';
  const system = state.system ? inertGitlabLine(state.system.name) : 'unknown';
  const name = plainLine(state.requester.name ?? '');
  const { email } = state.requester;
  const template = opts.template ? splitTemplate(opts.template.content) : { body: '', actions: [] };
  const templateName = opts.template?.name.trim() ?? '';
  const unassign = (opts.unassign ?? []).filter(isUsername);
  const actions = [...(unassign.length > 0 ? [`/unassign ${unassign.map((user) => `@${user}`).join(' ')}`] : []), ...template.actions];
  return [
    `**Request:** ${inertGitlabLine(state.summary)}`,
    `**Requester:** ${inertGitlabLine(name ? `${name} <${email}>` : email)}`,
    `**Type:** ${state.type} · **Priority:** ${state.priority} · **Tier:** ${state.tier} (${TIER_NAMES[state.tier]})`,
    `**System:** ${system} · **Owners:** ${owners}${isTemplateName(templateName) ? ` · **Issue template:** ${templateName}` : ''}`,
    opts.whyHereLine ?? `**Why here:** ${inertGitlabLine(reason)}`,
    slackThread && /^https:\/\/[^\s<>()]+$/.test(slackThread) ? `**Slack thread:** ${slackThread}` : '',
    '',
    ...(template.body ? [template.body, ''] : []),
    '### Description',
    '',
    inertGitlab(truncate(state.description.trim(), MAX_NOTE_CHARS)) || '(none given)',
    '',
    ...(actions.length > 0 ? [...actions, ''] : []),
    requestMarkerComment(state.id),
  ].join('\n');
}

/** What {@link trackerNoteText} needs besides the state and the event. */
export interface TrackerNoteOptions {
  effectId: string;
  note?: string;
  /** GitLab group paths to cc, exactly these (valid ones, once each); when given, `mentionOwners` is not read. */
  mentions?: readonly string[];
  /** Without `mentions`: mention the system owners (escalations into a tier the issue was not at yet). */
  mentionOwners?: boolean;
  /** Epoch ms the note is written. */
  now: number;
}

/**
 * A note on the tracker issue for one event: the headline in bold, the note quoted (inert), a `cc`
 * line (the `mentions` given, else the owners when asked), and the effect marker last.
 * @example trackerNoteText(state, 'escalated', { effectId: 'REQ-1#4', note: 'breach', mentionOwners: true, now })
 * // '**Escalated to Tier 4 (automation engineering)**\n\n> breach\n\ncc @okta-owners\n\n<!-- tierflow-effect: REQ-1#4 -->'
 */
export function trackerNoteText(state: RequestState, event: RequestEvent, opts: TrackerNoteOptions): string {
  const headline = eventHeadline(state, event, { escape: inertGitlabLine, person: inertGitlabLine, now: opts.now });
  const parts = [`**${headline}**`];
  if (opts.note && neutraliseInvisible(opts.note).trim()) parts.push(quote(opts.note));
  const cc = opts.mentions ? ccLine(opts.mentions) : opts.mentionOwners ? ccLine([state.system?.gitlabOwners ?? '']) : null;
  if (cc) parts.push(cc);
  parts.push(effectMarker(opts.effectId));
  return parts.join('\n\n');
}
