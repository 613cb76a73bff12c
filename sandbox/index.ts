/**
 * Sandbox mode: the Slack and GitLab emulators started together, for tests and for running the
 * product without credentials, with a JSON summary of what they received (served at `GET /sandbox`).
 * The emulators keep to Slack's and GitLab.com's published rate limits here, so what runs in the
 * sandbox would keep to them in production too.
 */
import type { SystemEntry } from '../domain/registry.js';
import { type FailureKind, type RecordedCall } from './emulator-server.js';
import { createGitlabEmulator, DEFAULT_GITLAB_PROJECT, type GitlabEmulator } from './gitlab-emulator.js';
import { createSlackEmulator, type SlackChannel, type SlackEmulator, type SlackMessage, type SlackUsergroupConfig } from './slack-emulator.js';

export { createGitlabEmulator, DEFAULT_GITLAB_PROJECT, type GitlabEmulator, type GitlabIssue, type GitlabRateLimits } from './gitlab-emulator.js';
export { createSlackEmulator, type SlackEmulator, type SlackMessage, type SlackRateLimits, type SlackUsergroupConfig } from './slack-emulator.js';
export { type Failure, type FailureKind, type RecordedCall } from './emulator-server.js';

/** Slack user groups served by default: the help desk tiers and one system-owner group. */
export const DEFAULT_USERGROUPS: SlackUsergroupConfig[] = [
  { id: 'S0HELPDESK', handle: 'it-helpdesk-analysts', name: 'IT Helpdesk Analysts' },
  { id: 'S0CSENG', handle: 'corpsec-engineers', name: 'Corporate Security Engineers' },
  { id: 'S0CSAUTO', handle: 'corpsec-automation', name: 'Corporate Security Automation' },
  { id: 'S0CSLEAD', handle: 'corpsec-leadership', name: 'Corporate Security Leadership' },
  { id: 'S0OKTA', handle: 'sysowners-okta-sso', name: 'System Owners: Okta SSO' },
];

/**
 * User groups for the given handles (e.g. every group the registry mentions), with stable ids
 * derived from the handle, so the sandbox renders real `<!subteam^ID>` mentions for all of them.
 * @example usergroupsFor(['it-helpdesk-emea']) // [{ id: 'S0IT-HELPDESK-EMEA'…, handle: 'it-helpdesk-emea' }]
 */
export function usergroupsFor(handles: string[]): SlackUsergroupConfig[] {
  const known = new Map(DEFAULT_USERGROUPS.map((g) => [g.handle, g]));
  return [...new Set([...known.keys(), ...handles])].map(
    (handle) =>
      known.get(handle) ?? {
        id: `S${handle
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 10)}`,
        handle,
        name: handle,
      },
  );
}

/** What a system's sandbox issue templates are made from (a registry system has all of it). */
export type TemplatedSystem = Pick<SystemEntry, 'id' | 'name' | 'gitlabLabel' | 'gitlabOwners' | 'issueTemplate' | 'accessRequestTemplate'>;

/**
 * Issue templates for the tracker emulator, one engineering and one access request template per
 * system, doing what the handbook says the real ones do: label the issue and assign the system
 * owners. The owners' usernames are not in the registry, so each template assigns a made-up
 * sandbox user, `sysowner-<id>`, and mentions the owners' group.
 * @example sandboxIssueTemplates([okta])['corpsys-okta-sso']
 * // '## Okta SSO engineering issue\n\n/label ~"corpsys::okta-sso"\n/assign @sysowner-okta-sso\n\ncc @gitlab-com/gl-security/corp/sys/okta'
 */
export function sandboxIssueTemplates(systems: readonly TemplatedSystem[]): Record<string, string> {
  const template = (system: TemplatedSystem, heading: string, labels: string[]) =>
    [heading, '', `/label ${labels.map((l) => `~"${l}"`).join(' ')}`, `/assign @sysowner-${system.id}`, '', `cc @${system.gitlabOwners}`].join('\n');
  return Object.fromEntries(
    systems.flatMap((system) => [
      [system.issueTemplate, template(system, `## ${system.name} engineering issue`, [system.gitlabLabel])],
      [system.accessRequestTemplate, template(system, `## ${system.name} access request`, ['access-request', system.gitlabLabel])],
    ]),
  );
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  slackPort?: number;
  gitlabPort?: number;
  /** GitLab project path served (default {@link DEFAULT_GITLAB_PROJECT}). */
  project?: string;
  /** Its numeric id (default 1000); tests sharing one Temporal server pick distinct ones. */
  gitlabProjectId?: number;
  usergroups?: SlackUsergroupConfig[];
  channels?: SlackChannel[];
  /** Systems whose issue templates the tracker serves (see {@link sandboxIssueTemplates}); default none, so issues open with tierflow's built-in body. */
  systems?: readonly TemplatedSystem[];
  /** Slack's and GitLab.com's published rate limits (default on; see `slack-rate-limits.ts`, `gitlab-rate-limits.ts`). */
  rateLimits?: boolean;
}

