/**
 * The modals' submissions (`view_submission` on `POST /slack/interactions`), from forms the intake
 * really opened in the Slack emulator and filled in the way Slack reports what a person entered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { fixedDirectory } from '../../intake/slack-directory.js';
import { GatewayError } from '../../intake/temporal-gateway.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { failingGateway, recordingGateway } from './support/gateway.js';
import { blockActions, slashCommandFields } from './support/payloads.js';
import { postCommand, postInteraction } from './support/signed-app.js';
import { slackApp, viewClosed, viewSubmission } from './support/slack-app.js';

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await createSlackEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const statusUrl = (id: string) => `https://tierflow.test/status/${id}?sig=s1`;

/** Opens the new-request form through `/it-help` and answers with the recorded view. */
async function openForm(app: ReturnType<typeof slackApp>) {
  expect((await postCommand(app, slashCommandFields({ text: '' }))).statusCode).toBe(200);
  return emulator.views.at(-1)!;
}

/** Clicks Escalate on `requestId` and answers with the recorded view. */
async function openEscalation(app: ReturnType<typeof slackApp>, requestId = 'req-slack-C0ITHELP-1355517523.000005') {
  expect((await postInteraction(app, blockActions('escalate', requestId))).statusCode).toBe(200);
  return emulator.views.at(-1)!;
}

describe('the new-request form', () => {
  it('starts the request with the chosen system, type and priority, and shows the status link and the help channel', async () => {
    const { gateway, started } = recordingGateway();
    const app = slackApp(gateway, emulator, { statusUrl });
    const view = await openForm(app);
    const res = await postInteraction(
      app,
      viewSubmission(view, { system: 'okta-sso', type: 'access', priority: 'P2', summary: 'Need the Okta admin role', description: 'For the\nSCIM rollout' }),
    );
    expect(res.statusCode).toBe(200);
    const id = `req-slack-modal-${view.id}`;
    expect(started).toEqual([
      {
        id,
        source: 'slack',
        requester: { email: 'U2147483697@users.slack.invalid', slackUserId: 'U2147483697', name: 'steve' },
        summary: 'Need the Okta admin role',
        description: 'For the\nSCIM rollout',
        system: 'okta-sso',
        type: 'access',
        priority: 'P2',
      },
    ]);
    expect(res.json()).toEqual({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Request opened', emoji: false },
        close: { type: 'plain_text', text: 'Done', emoji: false },
        blocks: [
          {
            type: 'section',
            block_id: 'opened',
            text: { type: 'mrkdwn', text: `Request <${statusUrl(id)}|${id}> is open. The help desk answers in its thread in <#C0ITHELP>.` },
          },
        ],
      },
    });
  });

  it('leaves system and priority to routing when the person is not sure', async () => {
    const { gateway, started } = recordingGateway();
    const app = slackApp(gateway, emulator);
    const view = await openForm(app);
    await postInteraction(app, viewSubmission(view, { system: 'not-sure', type: 'question', summary: 'VPN drops every hour' }));
    expect(started).toEqual([expect.objectContaining({ summary: 'VPN drops every hour', type: 'question' })]);
    expect(started[0]).not.toHaveProperty('system');
    expect(started[0]).not.toHaveProperty('priority');
    expect(started[0]).not.toHaveProperty('description');
  });

  it('finds the same request when Slack delivers the submission again', async () => {
    const { gateway, started } = recordingGateway();
    const app = slackApp(gateway, emulator);
    const view = await openForm(app);
    const submission = viewSubmission(view, { system: 'aws', type: 'change', summary: 'Open port 443 on the bastion' });
    await postInteraction(app, submission);
    const again = await postInteraction(app, submission);
    expect(new Set(started.map((s) => s.id))).toEqual(new Set([`req-slack-modal-${view.id}`]));
    expect(again.json().view.blocks[0].text.text).toMatch(/is already open/);
  });

  it.each([
    ['an empty summary', { summary: '   ' }, 'summary', /few words/],
    ['a summary over 150 characters', { summary: 'x'.repeat(151) }, 'summary', /150 characters/],
    ['a system that was not offered', { system: 'nope' }, 'system', /from the list/],
    ['a type that was not offered', { type: 'incident' }, 'type', /question, access, change, crisis/],
    ['a priority that was not offered', { priority: 'P0' }, 'priority', /P1, P2, P3, P4/],
  ])('keeps the form open with an error on the field for %s, and starts nothing', async (_name, entered, field, message) => {
    const { gateway, started } = recordingGateway();
    const app = slackApp(gateway, emulator);
    const view = await openForm(app);
    const res = await postInteraction(app, viewSubmission(view, { system: 'aws', type: 'question', summary: 'VPN', ...entered }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_action: 'errors', errors: { [field]: expect.stringMatching(message) } });
    expect(started).toHaveLength(0);
  });

  it('answers 503 while Temporal is unreachable, so Slack shows the person an error instead of a false confirmation', async () => {
    const app = slackApp(failingGateway('unavailable'), emulator);
    const view = await openForm(app);
    const res = await postInteraction(app, viewSubmission(view, { type: 'question', summary: 'VPN drops' }));
    expect(res.statusCode).toBe(503);
  });

  it('acknowledges a cancelled form and does nothing', async () => {
    const { gateway, started } = recordingGateway();
    const app = slackApp(gateway, emulator);
    const res = await postInteraction(app, viewClosed(await openForm(app)));
    expect(res.statusCode).toBe(200);
    expect(started).toHaveLength(0);
  });
});

