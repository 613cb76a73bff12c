/**
 * Slack over Socket Mode end to end on the real dev server: the intake's Bolt app connects to the
 * Slack emulator's WebSocket with an app-level token; envelopes pushed there start and act on real
 * workflows, and each acknowledgement carries what the listener answered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { slackMessageRequestId } from '../../intake/slack-events.js';
import { eventually, HELP_CHANNEL, STAFF } from '../support/harness.js';
import { blockActions, slackMessageEvent, slashCommandFields } from '../intake/support/payloads.js';
import { freshEventId, freshTs, requestStatus, type E2eIntake } from '../intake/support/e2e.js';
import { viewSubmission } from '../intake/support/slack-app.js';
import { startSlackE2e } from '../intake/support/slack-e2e.js';

let e2e: E2eIntake;

beforeAll(async () => {
  e2e = await startSlackE2e(inject('temporalAddress'), { appToken: 'xapp-1-A0TIERFLOW-1-e2e' });
  await e2e.harness.sandbox.slack.socketMode.connected();
});

afterAll(async () => {
  await e2e?.close();
});

const socketMode = () => e2e.harness.sandbox.slack.socketMode;

/** Asks in the help channel over Socket Mode and waits for the status message (where the buttons are). */
async function askOverSocket(user: string, text: string): Promise<string> {
  const ts = freshTs();
  await socketMode().send('events_api', slackMessageEvent({ ts, user, text }, { event_id: freshEventId() }));
  const id = slackMessageRequestId(HELP_CHANNEL, ts);
  await eventually('the status message', () =>
    e2e.harness.sandbox.slack.messages.some((m) => m.metadata?.event_type === 'tierflow_request' && m.metadata.event_payload.request_id === id),
  );
  return id;
}

describe('Slack over Socket Mode end to end', () => {
  it('starts a request from a help-channel message event and acknowledges it once the workflow runs', async () => {
    const ts = freshTs();
    const ack = await socketMode().send(
      'events_api',
      slackMessageEvent({ ts, user: 'U0ADA0011', text: 'Printer on floor 2 jams' }, { event_id: freshEventId() }),
    );
    expect(ack.envelope_id).toEqual(expect.any(String));
    const id = slackMessageRequestId(HELP_CHANNEL, ts);
    expect(await requestStatus(e2e.baseUrl, id)).toMatchObject({ id, status: 'open', summary: 'Printer on floor 2 jams' });
  });

  it('opens a request from /it-help with words, answering in the acknowledgement', async () => {
    const fields = slashCommandFields({
      text: 'question P4 aws how do I rotate my access keys',
      trigger_id: `trigger-${freshEventId()}`,
      user_id: 'U0ADA0012',
    });
    const ack = await socketMode().send('slash_commands', fields);
    const id = `req-slack-cmd-${fields.trigger_id}`;
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(`|${id}> opened.`) });
    expect(await requestStatus(e2e.baseUrl, id)).toMatchObject({ type: 'question', priority: 'P4', system: 'aws', summary: 'how do I rotate my access keys' });
  });

  it('opens the form for /it-help alone; its submission starts the request and the acknowledgement updates the modal', async () => {
    const fields = slashCommandFields({ text: '', trigger_id: `trigger-${freshEventId()}`, user_id: 'U0ADA0013' });
    await socketMode().send('slash_commands', fields);
    const form = await eventually('the form', () => e2e.harness.sandbox.slack.views.find((v) => v.trigger_id === fields.trigger_id));
    const ack = await socketMode().send(
      'interactive',
      viewSubmission(form, { system: 'okta-sso', type: 'access', priority: 'P2', summary: 'Need Okta admin' }, 'U0ADA0013'),
    );
    const id = `req-slack-modal-${form.id}`;
    expect(ack.payload).toMatchObject({ response_action: 'update', view: { title: { text: 'Request opened' } } });
    expect(await requestStatus(e2e.baseUrl, id)).toMatchObject({ type: 'access', priority: 'P2', system: 'okta-sso', summary: 'Need Okta admin' });
  });

  it('escalates through the reason modal: a refusal comes back as a modal error, the analyst’s reason escalates', async () => {
    const id = await askOverSocket('U0ADA0014', 'VPN certificate expired');
    const form = async (user: string) => {
      const click = { ...blockActions('escalate', id, { user, actionTs: freshTs() }), trigger_id: `trigger-${freshEventId()}` };
      await socketMode().send('interactive', click);
      return eventually('the escalation form', () => e2e.harness.sandbox.slack.views.find((v) => v.trigger_id === click.trigger_id));
    };
    const refused = await socketMode().send('interactive', viewSubmission(await form('U0STRANGER'), { reason: 'now please' }, 'U0STRANGER'));
    expect(refused.payload).toEqual({ response_action: 'errors', errors: { reason: expect.stringMatching(/only members of @it-helpdesk-analysts/) } });
    expect((await requestStatus(e2e.baseUrl, id))!.tier).toBe(2);
    const escalated = await socketMode().send(
      'interactive',
      viewSubmission(await form(STAFF.analyst), { reason: 'Certificate authority is Tier 3' }, STAFF.analyst),
    );
    expect(escalated.payload ?? {}).toEqual({});
    expect((await requestStatus(e2e.baseUrl, id))!.tier).toBe(3);
  });

  it('reopens a resolved request for its requester from the Reopen button', async () => {
    const id = await askOverSocket('U0ADA0015', 'Laptop fan is loud');
    await socketMode().send('interactive', blockActions('resolve', id, { user: STAFF.analyst, actionTs: freshTs() }));
    expect((await requestStatus(e2e.baseUrl, id))!.status).toBe('resolved');
    await socketMode().send('interactive', blockActions('reopen', id, { user: 'U0ADA0015', actionTs: freshTs() }));
    expect((await requestStatus(e2e.baseUrl, id))!.status).toBe('open');
  });
});
