/**
 * In-memory state of the GitLab emulator: projects, issues and notes stored in the JSON shapes of
 * GitLab's REST API v4, with the list filters and offset pagination the API applies, and the quick
 * actions GitLab runs in issue descriptions and notes.
 */
import { applyQuickActions, extractQuickActions, type QuickAction } from './gitlab-quick-actions.js';

/** A GitLab user as embedded in issues and notes. */
export interface GitlabUser {
  id: number;
  username: string;
  name: string;
  state: 'active';
  avatar_url: null;
  web_url: string;
}

/** A project (`GET /projects/:id`). */
export interface GitlabProject {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  name_with_namespace: string;
  namespace: { id: number; name: string; path: string; kind: 'group'; full_path: string };
  web_url: string;
  default_branch: string;
  visibility: 'private';
  issues_enabled: true;
}

/** An issue in GitLab's JSON shape (the fields tierflow and gitbeaker read). */
export interface GitlabIssue {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: GitlabUser | null;
  /** Label names, sorted. A scoped label (`tier::3`) replaces another of the same scope. */
  labels: string[];
  milestone: null;
  assignees: GitlabUser[];
  assignee: GitlabUser | null;
  author: GitlabUser;
  type: 'ISSUE';
  issue_type: 'issue';
  user_notes_count: number;
  merge_requests_count: number;
  upvotes: number;
  downvotes: number;
  due_date: null;
  confidential: boolean;
  discussion_locked: null;
  web_url: string;
  references: { short: string; relative: string; full: string };
  _links: { self: string; notes: string; award_emoji: string; project: string };
}

/** A note (comment) on an issue. */
export interface GitlabNote {
  id: number;
  type: null;
  body: string;
  attachment: null;
  author: GitlabUser;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'Issue';
  noteable_iid: number;
  project_id: number;
  resolvable: false;
  confidential: boolean;
  internal: boolean;
}

interface ProjectState {
  project: GitlabProject;
  issues: GitlabIssue[];
  notes: Map<number, GitlabNote[]>;
}

/** Splits `a,b` (or takes an array) into trimmed, distinct label names. */
export function parseLabels(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(parts.map((l) => l.trim()).filter((l) => l !== ''))];
}

/** Adds labels the way GitLab does: a scoped label (`scope::value`) evicts others of its scope. */
export function addLabels(existing: string[], added: string[]): string[] {
  let out = [...existing];
  for (const label of added) {
    const cut = label.lastIndexOf('::');
    if (cut > 0) out = out.filter((l) => !(l.lastIndexOf('::') > 0 && l.slice(0, l.lastIndexOf('::')) === label.slice(0, cut)));
    if (!out.includes(label)) out.push(label);
  }
  return out.sort();
}

/** Mutable emulator state. */
export class GitlabStore {
  private projects: ProjectState[] = [];
  private nextIssueId = 1;
  private nextNoteId = 1;
  /** People other than the bot, by the token that authenticates as them. */
  private readonly people = new Map<string, GitlabUser>();

  constructor(
    private readonly paths: string[],
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    private readonly firstProjectId = 1000,
  ) {
    this.reset();
  }

  /** The owner of every token but those of {@link tokenFor}: tierflow's own user. */
  get bot(): GitlabUser {
    return this.user(1, 'tierflow-bot', 'tierflow bot');
  }

  /** A token that authenticates as `username` (a person, not the bot), made on first ask. */
  tokenFor(username: string): string {
    const token = `glpat-user-${username}`;
    if (!this.people.has(token)) this.people.set(token, this.user(500 + this.people.size, username, username));
    return token;
  }

  /** The user a token authenticates as: a person of {@link tokenFor}, else the bot. */
  userOf(token: string): GitlabUser {
    const person = this.people.get(token);
    return person ? { ...person, web_url: `${this.baseUrl()}/${person.username}` } : this.bot;
  }

  /** A user by username, the same one each time (the bot for its own name), as `/assign @name` finds them. */
  userNamed(username: string): GitlabUser {
    return username === this.bot.username ? this.bot : this.userOf(this.tokenFor(username));
  }

