/**
 * A local emulator of the GitLab REST API v4 endpoints tierflow uses (projects, issues, issue
 * notes, the project's issue templates, a group's members), shaped like GitLab's answers so `@gitbeaker/rest` works
 * against it unchanged. Quick actions (`/label`, `/assign`, `/close`, ...) in issue descriptions
 * and notes run and are removed from the stored text, as GitLab does (see `gitlab-quick-actions.ts`).
 *
 * Auth: a `PRIVATE-TOKEN` header (or `Authorization: Bearer`) is required; none or `glpat-invalid`
 * → 401 `{ message: '401 Unauthorized' }`. Any other token is tierflow's bot user (`GET /user`),
 * except the tokens of {@link GitlabEmulator.tokenFor}, which act as other people: what a token
 * creates (issues, notes) is authored by its user, and what it closes is closed by its user. Unknown project → 404 `{ message: '404 Project Not Found' }`,
 * unknown issue → 404 `{ message: '404 Not found' }`, unknown issue template → 404
 * `{ message: '404 Template Not Found' }`, bad parameters → 400 `{ error }` or `{ message }`.
 * With `rateLimits`, GitLab.com's limits on API calls, issue and note creation apply, with its
 * headers and 429 answers (see `gitlab-rate-limits.ts`).
 */
import { STATUS_CODES } from 'node:http';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { createEmulatorServer, paramsOf, requestUrl, type Failure, type RecordedCall } from './emulator-server.js';
import { APPLICATION_LIMIT_BODY, createGitlabRateLimiter, type GitlabRateLimits } from './gitlab-rate-limits.js';
import {
  addLabels,
  filterIssues,
  GitlabStore,
  paginate,
  parseLabels,
  type GitlabIssue,
  type GitlabNote,
  type GitlabProject,
  type GitlabUser,
} from './gitlab-store.js';

export type { GitlabIssue, GitlabNote, GitlabProject, GitlabUser } from './gitlab-store.js';
export type { GitlabRateLimits } from './gitlab-rate-limits.js';

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
  /**
   * Issue templates of every project (`.gitlab/issue_templates/<key>.md`), by key, served at
   * `GET /projects/:id/templates/issues/:key` as `{ name, content }`.
   */
  issueTemplates?: Record<string, string>;
  /**
   * GitLab.com's rate limits (`true`), or those with a test's changes and clock; default off, so
   * tests run at full speed. Sandbox mode turns them on.
   */
  rateLimits?: boolean | GitlabRateLimits;
  /**
   * Groups and their direct members' usernames, by full path (`gitlab-com/gl-security/corp`), served
   * at `GET /groups/:id/members` (and `/members/all`, with the ancestors' members); a member is the
   * same user everywhere (`assignee_ids`, `/assign`). Default: none (every group is 404).
   */
  groups?: Record<string, string[]>;
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
  /** Sets a group's direct members (usernames; null removes the group) until the next `reset`. */
  setGroupMembers(path: string, usernames: string[] | null): void;
  /** Adds or replaces an issue template (null removes it) until the next `reset`. */
  setIssueTemplate(key: string, content: string | null): void;
  /** Forgets issues, notes, calls, pending failures and rate-limit counts, and restores the configured templates and groups (tokens of `tokenFor` stay valid). */
  reset(): void;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;
type Project = NonNullable<ReturnType<GitlabStore['project']>>;

