/**
 * GitLab quick actions as the emulator runs them on issue create, issue description edit and note
 * create, following `Gitlab::QuickActions::Extractor`: after deleting `\r`, a line that starts with
 * `/command` (a known name, any case) runs and is removed from the stored text with the blank lines
 * after it. Lines that do not start with `/` (indented, quoted, or broken with a zero-width space as
 * tierflow does with user text) never run, so the emulator checks that user text stays inert.
 *
 * Like GitLab, commands do not run inside the regions its extractor skips, tried at every line start
 * before a command: a fenced block (a line of three backticks to a later line of exactly three), a
 * stretch from a line start across lines to a backtick and on to a later line *ending* with a
 * backtick (GitLab's "inline code" rule, which spans lines: one code span at a line's end in text
 * after a command is enough to hide it), an HTML block (a line that is one tag, to a later line that
 * is a closing tag) and a `>>>` quote. So the emulator also shows when a text's layout would keep
 * GitLab from running a template's quick actions. Unknown commands stay in the text, as in GitLab.
 * https://docs.gitlab.com/user/project/quick_actions/
 */

/** One recognised quick action, with its arguments parsed. */
export type QuickAction =
  | { kind: 'label'; labels: string[] }
  /** `/unlabel` without labels removes every label. */
  | { kind: 'unlabel'; labels: string[] | 'all' }
  /** Usernames (no `@`); `me` is the acting user. Group paths (`@a/b`) assign nobody. */
  | { kind: 'assign'; usernames: string[] }
  /** `/unassign` without users removes every assignee. */
  | { kind: 'unassign'; usernames: string[] | 'all' }
  | { kind: 'close' }
  | { kind: 'reopen' }
  | { kind: 'title'; title: string };

const ALIASES: Readonly<Record<string, QuickAction['kind']>> = {
  label: 'label',
  labels: 'label',
  unlabel: 'unlabel',
  remove_label: 'unlabel',
  assign: 'assign',
  unassign: 'unassign',
  close: 'close',
  reopen: 'reopen',
  open: 'reopen',
  title: 'title',
};

const endOfLine = (text: string, at: number): number => {
  const cut = text.indexOf('\n', at);
  return cut < 0 ? text.length : cut;
};
const atLineEnd = (text: string, at: number): boolean => at === text.length || text[at] === '\n';

/** The end of the first line from `from` on (a `\n` at `from` or later) that `accepts`, or -1. */
function closingLine(text: string, open: string, from: number, accepts: (lineStart: number) => number): number {
  for (let cut = text.indexOf(`\n${open}`, from); cut >= 0; cut = text.indexOf(`\n${open}`, cut + 1)) {
    const end = accepts(cut + 1);
    if (end >= 0) return end;
  }
  return -1;
}

/**
 * The regions GitLab's extractor skips and its commands, found in one pass: at each line start the
 * first that applies wins (fence, inline code, HTML block, `>>>` quote, command), as in GitLab's
 * alternation, whose backtracking regular expression this computes in linear time (the emulator
 * must not hang on a long hostile text).
 */
class Extractor {
  private readonly backticks: number[] = [];
  /** The last backtick that ends a line: where every inline-code region ends. */
  private readonly lastCloser: number;
  private nextBacktick = 0;

  constructor(private readonly text: string) {
    let last = -1;
    for (let i = text.indexOf('`'); i >= 0; i = text.indexOf('`', i + 1)) {
      this.backticks.push(i);
      if (atLineEnd(text, i + 1)) last = i;
    }
    this.lastCloser = last;
  }

  /** ```` ``` ```` at the line start, to a later line that is exactly ```` ``` ````. */
  fence(at: number): number {
    const { text } = this;
    if (!text.startsWith(FENCE, at)) return -1;
    return closingLine(text, FENCE, at + 4, (line) => (atLineEnd(text, line + 3) ? line + 3 : -1));
  }

  /** From the line start to the last line ending with a backtick, when a backtick comes first (at least a character before it). */
  inlineCode(at: number): number {
    while (this.nextBacktick < this.backticks.length && this.backticks[this.nextBacktick]! < at) this.nextBacktick += 1;
    const first = this.backticks[this.nextBacktick];
    return first !== undefined && this.lastCloser >= 0 && first <= this.lastCloser - 2 ? this.lastCloser + 1 : -1;
  }

  /** A line that is one `<tag>` (no `>` inside), to a later line that is one `</tag>`. */
  html(at: number): number {
    const { text } = this;
    if (text[at] !== '<') return -1;
    const close = text.indexOf('>', at + 1);
    if (close < at + 2 || text[close + 1] !== '\n') return -1;
    return closingLine(text, '</', close + 3, (line) => {
      const end = text.indexOf('>', line + 2);
      return end >= line + 3 && atLineEnd(text, end + 1) ? end + 1 : -1;
    });
  }

