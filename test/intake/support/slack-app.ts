/**
 * An intake app whose Slack side is complete: Bolt's listeners call the Slack emulator (through the
 * real `@slack/web-api` client) with a bot token, know the registry's systems, and can be put on
 * Socket Mode. Plus `view_submission` payloads filled in from a modal the emulator recorded, the way
 * Slack builds them from what a person entered.
 */
import { createApp } from '../../../intake/app.js';
import type { IntakeDeps, IntakeOptions } from '../../../intake/deps.js';
import type { SystemChoice } from '../../../intake/slack-modals.js';
import type { RequestGateway } from '../../../intake/temporal-gateway.js';
import type { SlackEmulator, SlackView } from '../../../sandbox/slack-emulator.js';
import { HELP_CHANNEL, TRACKER_PATH } from './payloads.js';
import { GITLAB_SECRET, NOW_S, SLACK_SECRET } from './signed-app.js';

/** Systems the tests' intake knows (a few of the registry's). */
export const SYSTEMS: SystemChoice[] = [
  { id: 'aws', name: 'Amazon Web Services (AWS)' },
  { id: 'okta-flow', name: 'Okta Workflows' },
  { id: 'okta-sso', name: 'Okta SSO' },
];

export const BOT_TOKEN = 'xoxb-intake-test';

/** The intake's Slack options against `emulator` (override any). */
export function slackOptions(emulator: SlackEmulator, overrides: Partial<NonNullable<IntakeOptions['slack']>> = {}): NonNullable<IntakeOptions['slack']> {
  return {
    signingSecret: SLACK_SECRET,
    helpChannel: HELP_CHANNEL,
    responseUrlBase: 'https://hooks.slack.com/',
    botToken: BOT_TOKEN,
    apiUrl: emulator.url,
    systems: SYSTEMS,
    ...overrides,
  };
}

/** An in-memory intake (fixed clock) whose Slack listeners reach `emulator`. */
export function slackApp(
  gateway: RequestGateway,
  emulator: SlackEmulator,
  extra: Partial<Omit<IntakeDeps, 'gateway' | 'options'>> & { slack?: Partial<NonNullable<IntakeOptions['slack']>>; now?: () => number } = {},
) {
  const { slack, now, ...deps } = extra;
  return createApp({
    gateway,
    options: {
      intakeSecret: 'intake-secret',
      apiToken: 'api-token',
      publicUrl: 'http://tierflow.test',
      slack: slackOptions(emulator, slack),
      gitlab: { webhookSecret: GITLAB_SECRET, project: TRACKER_PATH },
      now: now ?? (() => NOW_S * 1000),
    },
    ...deps,
  });
}

interface InputBlock {
  type: string;
  block_id: string;
  element: { type: string; action_id: string; options?: Array<{ text: unknown; value: string }> };
}

/** The modal as opened (`views.open`), typed enough to read its blocks. */
export function openedModal(view: SlackView | undefined): { callback_id?: string; private_metadata?: string; blocks: InputBlock[] } {
  if (!view) throw new Error('no modal was opened');
  return view.view as { callback_id?: string; private_metadata?: string; blocks: InputBlock[] };
}

/**
 * A `view_submission` of `view` with `entered` (block id → text typed or option value chosen;
 * null or absent: left empty), by `user`, as Slack sends it.
 */
export function viewSubmission(view: SlackView, entered: Record<string, string | null>, user = 'U2147483697') {
  const modal = openedModal(view);
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of modal.blocks.filter((b) => b.type === 'input')) {
    const given = entered[block.block_id] ?? null;
    const { type, action_id, options } = block.element;
    if (type === 'static_select') {
      const chosen = options?.find((o) => o.value === given) ?? (given === null ? null : { text: { type: 'plain_text', text: given }, value: given });
      values[block.block_id] = { [action_id]: { type, selected_option: chosen } };
    } else {
      values[block.block_id] = { [action_id]: { type, value: given } };
    }
  }
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'example' },
    user: { id: user, username: 'steve', name: 'steve', team_id: 'T0001' },
    api_app_id: 'A0TIERFLOW',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    trigger_id: '12466734323.1395872398.4a3c8a3b2b8d1f5e',
    view: {
      ...modal,
      id: view.id,
      team_id: 'T0001',
      type: 'modal',
      private_metadata: modal.private_metadata ?? '',
      state: { values },
      hash: '156663117.cd33ad1f',
      root_view_id: view.id,
      app_id: 'A0TIERFLOW',
      bot_id: 'B0TIERFLOW',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** Slack's `view_closed` (the person cancelled a modal). */
export function viewClosed(view: SlackView) {
  return { type: 'view_closed', team: { id: 'T0001' }, user: { id: 'U2147483697' }, view: { ...openedModal(view), id: view.id }, is_cleared: false };
}
