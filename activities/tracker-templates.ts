/**
 * The tracker's issue templates: which one a request's issue opens from, reading it from the
 * project (GitLab's project templates API) with a short cache, and taking it apart so its quick
 * actions run. The handbook: "choose the appropriate issue template that will automatically add
 * the appropriate labels and assign it to the respective system owners".
 */
import type { Gitlab } from '@gitbeaker/rest';

import type { RequestState } from '../domain/request.js';

/** How long a template read (or a missing template) is kept before it is asked again. */
export const TEMPLATE_TTL_MS = 5 * 60_000;

/** An issue template of the tracker project, as GitLab serves it: trusted text. */
export interface IssueTemplate {
  /** Its name (`.gitlab/issue_templates/<name>.md`). */
  name: string;
  content: string;
}

/** The template to open an issue from, or why there is none (`warning`, for the logs and the request's timeline). */
export interface TemplateChoice {
  template: IssueTemplate | null;
  warning?: string;
}

/** A template's content, or the HTTP status that says it cannot be had (404 missing, 403 not readable). */
type TemplateRead = { content: string } | { missing: 403 | 404 };

const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const TEMPLATE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_. -]*$/;
// A line GitLab may take for a quick action: `/name`, alone or followed by arguments.
const QUICK_ACTION = /^\/[A-Za-z_]+(?:\s|$)/;
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/;

/** True for a plain GitLab username (what `/assign @name` takes). */
export const isUsername = (name: string): boolean => USERNAME.test(name);

/** True for a template name tierflow writes into a description and reads back. */
export const isTemplateName = (name: string): boolean => TEMPLATE_NAME.test(name);

/**
 * A template's text and its quick-action lines (those outside fenced code), apart. The actions go
 * at the end of the description, after the requester's text: GitLab skips quick actions that come
 * before a line ending in a code span or a closing fence (its extractor's "inline code" rule spans
 * lines), so a requester's code block after them would keep the template from labelling and
 * assigning. At the end, with only our marker after them, nothing can hide them.
 * @example splitTemplate('## Okta\n/label ~"corpsys::okta-sso"\n/assign @ada') // { body: '## Okta', actions: ['/label ~"corpsys::okta-sso"', '/assign @ada'] }
 */
export function splitTemplate(content: string): { body: string; actions: string[] } {
  const body: string[] = [];
  const actions: string[] = [];
  let fence: string | null = null;
  for (const line of content.replace(/\r/g, '').split('\n')) {
    const run = FENCE_LINE.exec(line)?.[1];
    if (fence !== null) {
      if (run && run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = null;
      body.push(line);
    } else if (run) {
      fence = run;
      body.push(line);
    } else if (QUICK_ACTION.test(line)) actions.push(line.trimEnd());
    else body.push(line);
  }
  return { body: body.join('\n').replace(/^\n+|\s+$/g, ''), actions };
}

/** Usernames a template's `/assign` lines assign (`@name`; group paths and `me` aside). */
export function templateAssignees(content: string): string[] {
  const names = splitTemplate(content)
    .actions.map((line) => /^\/assign\s+(.*)$/i.exec(line)?.[1] ?? '')
    .flatMap((args) => args.split(/[\s,]+/).map((token) => token.replace(/^@/, '')))
    .filter((name) => name !== 'me' && isUsername(name));
  return [...new Set(names)];
}

const statusOf = (err: unknown): number | undefined => (err as { cause?: { response?: { status?: number } } } | null)?.cause?.response?.status;

/**
 * Reads issue templates of `project` (`GET /projects/:id/templates/issues/:name`), each kept
 * {@link TEMPLATE_TTL_MS}: a request burst reads a template once, and an edited template is used
 * within minutes. A 404 or 403 is an answer (kept too); other errors are thrown for the caller to classify.
 */
export function createTemplateReader(gitlab: InstanceType<typeof Gitlab>, project: string, now: () => number) {
  const cache = new Map<string, { at: number; read: TemplateRead }>();
  const read = async (name: string): Promise<TemplateRead> => {
    const kept = cache.get(name);
    if (kept && now() - kept.at < TEMPLATE_TTL_MS) return kept.read;
    let fresh: TemplateRead;
    try {
      const template = (await gitlab.ProjectTemplates.show(project, 'issues', name)) as { content?: unknown };
      fresh = { content: typeof template.content === 'string' ? template.content : '' };
    } catch (err) {
      const status = statusOf(err);
      if (status !== 404 && status !== 403) throw err;
      fresh = { missing: status };
    }
    cache.set(name, { at: now(), read: fresh });
    return fresh;
  };

  return {
    /** The content of template `name`, or null when the project has none by that name (or it cannot be read). */
    async content(name: string): Promise<string | null> {
      const found = await read(name);
      return 'content' in found ? found.content : null;
    },

    /**
     * The template a request's issue opens from: the system's access request template for an access
     * request, else its issue template. None for a request without a system (triage has no template);
     * none with a warning when the system names no template (plans recorded before templates) or the
     * project has no such template. `outcome` ends the warning: what tierflow did instead.
     */
    async choose(state: RequestState, outcome: string): Promise<TemplateChoice> {
      const { system } = state;
      if (!system) return { template: null };
      const access = state.type === 'access';
      const kind = access ? 'access request template' : 'issue template';
      const name = (access ? system.accessRequestTemplate : system.issueTemplate)?.trim();
      if (!name) return { template: null, warning: `${system.name} has no ${kind} configured; ${outcome}` };
      const found = await read(name);
      if ('content' in found) return { template: { name, content: found.content } };
      const why = found.missing === 404 ? 'not found' : 'not readable (HTTP 403: the token needs at least the Reporter role)';
      return { template: null, warning: `${kind} ${name} ${why} in ${project}; ${outcome}` };
    },
  };
}
