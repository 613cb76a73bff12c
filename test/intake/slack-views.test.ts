/** The modal submissions' decisions, as pure functions over the payload (no app, no Slack). */
import { describe, expect, it } from 'vitest';

import type { ViewSubmission } from '../../intake/slack-schemas.js';
import { decideEscalation, decideNewRequest } from '../../intake/slack-views.js';

const SYSTEM_IDS = ['aws', 'okta-sso'];

/** A submission with `values` (block id → entered text or chosen option value). */
function submission(values: Record<string, string | null>, opts: { selects?: string[]; privateMetadata?: string } = {}): ViewSubmission {
  const selects = new Set(opts.selects ?? ['system', 'type', 'priority']);
  const state = Object.fromEntries(
    Object.entries(values).map(([block, value]) => [
      block,
      {
        value: selects.has(block) ? { type: 'static_select', selected_option: value === null ? null : { value } } : { type: 'plain_text_input', value },
      },
    ]),
  );
  return {
    type: 'view_submission',
    user: { id: 'U0ADA0001', name: 'ada' },
    view: { id: 'V0FORM01', callback_id: 'tierflow_new_request', private_metadata: opts.privateMetadata ?? '', state: { values: state } },
  };
}

describe('decideNewRequest', () => {
  it.each([
    [
      'every field',
      { system: 'aws', type: 'change', priority: 'P1', summary: '  Open 443  ', description: 'for the\nbastion' },
      { system: 'aws', type: 'change', priority: 'P1', summary: 'Open 443', description: 'for the\nbastion' },
    ],
    [
      '"Not sure", no priority, no description',
      { system: 'not-sure', type: 'question', priority: null, summary: 'VPN', description: null },
      { type: 'question', summary: 'VPN' },
    ],
    ['no type chosen (question)', { system: null, summary: 'VPN' }, { type: 'question', summary: 'VPN' }],
  ])('starts a request keyed by the view from %s', (_name, values, expected) => {
    const decision = decideNewRequest(submission(values), { systemIds: SYSTEM_IDS });
    expect(decision).toEqual({
      kind: 'start',
      input: {
        id: 'req-slack-modal-V0FORM01',
        source: 'slack',
        requester: { email: 'U0ADA0001@users.slack.invalid', slackUserId: 'U0ADA0001', name: 'ada' },
        ...expected,
      },
    });
  });

  it('names every field to fix at once', () => {
    const decision = decideNewRequest(submission({ system: 'zoom', type: 'outage', priority: 'P9', summary: '' }), { systemIds: SYSTEM_IDS });
    expect(decision.kind === 'errors' && Object.keys(decision.errors).sort()).toEqual(['priority', 'summary', 'system', 'type']);
  });

  it('removes invisible characters from what it keeps', () => {
    const decision = decideNewRequest(submission({ summary: 'pay\u200Bpal \u202Eoops', description: 'a\u200Bb' }), { systemIds: [] });
    expect(decision).toMatchObject({ kind: 'start', input: { summary: 'paypal oops', description: 'ab' } });
  });
});

describe('decideEscalation', () => {
  it('escalates the request in private_metadata with the reason as the note, once per view and submitter', () => {
    const decision = decideEscalation(submission({ reason: ' MFA needs an admin ' }, { privateMetadata: 'req-json-a' }));
    expect(decision).toEqual({
      kind: 'escalate',
      id: 'req-json-a',
      args: { actor: 'U0ADA0001', note: 'MFA needs an admin', source: 'slack' },
      updateId: 'slack-V0FORM01-U0ADA0001',
    });
  });

  it('asks for a reason when there is none, and refuses a forged request id', () => {
    expect(decideEscalation(submission({ reason: null }, { privateMetadata: 'req-json-a' }))).toEqual({
      kind: 'errors',
      errors: { reason: expect.stringMatching(/why/) },
    });
    expect(() => decideEscalation(submission({ reason: 'x' }, { privateMetadata: '' }))).toThrow(/private_metadata/);
  });
});