/** One message as summarised in a snapshot. */
export interface SnapshotMessage {
  ts: string;
  text: string;
  edited: boolean;
  eventType?: string;
  blocks: number;
}

/** A JSON-serialisable summary of everything the emulators hold and received. */
export interface SandboxSnapshot {
  slack: {
    url: string;
    channels: Array<{ channel: string; threads: Array<SnapshotMessage & { replies: SnapshotMessage[] }> }>;
    ephemerals: Array<{ channel: string; user: string; text: string }>;
    viewsOpened: number;
  };
  gitlab: {
    url: string;
    projects: Array<{
      path: string;
      issues: Array<{
        iid: number;
        title: string;
        state: string;
        labels: string[];
        webUrl: string;
        notes: Array<{ id: number; body: string; createdAt: string }>;
      }>;
    }>;
  };
  /** The most recent calls to either emulator, newest first. */
  recentCalls: Array<{ service: 'slack' | 'gitlab'; at: string; method: string; path: string; status?: number; failure?: FailureKind }>;
  counts: { slackCalls: number; gitlabCalls: number; slackMessages: number; gitlabIssues: number; gitlabNotes: number };
}

/** Both emulators, running. */
export interface Sandbox {
  slack: SlackEmulator;
  gitlab: GitlabEmulator;
  /** The summary for `GET /sandbox`; `recent` bounds `recentCalls` (default 50). */
  snapshot(recent?: number): SandboxSnapshot;
  close(): Promise<void>;
}

function summarise(message: SlackMessage): SnapshotMessage {
  const out: SnapshotMessage = { ts: message.ts, text: message.text, edited: message.edited !== undefined, blocks: message.blocks?.length ?? 0 };
  if (message.metadata) out.eventType = message.metadata.event_type;
  return out;
}

function callSummary(service: 'slack' | 'gitlab', call: RecordedCall): SandboxSnapshot['recentCalls'][number] {
  const { at, method, path, status, failure } = call;
  return { service, at, method, path, ...(status === undefined ? {} : { status }), ...(failure === undefined ? {} : { failure }) };
}

/**
 * Starts the Slack and GitLab emulators.
 * @example
 * const sandbox = await startSandbox();
 * // SLACK_API_URL = sandbox.slack.url, GITLAB_URL = sandbox.gitlab.url
 * app.get('/sandbox', () => sandbox.snapshot());
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const rateLimits = opts.rateLimits ?? true;
  const slack = await createSlackEmulator({
    port: opts.slackPort,
    rateLimits,
    usergroups: opts.usergroups ?? DEFAULT_USERGROUPS,
    ...(opts.channels ? { channels: opts.channels } : {}),
  });
  let gitlab: GitlabEmulator;
  try {
    gitlab = await createGitlabEmulator({
      port: opts.gitlabPort,
      projects: [opts.project ?? DEFAULT_GITLAB_PROJECT],
      rateLimits,
      issueTemplates: sandboxIssueTemplates(opts.systems ?? []),
      ...(opts.gitlabProjectId ? { firstProjectId: opts.gitlabProjectId } : {}),
    });
  } catch (error) {
    await slack.close();
    throw error;
  }

  const snapshot = (recent = 50): SandboxSnapshot => {
    const channels = [...new Set(slack.messages.map((m) => m.channel))].map((channel) => ({
      channel,
      threads: slack.threads(channel).map(({ parent, replies }) => ({ ...summarise(parent), replies: replies.map(summarise) })),
    }));
    const projects = gitlab.projects().map((project) => ({
      path: project.path_with_namespace,
      issues: gitlab.issues(project.id).map((issue) => ({
        iid: issue.iid,
        title: issue.title,
        state: issue.state,
        labels: [...issue.labels],
        webUrl: issue.web_url,
        notes: gitlab.notes(project.id, issue.iid).map((n) => ({ id: n.id, body: n.body, createdAt: n.created_at })),
      })),
    }));
    const recentCalls = [...slack.calls.map((c) => callSummary('slack', c)), ...gitlab.calls.map((c) => callSummary('gitlab', c))]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, recent);
    const issues = projects.flatMap((p) => p.issues);
    return {
      slack: {
        url: slack.url,
        channels,
        ephemerals: slack.ephemerals.map(({ channel, user, text }) => ({ channel, user, text })),
        viewsOpened: slack.views.length,
      },
      gitlab: { url: gitlab.url, projects },
      recentCalls,
      counts: {
        slackCalls: slack.calls.length,
        gitlabCalls: gitlab.calls.length,
        slackMessages: slack.messages.length,
        gitlabIssues: issues.length,
        gitlabNotes: issues.reduce((n, i) => n + i.notes.length, 0),
      },
    };
  };

  return {
    slack,
    gitlab,
    snapshot,
    async close() {
      await Promise.all([slack.close(), gitlab.close()]);
    },
  };
}
