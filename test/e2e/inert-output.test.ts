/**
 * Finding 5 of issue 9 end to end on the real dev server: a request whose every free-text field is
 * hostile goes through the real intake (signed JSON) and the worker to the Slack and GitLab
 * emulators; what lands there is inert, one line stays one line, and the text is still readable.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { eventually, HELP_CHANNEL, TRACKER } from '../support/harness.js';
import { GITLAB_PAYLOADS, gitlabProblems, gitlabShown, INVISIBLE, slackProblems, slackShown } from '../support/inert-checks.js';
import { textsOf } from '../activities/support/slack-limits.js';
import { unique } from '../support/temporal.js';
import { apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

const OKTA_OWNERS = '@gitlab-com/gl-security/corp/sys/okta';

let e2e: E2eIntake;

beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
});

afterAll(async () => {
  await e2e?.close();
});

const threadOf = (id: string) => e2e.harness.sandbox.slack.threads(HELP_CHANNEL).find((t) => t.parent.metadata?.event_payload?.request_id === id);
const issueOf = (id: string) => e2e.harness.sandbox.gitlab.issues(TRACKER).find((i) => i.title.includes(`[${id}]`));

describe('hostile text through the intake, the workflow and both integrations', () => {
  it('reaches GitLab and Slack inert, one line where it should be, and still readable', async () => {
    const everything = GITLAB_PAYLOADS.map(([, payload]) => payload).join('\n\n');
    const submitted = await submitRequest(e2e.baseUrl, {
      requester: { email: 'ada@example.com', name: 'Ada\u202E\n**Tier:** 1' },
      summary: 'VPN down\n**Priority:** P1 <img src=http://t.example/p.png> pay\u200Bpal \u2066admin\u2069',
      description: everything,
      system: 'okta-sso',
      type: 'change',
      priority: 'P3',
      idempotencyKey: unique('inert'),
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    // The request's own record: the Temporal UI's summary and the state, one clean line.
    const described = await e2e.client.workflow.getHandle(id).describe();
    const staticSummary = (await described.staticSummary()) ?? '';
    expect(staticSummary).toMatch(/^Help request: VPN down \*\*Priority:\*\* P1 <img src=http:\/\/t\.example\/p\.png> paypal admin$/);
    expect(staticSummary).not.toMatch(INVISIBLE);

    const issue = await eventually('the tracker issue', () => issueOf(id));
    const commented = await apiCall(e2e.baseUrl, 'POST', `/requests/${id}/comment`, { actor: 'grace', note: everything });
    expect(commented.status).toBe(200);
    const note = await eventually('the tracker note', () => e2e.harness.sandbox.gitlab.notes(TRACKER, issue.iid).find((n) => n.body.startsWith('**Comment**')));
    const thread = await eventually('the Slack comment reply', () => {
      const found = threadOf(id);
      return found?.replies.some((r) => r.text.startsWith(':memo: *Comment*')) ? found : null;
    });

    // GitLab: title and description as the emulator stored them, and the note.
    const current = issueOf(id)!;
    expect(current.title).toBe(`[${id}] VPN down **Priority:** P1 &lt;img src=http://t.example/p.png> paypal admin`);
    const description = current.description ?? '';
    for (const text of [current.title, description, note.body]) expect(gitlabProblems(text, [OKTA_OWNERS]), text).toEqual([]);
    // The facts: the lines before the first blank line (the issue template's text follows them).
    const header = (description.split('\n\n')[0] ?? '').split('\n');
    expect(header.slice(0, 5).map((line) => /^\*\*([A-Za-z ]+):\*\* /.exec(line)?.[1])).toEqual(['Request', 'Requester', 'Type', 'System', 'Why here']);
    expect(header[1]).toBe('**Requester:** Ada **Tier:** 1 &lt;ada@example.com>');
    expect(header.length).toBeLessThanOrEqual(6);
    for (const [, , shows] of GITLAB_PAYLOADS) {
      expect(gitlabShown(description)).toContain(shows);
      expect(gitlabShown(note.body)).toContain(shows);
    }
    expect(current.state).toBe('opened');

    // Slack: the status message (text and blocks) and the comment reply.
    const reply = thread.replies.find((r) => r.text.startsWith(':memo: *Comment*'))!;
    const texts = [...textsOf({ text: thread.parent.text, blocks: thread.parent.blocks }), reply.text];
    for (const text of texts) expect(slackProblems(text, [current.web_url]), text).toEqual([]);
    expect(thread.parent.text.split('\n')[0]).toBe('*VPN down **Priority:** P1 &lt;img src=http://t.example/p.png&gt; paypal admin*');
    for (const [, , shows] of GITLAB_PAYLOADS) expect(slackShown(reply.text)).toContain(shows);
  });
});
