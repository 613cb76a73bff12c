/**
 * An intake app with Slack and GitLab configured with test secrets and a fixed clock, and helpers
 * that deliver payloads the way Slack and GitLab do (signed, form-encoded or JSON).
 */
import { createApp } from '../../../intake/app.js';
import { type IntakeDeps } from '../../../intake/deps.js';
import { slackSignatureHeaders } from '../../../intake/slack-signature.js';
import type { RequestGateway } from '../../../intake/temporal-gateway.js';
import { HELP_CHANNEL, TRACKER_PATH } from './payloads.js';

export const SLACK_SECRET = 'slack-test-signing-secret';
export const GITLAB_SECRET = 'gitlab-test-webhook-secret';
/** The fixed "now" of in-memory tests: 2024-03-04 10:00:00 UTC, in seconds. */
export const NOW_S = 1_709_546_400;

export function signedApp(gateway: RequestGateway, extra: Partial<IntakeDeps> & { slackSecret?: string | null; gitlabSecret?: string | null } = {}) {
  const { slackSecret = SLACK_SECRET, gitlabSecret = GITLAB_SECRET, ...deps } = extra;
  return createApp({
    gateway,
    options: {
      intakeSecret: 'intake-secret',
      apiToken: 'api-token',
      publicUrl: 'http://tierflow.test',
      slack: { signingSecret: slackSecret, helpChannel: HELP_CHANNEL, responseUrlBase: 'https://hooks.slack.com/' },
      gitlab: { webhookSecret: gitlabSecret, project: TRACKER_PATH },
      now: () => NOW_S * 1000,
    },
    ...deps,
  });
}

type App = ReturnType<typeof signedApp>;

/** Form-encodes fields the way Slack does. */
export function formEncode(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Posts a raw body to a Slack route, signed at `timestamp` (default: the fixed now) with `secret`. */
export function postSlack(
  app: App,
  path: string,
  body: string,
  opts: { timestamp?: number; secret?: string; contentType?: string; headers?: Record<string, string> } = {},
) {
  const contentType = opts.contentType ?? (path === '/slack/events' ? 'application/json' : 'application/x-www-form-urlencoded');
  return app.inject({
    method: 'POST',
    url: path,
    payload: body,
    headers: { 'content-type': contentType, ...slackSignatureHeaders(opts.secret ?? SLACK_SECRET, body, opts.timestamp ?? NOW_S), ...opts.headers },
  });
}

/** Delivers an Events API payload. */
export const postEvent = (app: App, payload: unknown, opts: Parameters<typeof postSlack>[3] = {}) =>
  postSlack(app, '/slack/events', JSON.stringify(payload), opts);
/** Delivers a slash command. */
export const postCommand = (app: App, fields: Record<string, string>) => postSlack(app, '/slack/commands', formEncode(fields));
/** Delivers an interaction (`payload` form field). */
export const postInteraction = (app: App, payload: unknown) => postSlack(app, '/slack/interactions', formEncode({ payload: JSON.stringify(payload) }));

/** Delivers a GitLab hook with the token and an Idempotency-Key. */
export function postGitlab(app: App, payload: unknown, opts: { token?: string | null; key?: string; event?: string } = {}) {
  const token = opts.token === undefined ? GITLAB_SECRET : opts.token;
  return app.inject({
    method: 'POST',
    url: '/webhooks/gitlab',
    payload: JSON.stringify(payload),
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': opts.event ?? 'Issue Hook',
      ...(token !== null ? { 'x-gitlab-token': token } : {}),
      ...(opts.key ? { 'idempotency-key': opts.key } : {}),
    },
  });
}