/** An answer: `body` sent as JSON with `status` and `headers`. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body, headers });
const send = (reply: FastifyReply, answer: Answer): FastifyReply =>
  reply
    .code(answer.status)
    .headers(answer.headers ?? {})
    .send(answer.body);

const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const ids = (v: unknown): number[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : v === undefined || v === null ? [] : [v])
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
const error = (status: number, text: string): Answer => json(status, { error: text });
const message = (status: number, body: unknown): Answer => json(status, { message: body });
const NOT_FOUND = error(404, '404 Not Found');
const TOO_MANY = json(429, APPLICATION_LIMIT_BODY);
const EDITABLE = ['title', 'description', 'labels', 'add_labels', 'remove_labels', 'state_event', 'assignee_ids', 'assignee_id', 'confidential'];

/** The caller's token: `PRIVATE-TOKEN`, or `Authorization: Bearer`. */
function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['private-token'];
  return (Array.isArray(header) ? header[0] : header) ?? /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function validateTitle(title: unknown): Answer | undefined {
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
  const server = createEmulatorServer({ errorBody: (status) => ({ message: `${status} ${STATUS_CODES[status] ?? ''}`.trim() }) });
  const store = new GitlabStore(opts.projects ?? [DEFAULT_GITLAB_PROJECT], () => baseUrl, opts.now ?? Date.now, opts.firstProjectId);
  const templates = new Map(Object.entries(opts.issueTemplates ?? {}));
  const limiter = opts.rateLimits ? createGitlabRateLimiter(opts.rateLimits, opts.now ?? Date.now) : null;
  const groups = new Map(Object.entries(opts.groups ?? {}));

  const editIssue = (issue: GitlabIssue, p: Params, actor: GitlabUser): Answer => {
    if (!EDITABLE.some((k) => p[k] !== undefined)) return error(400, `${EDITABLE.join(', ')} are missing, at least one parameter must be provided`);
    const stateEvent = p.state_event;
    if (stateEvent !== undefined && stateEvent !== 'close' && stateEvent !== 'reopen') return error(400, 'state_event does not have a valid value');
    if (p.title !== undefined) {
      const invalid = validateTitle(p.title);
      if (invalid) return invalid;
      issue.title = String(p.title);
    }
    if (p.labels !== undefined) issue.labels = addLabels([], parseLabels(p.labels));
    if (p.add_labels !== undefined) issue.labels = addLabels(issue.labels, parseLabels(p.add_labels));
    if (p.remove_labels !== undefined) issue.labels = issue.labels.filter((l) => !parseLabels(p.remove_labels).includes(l));
    if (p.confidential !== undefined) issue.confidential = bool(p.confidential);
    if (p.assignee_ids !== undefined || p.assignee_id !== undefined) {
      issue.assignees = ids(p.assignee_ids ?? p.assignee_id).map((a) => store.knownUser(a));
      issue.assignee = issue.assignees[0] ?? null;
    }
    const at = store.timestamp();
    if (stateEvent === 'close' && issue.state === 'opened') Object.assign(issue, { state: 'closed', closed_at: at, closed_by: actor });
    if (stateEvent === 'reopen' && issue.state === 'closed') Object.assign(issue, { state: 'opened', closed_at: null, closed_by: null });
    // The description's quick actions run after the other fields, as GitLab merges them into the update.
    if (p.description !== undefined) issue.description = p.description === null ? null : store.runQuickActions(issue, String(p.description), actor).text;
    issue.updated_at = at;
    return json(200, issue);
  };

  const actorOf = (request: FastifyRequest): GitlabUser => store.userOf(String(tokenOf(request)));
  type Route = (request: FastifyRequest, project: Project) => Answer;

  /** A route under `/projects/:project`: GitLab's 404 for an unknown project. */
  const inProject = (answer: Route) => (request: FastifyRequest, reply: FastifyReply) => {
    const project = store.project((request.params as { project: string }).project);
    return send(reply, project ? answer(request, project) : message(404, '404 Project Not Found'));
  };
  /** A route under `/projects/:project/issues/:iid`: GitLab's 404 for an unknown issue. */
  const onIssue = (answer: (request: FastifyRequest, project: Project, issue: GitlabIssue) => Answer) =>
    inProject((request, project) => {
      const { iid } = request.params as { iid: string };
      const issue = /^\d+$/.test(iid) ? store.issue(project, Number(iid)) : undefined;
      return issue ? answer(request, project, issue) : message(404, '404 Not found');
    });
  /** A page of `items` with GitLab's pagination headers (`x-total`, `link`, …). */
  const pageOf = <T>(request: FastifyRequest, items: T[]): Answer => {
    const url = requestUrl(request);
    const { page, headers } = paginate(items, url.searchParams, `http://${request.host}${url.pathname}${url.search || '?'}`);
    return json(200, page, headers);
  };

  const { app } = server;
  // Every /api/v4 call needs a token (after any injected failure, which the server's hooks apply first).
  app.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith('/api/v4/')) return;
    const token = tokenOf(request);
    if (!token || token === 'glpat-invalid') return send(reply, message(401, '401 Unauthorized'));
    const throttle = limiter?.api(actorOf(request).id);
    if (!throttle) return;
    reply.headers(throttle.headers);
    if (throttle.refused) return reply.code(429).type('text/plain').send('Retry later\n');
  });
  app.get('/api/v4/user', (request, reply) => send(reply, json(200, actorOf(request))));
  app.get(
    '/api/v4/projects/:project',
    inProject((_request, project) => json(200, project.project)),
  );
  app.get(
    '/api/v4/projects/:project/issues',
    inProject((request, project) => {
      const found = filterIssues(project.issues, requestUrl(request).searchParams);
      return typeof found === 'string' ? error(400, found) : pageOf(request, found);
    }),
  );
  app.post(
    '/api/v4/projects/:project/issues',
    inProject((request, project) => {
      const p = paramsOf(request);
      if (p.title === undefined) return error(400, 'title is missing');
      const invalid = validateTitle(p.title);
      if (invalid) return invalid;
      const actor = actorOf(request);
      if (limiter?.issueCreation(project.project.id, actor.id)) return TOO_MANY;
      const description = typeof p.description === 'string' ? p.description : null;
      const fields = {
        title: String(p.title),
        description,
        labels: parseLabels(p.labels),
        assigneeIds: ids(p.assignee_ids ?? p.assignee_id),
        confidential: bool(p.confidential),
      };
      const issue = store.createIssue(project, fields, actor);
      if (description !== null) issue.description = store.runQuickActions(issue, description, actor).text;
      return json(201, issue);
    }),
  );
  app.get(
    '/api/v4/projects/:project/issues/:iid',
    onIssue((_request, _project, issue) => json(200, issue)),
  );
  app.put(
    '/api/v4/projects/:project/issues/:iid',
    onIssue((request, _project, issue) => editIssue(issue, paramsOf(request), actorOf(request))),
  );
  app.get(
    '/api/v4/projects/:project/issues/:iid/notes',
    onIssue((request, project, issue) => {
      const direction = requestUrl(request).searchParams.get('sort') === 'asc' ? 1 : -1;
      return pageOf(
        request,
        [...store.notes(project, issue.iid)].sort((a, b) => direction * (a.id - b.id)),
      );
    }),
  );
  app.post(
    '/api/v4/projects/:project/issues/:iid/notes',
    onIssue((request, project, issue) => {
      const p = paramsOf(request);
      if (p.body === undefined) return error(400, 'body is missing');
      if (typeof p.body !== 'string' || p.body.trim() === '') return message(400, { note: ["can't be blank"] });
      const actor = actorOf(request);
      if (limiter?.noteCreation(actor.id)) return TOO_MANY;
      const { text, ran } = store.runQuickActions(issue, p.body, actor);
      // A note of quick actions only is not kept: GitLab answers 202 with what the commands did.
      if (ran.length > 0 && text.trim() === '')
        return json(202, { commands_changes: Object.fromEntries(ran.map((a) => [a.kind, true])), summary: ran.map((a) => a.kind) });
      return json(201, store.addNote(project, issue, text, bool(p.internal) || bool(p.confidential), actor));
    }),
  );
  app.get(
    '/api/v4/projects/:project/templates/issues/:key',
    inProject((request) => {
      const { key } = request.params as { key: string };
      const content = templates.get(key);
      return content === undefined ? message(404, '404 Template Not Found') : json(200, { name: key, content });
    }),
  );
  // A group's members (Developer access), as `GET /groups/:id/members` lists them; `/all` adds the ancestors' members.
  const membersOf = (path: string, inherited: boolean) => {
    const paths = inherited ? [...groups.keys()].filter((g) => path === g || path.startsWith(`${g}/`)) : [path];
    const usernames = [...new Set(paths.flatMap((g) => groups.get(g) ?? []))];
    return usernames.map((username) => ({
      ...store.userNamed(username),
      access_level: 30,
      created_at: store.timestamp(),
      expires_at: null,
      membership_state: 'active',
    }));
  };
  const groupMembers = (inherited: boolean) => (request: FastifyRequest, reply: FastifyReply) => {
    const { group } = request.params as { group: string };
    return send(reply, groups.has(group) ? pageOf(request, membersOf(group, inherited)) : message(404, '404 Group Not Found'));
  };
  app.get('/api/v4/groups/:group/members', groupMembers(false));
  app.get('/api/v4/groups/:group/members/all', groupMembers(true));
  app.setNotFoundHandler((_request, reply) => send(reply, NOT_FOUND));
  const { url } = await server.listen(opts.port);
  baseUrl = url;
  store.reset(); // project URLs embed the port, known only now

  const projectOf = (ref: string | number): Project => {
    const found = store.project(ref);
    if (!found) throw new Error(`gitlab emulator: unknown project ${ref}`);
    return found;
  };

  return {
    url: baseUrl,
    get calls() {
      return server.calls;
    },
    failNext: (match, failure, times) => server.failNext(match, failure, times),
    projects: () => store.allProjects(),
    issues: (project) => projectOf(project).issues,
    notes: (project, iid) => store.notes(projectOf(project), iid),
    tokenFor: (username) => store.tokenFor(username),
    setGroupMembers(path, usernames) {
      if (usernames === null) groups.delete(path);
      else groups.set(path, [...usernames]);
    },
    setIssueTemplate(key, content) {
      if (content === null) templates.delete(key);
      else templates.set(key, content);
    },
    reset() {
      templates.clear();
      for (const [key, content] of Object.entries(opts.issueTemplates ?? {})) templates.set(key, content);
      groups.clear();
      for (const [path, usernames] of Object.entries(opts.groups ?? {})) groups.set(path, usernames);
      store.reset();
      server.reset();
      limiter?.reset();
    },
    close: () => server.close(),
  };
}
