import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogLevel, WebClient } from '@slack/web-api';
import { Gitlab } from '@gitbeaker/rest';
import { loadConfig } from '../../registry/load.js';
import { DEFAULT_USERGROUPS, sandboxIssueTemplates, startSandbox, type Sandbox } from '../../sandbox/index.js';

let sandbox: Sandbox;
const PROJECT = 'corp/tracker';

beforeAll(async () => {
  sandbox = await startSandbox({ project: PROJECT });
});
afterAll(() => sandbox.close());

describe('sandbox', () => {
  it('serves the default user groups, including system owners and the help desk tiers', async () => {
    const slack = new WebClient('xoxb-test', { slackApiUrl: sandbox.slack.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } });
    const { usergroups } = await slack.usergroups.list();
    expect(usergroups?.map((g) => g.handle)).toEqual(DEFAULT_USERGROUPS.map((g) => g.handle));
    expect(usergroups?.map((g) => g.handle)).toEqual(
      expect.arrayContaining(['sysowners-okta-sso', 'it-helpdesk-analysts', 'corpsec-engineers', 'corpsec-automation', 'corpsec-leadership']),
    );
  });

  it('snapshot summarises Slack threads, GitLab issues with notes, recent calls and counts, as JSON', async () => {
    sandbox.slack.reset();
    sandbox.gitlab.reset();
    const slack = new WebClient('xoxb-test', { slackApiUrl: sandbox.slack.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } });
    const gitlab = new Gitlab({ host: sandbox.gitlab.url, token: 'glpat-test' });
    const parent = await slack.chat.postMessage({
      channel: '#it_help',
      text: 'Locked out',
      metadata: { event_type: 'tierflow_request', event_payload: { request_id: 'r1' } },
    });
    await slack.chat.postMessage({ channel: 'C0ITHELP', thread_ts: parent.ts!, text: 'Escalated to Tier 3' });
    const issue = await gitlab.Issues.create(PROJECT, 'Locked out', { labels: 'tier::3' });
    await gitlab.IssueNotes.create(PROJECT, issue.iid, 'Owners mentioned');

    const snapshot = JSON.parse(JSON.stringify(sandbox.snapshot(3))) as ReturnType<Sandbox['snapshot']>;
    expect(snapshot.slack.channels).toEqual([
      {
        channel: 'C0ITHELP',
        threads: [
          expect.objectContaining({
            ts: parent.ts,
            text: 'Locked out',
            eventType: 'tierflow_request',
            replies: [expect.objectContaining({ text: 'Escalated to Tier 3' })],
          }),
        ],
      },
    ]);
    expect(snapshot.gitlab.projects).toEqual([
      {
        path: PROJECT,
        issues: [
          expect.objectContaining({
            iid: 1,
            title: 'Locked out',
            state: 'opened',
            labels: ['tier::3'],
            notes: [expect.objectContaining({ body: 'Owners mentioned' })],
          }),
        ],
      },
    ]);
    expect(snapshot.recentCalls).toHaveLength(3);
    expect(snapshot.recentCalls[0]).toMatchObject({ service: 'gitlab', method: 'POST', status: 201 });
    expect(snapshot.counts).toEqual({ slackCalls: 2, gitlabCalls: 2, slackMessages: 2, gitlabIssues: 1, gitlabNotes: 1 });
  });

  it("serves an issue and an access request template for every registry system, which label the issue and assign the system's sandbox owner", async () => {
    const { systems } = loadConfig().registry;
    const withTemplates = await startSandbox({ project: PROJECT, systems });
    try {
      const gitlab = new Gitlab({ host: withTemplates.gitlab.url, token: 'glpat-test' });
      for (const system of systems) {
        for (const name of [system.issueTemplate, system.accessRequestTemplate]) {
          expect((await gitlab.ProjectTemplates.show(PROJECT, 'issues', name)).content).toContain(`cc @${system.gitlabOwners}`);
        }
      }
      const okta = systems.find((s) => s.id === 'okta-sso')!;
      const { content } = await gitlab.ProjectTemplates.show(PROJECT, 'issues', okta.accessRequestTemplate);
      const issue = await gitlab.Issues.create(PROJECT, 'Okta access', { description: content });
      expect(issue).toMatchObject({ labels: ['access-request', 'corpsys::okta-sso'], assignees: [expect.objectContaining({ username: 'sysowner-okta-sso' })] });
      expect(issue.description).toBe('## Okta SSO access request\n\ncc @gitlab-com/gl-security/corp/sys/okta');
    } finally {
      await withTemplates.close();
    }
  });

  it("keeps to Slack's and GitLab.com's rate limits, unless told not to", async () => {
    const postSix = async (url: string) => {
      const slack = new WebClient('xoxb-test', { slackApiUrl: url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      const results = [];
      for (let i = 0; i < 6; i += 1)
        results.push(
          await slack.chat.postMessage({ channel: 'C0LIMITS1', text: `m${i}` }).then(
            () => 'ok',
            (e: { code?: string }) => e.code,
          ),
        );
      return results;
    };
    expect(await postSix(sandbox.slack.url)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'slack_webapi_rate_limited_error']);
    const project = await fetch(`${sandbox.gitlab.url}/api/v4/projects/${encodeURIComponent(PROJECT)}`, { headers: { 'private-token': 'glpat-test' } });
    expect(project.headers.get('ratelimit-limit')).toBe('2000');

    const unlimited = await startSandbox({ project: PROJECT, rateLimits: false });
    try {
      expect(await postSix(unlimited.slack.url)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      const plain = await fetch(`${unlimited.gitlab.url}/api/v4/projects/${encodeURIComponent(PROJECT)}`, { headers: { 'private-token': 'glpat-test' } });
      expect(plain.headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await unlimited.close();
    }
  });

  it('serves no templates by default', async () => {
    expect(sandboxIssueTemplates([])).toEqual({});
    await expect(new Gitlab({ host: sandbox.gitlab.url, token: 'glpat-test' }).ProjectTemplates.show(PROJECT, 'issues', 'corpsys-okta-sso')).rejects.toThrow(
      '404 Template Not Found',
    );
  });
});
