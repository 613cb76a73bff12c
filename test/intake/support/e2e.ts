/**
 * End-to-end intake: a worker on the real dev server against the Slack and GitLab emulators (the
 * shared harness), and the intake listening on a real port with Slack and GitLab secrets, driven
 * with payloads signed like Slack's and GitLab's.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';

import { WebClient } from '@slack/web-api';

import type { TierflowConfig } from '../../../domain/config.js';
import { createApp } from '../../../intake/app.js';
import { signRequest } from '../../../intake/signature.js';
import { createSlackDirectory } from '../../../intake/slack-directory.js';
import { slackSignatureHeaders } from '../../../intake/slack-signature.js';
import { createTemporalGateway } from '../../../intake/temporal-gateway.js';
import type { RequestStatusView } from '../../../contracts/help-request.js';
import { HELP_CHANNEL, startDevServerHarness, TRACKER, type Harness } from '../../support/harness.js';
import { formEncode, GITLAB_SECRET, SLACK_SECRET } from './signed-app.js';

export interface E2eIntake {
  harness: Harness;
  client: Client;
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

export const API_TOKEN = 'e2e-api-token';
export const INTAKE_SECRET = 'e2e-intake-secret';

/** Starts the worker harness and an intake with Slack and GitLab configured (tracker = the emulator's project). */
export async function startE2eIntake(
  address: string,
  opts: { responseUrlBase?: string; config?: TierflowConfig; namespace?: 'fresh' } = {},
): Promise<E2eIntake> {
  const stack = await startDevServerHarness(address, {
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  });
  const { harness, client } = stack;
  const app = createApp({
    gateway: createTemporalGateway(client, { taskQueue: harness.taskQueue }),
    options: {
      intakeSecret: INTAKE_SECRET,
      apiToken: API_TOKEN,
      publicUrl: 'http://tierflow.test',
      slack: { signingSecret: SLACK_SECRET, helpChannel: HELP_CHANNEL, ...(opts.responseUrlBase ? { responseUrlBase: opts.responseUrlBase } : {}) },
      gitlab: { webhookSecret: GITLAB_SECRET, project: TRACKER },
    },
    // Who clicked: the clicker's groups, read from the Slack emulator through the real client.
    slackDirectory: createSlackDirectory(new WebClient('xoxb-e2e-intake', { slackApiUrl: harness.sandbox.slack.url, retryConfig: { retries: 0 } })),
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    harness,
    client,
    app,
    baseUrl,
    async close() {
      await app.close();
      await stack.close();
    },
  };
}

async function answer(res: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `POST /webhooks/requests`, signed now with the intake secret. */
export async function submitRequest(baseUrl: string, body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  return answer(
    await fetch(`${baseUrl}/webhooks/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(INTAKE_SECRET, raw, Date.now() / 1000) },
      body: raw,
    }),
  );
}

/** A call of the request API with the operators' bearer token. */
export async function apiCall(baseUrl: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  return answer(
    await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

/** Posts a body to a Slack route, signed now, as Slack does (optionally with retry headers). */
export async function slackPost(baseUrl: string, path: string, body: string, headers: Record<string, string> = {}) {
  const contentType = path === '/slack/events' ? 'application/json' : 'application/x-www-form-urlencoded';
  const signed = slackSignatureHeaders(SLACK_SECRET, body, Math.floor(Date.now() / 1000));
  return answer(await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...signed, ...headers }, body }));
}

export const slackEvent = (baseUrl: string, payload: unknown, headers: Record<string, string> = {}) =>
  slackPost(baseUrl, '/slack/events', JSON.stringify(payload), headers);
export const slackClick = (baseUrl: string, payload: unknown) => slackPost(baseUrl, '/slack/interactions', formEncode({ payload: JSON.stringify(payload) }));

/** Delivers a GitLab hook with the secret token and an Idempotency-Key. */
export async function gitlabPost(baseUrl: string, payload: unknown, key: string, event = 'Issue Hook') {
  return answer(
    await fetch(`${baseUrl}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-token': GITLAB_SECRET, 'x-gitlab-event': event, 'idempotency-key': key },
      body: JSON.stringify(payload),
    }),
  );
}

/** `GET /requests/:id`, or null when the request does not exist (yet). */
export async function requestStatus(baseUrl: string, id: string): Promise<RequestStatusView | null> {
  const res = await fetch(`${baseUrl}/requests/${id}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  return res.status === 200 ? ((await res.json()) as RequestStatusView) : null;
}

/** A Slack timestamp no other test uses. */
export function freshTs(): string {
  const micros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/** A Slack event id no other test uses. */
export function freshEventId(): string {
  return `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
}
