/**
 * A local emulator of the GitLab REST API v4 endpoints tierflow uses (projects, issues, issue
 * notes), shaped like GitLab's answers so `@gitbeaker/rest` works against it unchanged.
 *
 * Auth: a `PRIVATE-TOKEN` header (or `Authorization: Bearer`) is required; none or `glpat-invalid`
 * → 401 `{ message: '401 Unauthorized' }`. Any other token is tierflow's bot user (`GET /user`),
 * except the tokens of {@link GitlabEmulator.tokenFor}, which act as other people: what a token
 * creates (issues, notes) is authored by its user, and what it closes is closed by its user. Unknown project → 404 `{ message: '404 Project Not Found' }`,
 * unknown issue → 404 `{ message: '404 Not found' }`, bad parameters → 400 `{ error }` or `{ message }`.
 */
import { STATUS_CODES } from 'node:http';
import { json, startHttpEmulator, type EmulatorRequest, type EmulatorResponse, type Failure, type RecordedCall } from './http-emulator.js';
import { addLabels, filterIssues, GitlabStore, paginate, parseLabels, type GitlabIssue, type GitlabNote, type GitlabProject, type GitlabUser } from './gitlab-store.js';

export type { GitlabIssue, GitlabNote, GitlabProject, GitlabUser } from './gitlab-store.js';

/** The Corporate Security issue tracker path used when no project is configured. */
export const DEFAULT_GITLAB_PROJECT = 'gitlab-com/gl-security/corp/issue-tracker';

/** Options of {@link createGitlabEmulator}. */
export interface GitlabEmulatorOptions {
  port?: number;
  /** Project paths served (ids 1000, 1001, ... in this order); default {@link DEFAULT_GITLAB_PROJECT}. */
  projects?: string[];
  /** Clock for `created_at`/`updated_at`, in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Numeric id of the first project (default 1000); tests sharing one Temporal server pick distinct ones. */
  firstProjectId?: number;
}

/** A running GitLab emulator. */
export interface GitlabEmulator {
  /** The host to pass as gitbeaker `host` (`http://127.0.0.1:<port>`, no `/api/v4`). */
  url: string;
  readonly calls: ReadonlyArray<RecordedCall>;
  /** Fails the next `times` calls whose `"METHOD path"` contains `match` (e.g. `'POST /api/v4/projects/1000/issues'`). */
  failNext(match: string, failure: Failure, times?: number): void;
  /** The configured projects. */
  projects(): GitlabProject[];
  /** Current state of a project's issues (path or id), oldest first; throws for an unknown project. */
  issues(project: string | number): GitlabIssue[];
  /** Notes of one issue, oldest first. */
  notes(project: string | number, iid: number): GitlabNote[];
  /**
   * A token that acts as the person `username` instead of the bot, for issues and notes a person
   * writes (through the real client: `new Gitlab({ host: url, token: gitlab.tokenFor('mallory') })`).
   */
  tokenFor(username: string): string;
  /** Forgets issues, notes, calls and pending failures (tokens of `tokenFor` stay valid). */
  reset(): void;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;

const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const ids = (v: unknown): number[] => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : v === undefined || v === null ? [] : [v]).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const error = (status: number, text: string): EmulatorResponse => json(status, { error: text });
const message = (status: number, body: unknown): EmulatorResponse => json(status, { message: body });
const NOT_FOUND = error(404, '404 Not Found');
const EDITABLE = ['title', 'description', 'labels', 'add_labels', 'remove_labels', 'state_event', 'assignee_ids', 'assignee_id', 'confidential'];

function validateTitle(title: unknown): EmulatorResponse | undefined {
  if (typeof title !== 'string' || title.trim() === '') return message(400, { title: ["can't be blank"] });
  if (title.length > 255) return message(400, { title: ['is too long (maximum is 255 characters)'] });
  return undefined;
}

/**
 * Starts a GitLab REST API emulator on 127.0.0.1.
 * @example
 * const gitlab = await createGitlabEmulator();
 * const api = new Gitlab({ host: gitlab.url, token: 'glpat-test' });
 * await api.Issues.create(DEFAULT_GITLAB_PROJECT, 'Okta SSO is down', { labels: 'corpsys::okta-sso' });
 */