  /** A `>>>` line, to a later line that is exactly `>>>`. */
  quote(at: number): number {
    const { text } = this;
    if (!text.startsWith('>>>', at)) return -1;
    return closingLine(text, '>>>', at + 4, (line) => (atLineEnd(text, line + 3) ? line + 3 : -1));
  }

  /** `/name` or `/name args` on the line, with the blank lines after it; null when it is no known command. */
  command(at: number): { end: number; action: QuickAction } | null {
    const { text } = this;
    const eol = endOfLine(text, at);
    const match = /^\/([^\s/]+)([^\n]*)$/.exec(text.slice(at, eol));
    const kind = match ? ALIASES[match[1]!.toLowerCase()] : undefined;
    if (!match || !kind) return null;
    const rest = match[2]!;
    // After the name: nothing, a space and the arguments, or white space up to a line break.
    if (rest !== '' && !rest.startsWith(' ') && !(/^\s*$/.test(rest) && eol < text.length)) return null;
    let end = eol;
    for (let i = eol; i < text.length && /\s/.test(text[i]!); i += 1) if (text[i] === '\n') end = i + 1;
    return { end, action: parse(kind, rest.startsWith(' ') ? rest.slice(1) : '') };
  }
}

const FENCE = '```';

/** `~"a b"`, `~x` or a bare `x`. */
function parseLabels(args: string): string[] {
  return [...args.matchAll(/~"([^"]+)"|~([^\s~"]+)|"([^"]+)"|([^\s~"]+)/g)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim()).filter(Boolean);
}

/** `@user` or `user`; `me` stays `me`; a group path (with `/`) is no user. */
function parseUsers(args: string): string[] {
  return args
    .split(/[\s,]+/)
    .map((token) => token.replace(/^@/, ''))
    .filter((name) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name));
}

function parse(kind: QuickAction['kind'], args: string): QuickAction {
  switch (kind) {
    case 'label':
      return { kind, labels: parseLabels(args) };
    case 'unlabel':
      return { kind, labels: args.trim() ? parseLabels(args) : 'all' };
    case 'assign':
      return { kind, usernames: parseUsers(args) };
    case 'unassign':
      return { kind, usernames: args.trim() ? parseUsers(args) : 'all' };
    case 'title':
      return { kind, title: args.trim() };
    default:
      return { kind };
  }
}

/**
 * The quick actions of `text`, in order, and the text without their lines (GitLab also deletes
 * `\r` and trailing white space then).
 * @example extractQuickActions('Hi\n/close\n\u200b/assign @x') // { text: 'Hi\n\u200b/assign @x', actions: [{ kind: 'close' }] }
 */
export function extractQuickActions(text: string): { text: string; actions: QuickAction[] } {
  const source = text.replace(/\r/g, '');
  const scan = new Extractor(source);
  const actions: QuickAction[] = [];
  let kept = '';
  let from = 0;
  for (let at = 0; at <= source.length;) {
    const skipped = [scan.fence(at), scan.inlineCode(at), scan.html(at), scan.quote(at)].find((end) => end >= 0);
    if (skipped !== undefined) {
      at = skipped + 1;
      continue;
    }
    const command = scan.command(at);
    if (command) {
      kept += source.slice(from, at);
      actions.push(command.action);
      from = at = command.end;
      continue;
    }
    at = endOfLine(source, at) + 1;
  }
  return { text: (kept + source.slice(from)).trimEnd(), actions };
}

/** What quick actions act on: an issue's labels, assignees (by username), state and title. */
export interface QuickActionTarget {
  labels: string[];
  assignees: string[];
  state: 'opened' | 'closed';
  title: string;
}

/**
 * The target after `actions`, in order. Assigning adds to the assignees (GitLab Premium's multiple
 * assignees); a label is added with `addLabel` (scoped labels evict their scope, as in GitLab).
 */
export function applyQuickActions(
  target: QuickActionTarget,
  actions: QuickAction[],
  opts: { actor: string; addLabel: (labels: string[], label: string) => string[] },
): QuickActionTarget {
  const next = { ...target, labels: [...target.labels], assignees: [...target.assignees] };
  const users = (names: string[]) => names.map((name) => (name === 'me' ? opts.actor : name));
  for (const action of actions) {
    switch (action.kind) {
      case 'label':
        for (const label of action.labels) next.labels = opts.addLabel(next.labels, label);
        break;
      case 'unlabel':
        next.labels = action.labels === 'all' ? [] : next.labels.filter((l) => !(action.labels as string[]).includes(l));
        break;
      case 'assign':
        for (const name of users(action.usernames)) if (!next.assignees.includes(name)) next.assignees.push(name);
        break;
      case 'unassign': {
        const gone = action.usernames === 'all' ? next.assignees : users(action.usernames);
        next.assignees = next.assignees.filter((name) => !gone.includes(name));
        break;
      }
      case 'close':
        next.state = 'closed';
        break;
      case 'reopen':
        next.state = 'opened';
        break;
      case 'title':
        if (action.title) next.title = action.title.slice(0, 255);
        break;
    }
  }
  return next;
}