  /**
   * Runs the quick actions of `text` on `issue` as `actor` (see `gitlab-quick-actions.ts`) and
   * returns the text without their lines (unchanged when none ran) and the actions that ran.
   */
  runQuickActions(issue: GitlabIssue, text: string, actor: GitlabUser): { text: string; ran: QuickAction[] } {
    const { text: stripped, actions } = extractQuickActions(text);
    if (actions.length === 0) return { text, ran: [] };
    const before = { labels: issue.labels, assignees: issue.assignees.map((a) => a.username), state: issue.state, title: issue.title };
    const after = applyQuickActions(before, actions, { actor: actor.username, addLabel: (labels, label) => addLabels(labels, [label]) });
    issue.labels = after.labels;
    issue.title = after.title;
    issue.assignees = after.assignees.map((name) => issue.assignees.find((a) => a.username === name) ?? this.userNamed(name));
    issue.assignee = issue.assignees[0] ?? null;
    if (after.state !== issue.state) {
      const closed = after.state === 'closed';
      Object.assign(issue, { state: after.state, closed_at: closed ? this.timestamp() : null, closed_by: closed ? actor : null });
    }
    return { text: stripped, ran: actions };
  }

  /** The user with this id: the bot, a person of {@link tokenFor} (e.g. a group member being assigned), else a stand-in `user<id>`. */
  knownUser(id: number): GitlabUser {
    if (id === this.bot.id) return this.bot;
    const person = [...this.people.values()].find((p) => p.id === id);
    return person ? { ...person, web_url: `${this.baseUrl()}/${person.username}` } : this.user(id);
  }

  user(id: number, username = `user${id}`, name = `User ${id}`): GitlabUser {
    return { id, username, name, state: 'active', avatar_url: null, web_url: `${this.baseUrl()}/${username}` };
  }

  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Back to the configured projects, without issues or notes. */
  reset(): void {
    this.nextIssueId = 1;
    this.nextNoteId = 1;
    this.projects = this.paths.map((full, index) => {
      const id = this.firstProjectId + index;
      const cut = full.lastIndexOf('/');
      const path = full.slice(cut + 1);
      const namespace = full.slice(0, Math.max(cut, 0));
      const project: GitlabProject = {
        id,
        name: path,
        path,
        path_with_namespace: full,
        name_with_namespace: full.split('/').join(' / '),
        namespace: { id: 100 + index, name: namespace.split('/').pop() ?? '', path: namespace.split('/').pop() ?? '', kind: 'group', full_path: namespace },
        web_url: `${this.baseUrl()}/${full}`,
        default_branch: 'main',
        visibility: 'private',
        issues_enabled: true,
      };
      return { project, issues: [], notes: new Map() };
    });
  }

  allProjects(): GitlabProject[] {
    return this.projects.map((p) => p.project);
  }

  /** A project by numeric id or full path (already percent-decoded). */
  project(ref: string | number): ProjectState | undefined {
    return this.projects.find((p) => String(p.project.id) === String(ref) || p.project.path_with_namespace === ref);
  }

  issue(state: ProjectState, iid: number): GitlabIssue | undefined {
    return state.issues.find((i) => i.iid === iid);
  }

  createIssue(
    state: ProjectState,
    fields: { title: string; description: string | null; labels: string[]; assigneeIds: number[]; confidential: boolean },
    author: GitlabUser = this.bot,
  ): GitlabIssue {
    const { project } = state;
    const iid = state.issues.reduce((max, i) => Math.max(max, i.iid), 0) + 1;
    const id = this.nextIssueId++;
    const at = this.timestamp();
    const self = `${this.baseUrl()}/api/v4/projects/${project.id}/issues/${iid}`;
    const assignees = fields.assigneeIds.map((a) => this.knownUser(a));
    const issue: GitlabIssue = {
      id,
      iid,
      project_id: project.id,
      title: fields.title,
      description: fields.description,
      state: 'opened',
      created_at: at,
      updated_at: at,
      closed_at: null,
      closed_by: null,
      labels: addLabels([], fields.labels),
      milestone: null,
      assignees,
      assignee: assignees[0] ?? null,
      author,
      type: 'ISSUE',
      issue_type: 'issue',
      user_notes_count: 0,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: null,
      confidential: fields.confidential,
      discussion_locked: null,
      web_url: `${project.web_url}/-/issues/${iid}`,
      references: { short: `#${iid}`, relative: `#${iid}`, full: `${project.path_with_namespace}#${iid}` },
      _links: { self, notes: `${self}/notes`, award_emoji: `${self}/award_emoji`, project: `${this.baseUrl()}/api/v4/projects/${project.id}` },
    };
    state.issues.push(issue);
    return issue;
  }