export async function createGitlabEmulator(opts: GitlabEmulatorOptions = {}): Promise<GitlabEmulator> {
  let baseUrl = '';
  const store = new GitlabStore(opts.projects ?? [DEFAULT_GITLAB_PROJECT], () => baseUrl, opts.now ?? Date.now, opts.firstProjectId);

  const editIssue = (issue: GitlabIssue, p: Params, actor: GitlabUser): EmulatorResponse => {
    if (!EDITABLE.some((k) => p[k] !== undefined)) return error(400, `${EDITABLE.join(', ')} are missing, at least one parameter must be provided`);
    const stateEvent = p.state_event;
    if (stateEvent !== undefined && stateEvent !== 'close' && stateEvent !== 'reopen') return error(400, 'state_event does not have a valid value');
    if (p.title !== undefined) {
      const invalid = validateTitle(p.title);
      if (invalid) return invalid;
      issue.title = String(p.title);
    }
    if (p.description !== undefined) issue.description = p.description === null ? null : String(p.description);
    if (p.labels !== undefined) issue.labels = addLabels([], parseLabels(p.labels));
    if (p.add_labels !== undefined) issue.labels = addLabels(issue.labels, parseLabels(p.add_labels));
    if (p.remove_labels !== undefined) issue.labels = issue.labels.filter((l) => !parseLabels(p.remove_labels).includes(l));
    if (p.confidential !== undefined) issue.confidential = bool(p.confidential);
    if (p.assignee_ids !== undefined || p.assignee_id !== undefined) {
      issue.assignees = ids(p.assignee_ids ?? p.assignee_id).map((a) => store.user(a));
      issue.assignee = issue.assignees[0] ?? null;
    }
    const at = store.timestamp();
    if (stateEvent === 'close' && issue.state === 'opened') Object.assign(issue, { state: 'closed', closed_at: at, closed_by: actor });
    if (stateEvent === 'reopen' && issue.state === 'closed') Object.assign(issue, { state: 'opened', closed_at: null, closed_by: null });
    issue.updated_at = at;
    return json(200, issue);
  };

  const route = (req: EmulatorRequest): EmulatorResponse => {
    const token = req.headers['private-token'] ?? /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || token === 'glpat-invalid') return message(401, '401 Unauthorized');
    const actor = store.userOf(String(token));
    const segments = req.path.replace(/^\/api\/v4\/?/, '').split('/').map((s) => decodeURIComponent(s));
    const p: Params = { ...Object.fromEntries(req.query), ...(req.body !== null && typeof req.body === 'object' ? (req.body as Params) : {}) };
    const selfUrl = `${req.origin}${req.path}?${req.query.toString()}`;
    const [root, projectRef, sub, iidText, leaf, ...rest] = segments;
    const { method } = req;

    if (root === 'user' && segments.length === 1 && method === 'GET') return json(200, actor);
    if (root !== 'projects' || projectRef === undefined || rest.length > 0) return NOT_FOUND;
    const project = store.project(projectRef);
    if (!project) return message(404, '404 Project Not Found');
    if (sub === undefined) return method === 'GET' ? json(200, project.project) : NOT_FOUND;
    if (sub !== 'issues') return NOT_FOUND;

    if (iidText === undefined) {
      if (method === 'GET') {
        const found = filterIssues(project.issues, req.query);
        if (typeof found === 'string') return error(400, found);
        const { page, headers } = paginate(found, req.query, selfUrl);
        return json(200, page, headers);
      }
      if (method !== 'POST') return NOT_FOUND;
      if (p.title === undefined) return error(400, 'title is missing');
      const invalid = validateTitle(p.title);
      if (invalid) return invalid;
      const description = typeof p.description === 'string' ? p.description : null;
      const fields = { title: String(p.title), description, labels: parseLabels(p.labels), assigneeIds: ids(p.assignee_ids ?? p.assignee_id), confidential: bool(p.confidential) };
      return json(201, store.createIssue(project, fields, actor));
    }

    const issue = /^\d+$/.test(iidText) ? store.issue(project, Number(iidText)) : undefined;
    if (!issue) return message(404, '404 Not found');
    if (leaf === undefined) {
      if (method === 'GET') return json(200, issue);
      return method === 'PUT' ? editIssue(issue, p, actor) : NOT_FOUND;
    }
    if (leaf !== 'notes') return NOT_FOUND;
    if (method === 'GET') {
      const direction = req.query.get('sort') === 'asc' ? 1 : -1;
      const notes = [...store.notes(project, issue.iid)].sort((a, b) => direction * (a.id - b.id));
      const { page, headers } = paginate(notes, req.query, selfUrl);
      return json(200, page, headers);
    }
    if (method !== 'POST') return NOT_FOUND;
    if (p.body === undefined) return error(400, 'body is missing');
    if (typeof p.body !== 'string' || p.body.trim() === '') return message(400, { note: ["can't be blank"] });
    return json(201, store.addNote(project, issue, p.body, bool(p.internal) || bool(p.confidential), actor));
  };

  const server = await startHttpEmulator({
    port: opts.port,
    errorBody: (status) => ({ message: `${status} ${STATUS_CODES[status] ?? ''}`.trim() }),
    handler: (req) => (req.path.startsWith('/api/v4/') ? route(req) : NOT_FOUND),
  });
  baseUrl = server.url;
  store.reset(); // project URLs embed the port, known only now

  const projectOf = (ref: string | number): NonNullable<ReturnType<GitlabStore['project']>> => {
    const found = store.project(ref);
    if (!found) throw new Error(`gitlab emulator: unknown project ${ref}`);
    return found;
  };

  return {
    url: server.url,
    get calls() {
      return server.calls;
    },
    failNext: (match, failure, times) => server.failNext(match, failure, times),
    projects: () => store.allProjects(),
    issues: (project) => projectOf(project).issues,
    notes: (project, iid) => store.notes(projectOf(project), iid),
    tokenFor: (username) => store.tokenFor(username),
    reset() {
      store.reset();
      server.reset();
    },
    close: () => server.close(),
  };
}