describe('the escalation form', () => {
  it('escalates with the reason as the note, for the submitter with their Slack groups, once per view', async () => {
    const { gateway, acts } = recordingGateway();
    const app = slackApp(gateway, emulator, { slackDirectory: fixedDirectory({ U0GRACE01: ['it-helpdesk-analysts'] }) });
    const view = await openEscalation(app);
    const res = await postInteraction(app, viewSubmission(view, { reason: 'Needs an Okta admin: the factor cannot be reset here' }, 'U0GRACE01'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(acts).toEqual([
      {
        id: 'req-slack-C0ITHELP-1355517523.000005',
        action: 'escalate',
        args: { actor: 'U0GRACE01', note: 'Needs an Okta admin: the factor cannot be reset here', source: 'slack', actorGroups: ['it-helpdesk-analysts'] },
        updateId: `slack-${view.id}-U0GRACE01`,
      },
    ]);
  });

  it('shows a refusal under the reason, escaped, and leaves the modal open', async () => {
    const refusal = 'only members of @it-helpdesk-analysts <!channel> & co can escalate this request at Tier 2';
    const app = slackApp(failingGateway('conflict', refusal), emulator);
    const view = await openEscalation(app);
    const res = await postInteraction(app, viewSubmission(view, { reason: 'please' }, 'U0STRANGER'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      response_action: 'errors',
      errors: { reason: 'only members of @it-helpdesk-analysts &lt;!channel&gt; &amp; co can escalate this request at Tier 2' },
    });
  });

  it.each([
    ['an empty reason', recordingGateway().gateway, '  ', /why the request needs the next tier/],
    ['an unknown request', failingGateway('not_found', 'no request with id x'), 'why not', /no request with id/],
  ])('answers %s with an error on the reason', async (_name, gateway, reason, message) => {
    const app = slackApp(gateway, emulator);
    const view = await openEscalation(app);
    const res = await postInteraction(app, viewSubmission(view, { reason }));
    expect(res.json()).toEqual({ response_action: 'errors', errors: { reason: expect.stringMatching(message) } });
  });

  it('refuses to act when the Slack groups cannot be read', async () => {
    const { gateway, acts } = recordingGateway();
    const app = slackApp(gateway, emulator, { slackDirectory: { groupsOf: () => Promise.reject(new Error('ratelimited')) } });
    const res = await postInteraction(app, viewSubmission(await openEscalation(app), { reason: 'urgent' }));
    expect(res.json().errors.reason).toMatch(/groups could not be checked/);
    expect(acts).toEqual([]);
  });

  it('answers 503 while Temporal is unreachable and 400 for a forged request id', async () => {
    const unreachable = slackApp(
      recordingGateway({
        act: () => Promise.reject(new GatewayError('unavailable', 'Temporal is unreachable; retry later')),
      }).gateway,
      emulator,
    );
    expect((await postInteraction(unreachable, viewSubmission(await openEscalation(unreachable), { reason: 'urgent' }))).statusCode).toBe(503);

    const { gateway, acts } = recordingGateway();
    const app = slackApp(gateway, emulator);
    const forged = viewSubmission(await openEscalation(app), { reason: 'urgent' });
    forged.view.private_metadata = "req-x' OR 1=1";
    const res = await postInteraction(app, forged);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/private_metadata/);
    expect(acts).toEqual([]);
  });
});