  notes(state: ProjectState, iid: number): GitlabNote[] {
    return state.notes.get(iid) ?? [];
  }

  addNote(state: ProjectState, issue: GitlabIssue, body: string, internal: boolean, author: GitlabUser = this.bot): GitlabNote {
    const at = this.timestamp();
    const note: GitlabNote = {
      id: this.nextNoteId++,
      type: null,
      body,
      attachment: null,
      author,
      created_at: at,
      updated_at: at,
      system: false,
      noteable_id: issue.id,
      noteable_type: 'Issue',
      noteable_iid: issue.iid,
      project_id: issue.project_id,
      resolvable: false,
      confidential: internal,
      internal,
    };
    state.notes.set(issue.iid, [...this.notes(state, issue.iid), note]);
    issue.user_notes_count += 1;
    issue.updated_at = at;
    return note;
  }
}

/** GitLab's issue list filters (`state`, `labels`, `not[labels]`, `search`+`in`, `iids[]`, `confidential`) and order. */
export function filterIssues(issues: GitlabIssue[], q: URLSearchParams): GitlabIssue[] | string {
  const state = q.get('state') ?? 'all';
  if (!['opened', 'closed', 'all'].includes(state)) return 'state does not have a valid value';
  const labels = q.get('labels');
  const wanted = parseLabels(labels ?? '');
  const unwanted = parseLabels(q.get('not[labels]') ?? '');
  const search = q.get('search')?.toLowerCase();
  const fields = (q.get('in') ?? 'title,description').split(',').map((f) => f.trim());
  if (fields.some((f) => f !== 'title' && f !== 'description')) return 'in does not have a valid value';
  const iids = q.getAll('iids[]').concat(q.getAll('iids')).map(Number);
  const orderBy = q.get('order_by') ?? 'created_at';
  if (!['created_at', 'updated_at'].includes(orderBy)) return 'order_by does not have a valid value';
  const direction = q.get('sort') === 'asc' ? 1 : -1;
  return issues
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => {
      if (labels === 'None') return i.labels.length === 0;
      if (labels === 'Any') return i.labels.length > 0;
      return wanted.every((l) => i.labels.includes(l));
    })
    .filter((i) => !unwanted.some((l) => i.labels.includes(l)))
    .filter((i) => !search || fields.some((f) => (f === 'title' ? i.title : (i.description ?? '')).toLowerCase().includes(search)))
    .filter((i) => iids.length === 0 || iids.includes(i.iid))
    .filter((i) => !q.has('confidential') || String(i.confidential) === q.get('confidential'))
    .sort((a, b) => direction * ((orderBy === 'updated_at' ? a.updated_at.localeCompare(b.updated_at) : 0) || a.id - b.id));
}

/**
 * Offset pagination as GitLab answers it: `page`/`per_page` (default 20, max 100) and the headers
 * `x-total`, `x-total-pages`, `x-page`, `x-per-page`, `x-next-page`, `x-prev-page` and `link`
 * (gitbeaker's `all()` follows `link` rel="next" unless a `page` was asked for).
 */
export function paginate<T>(items: T[], q: URLSearchParams, selfUrl: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(q.get('per_page')) || 20, 1), 100);
  const page = Math.max(Number(q.get('page')) || 1, 1);
  const totalPages = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number): string => {
    const url = new URL(selfUrl);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return url.toString();
  };
  const rels = [
    ...(page > 1 ? [[page - 1, 'prev'] as const] : []),
    ...(page < totalPages ? [[page + 1, 'next'] as const] : []),
    [1, 'first'] as const,
    [totalPages, 'last'] as const,
  ];
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: rels.map(([n, rel]) => `<${link(n)}>; rel="${rel}"`).join(', '),
    },
  };
}
