/**
 * How the benchmark and the fault harness send and inspect requests: a signed webhook POST as a
 * sender does it, the raw `client.workflow.start` the intake makes (same options), engineer
 * actions over the API, and what the emulators hold per request (threads, issues, duplicates).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Client } from '@temporalio/client';

import { EFFECT_EVENT_TYPE, THREAD_EVENT_TYPE } from '../../contracts/slack-ids.js';
import { markedEffectId, markedRequestId } from '../../contracts/tracker-marker.js';
import type { Priority, RequestType } from '../../domain/types.js';
import { requestIdFor } from '../../intake/request-id.js';
import { signRequest } from '../../intake/signature.js';
import { HELP_REQUEST_WORKFLOW, helpRequestStartOptions } from '../../contracts/help-request.js';
import type { HelpRequestInput, RequestStatusView } from '../../contracts/help-request.js';
import { API_TOKEN, HELP_CHANNEL, INTAKE_SECRET, TRACKER, type Stack } from './stack.js';

/** What these helpers read of a stack: any set of intake, Temporal client and emulators will do (`cluster/` drives its own). */
export type StackView = Pick<Stack, 'intakeUrl' | 'client' | 'sandbox'>;

export interface RequestSpec {
  key: string;
  priority?: Priority;
  type?: RequestType;
  system?: string;
}

/** The request id the intake derives from an idempotency key (`intake/request-id.ts`). */
export const requestIdOf = (key: string) => requestIdFor('json', key);

/** A valid JSON intake body. */
export function webhookBody(spec: RequestSpec): Record<string, unknown> {
  return {
    requester: { email: 'ada@example.com', name: 'Ada' },
    summary: `Bench request ${spec.key}`,
    system: spec.system ?? 'okta-sso',
    priority: spec.priority ?? 'P3',
    ...(spec.type ? { type: spec.type } : {}),
    idempotencyKey: spec.key,
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

/** POSTs a signed webhook to the intake, as a sender does; network errors become status 0. */
export async function postWebhook(intakeUrl: string, spec: RequestSpec): Promise<Answer> {
  const raw = JSON.stringify(webhookBody(spec));
  const t0 = performance.now();
  try {
    const res = await fetch(`${intakeUrl}/webhooks/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(INTAKE_SECRET, raw, Date.now() / 1000) },
      body: raw,
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, body, headers: res.headers, ms: performance.now() - t0 };
  } catch (err) {
    return { status: 0, body: { error: String(err) }, headers: new Headers(), ms: performance.now() - t0 };
  }
}

/** An engineer action over the API (`/requests/:id/<action>`). */
export async function act(stack: StackView, id: string, action: string, body: Record<string, unknown> = { actor: 'grace' }): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${stack.intakeUrl}/requests/${id}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown>, headers: res.headers, ms: performance.now() - t0 };
  } catch (err) {
    return { status: 0, body: { error: String(err) }, headers: new Headers(), ms: performance.now() - t0 };
  }
}

/** What the intake hands Temporal for a webhook body (`intake/routes/requests.ts`). */
export function inputOf(spec: RequestSpec): HelpRequestInput {
  return {
    id: requestIdOf(spec.key),
    source: 'webhook',
    requester: { email: 'ada@example.com', name: 'Ada' },
    summary: `Bench request ${spec.key}`,
    system: spec.system ?? 'okta-sso',
    priority: spec.priority ?? 'P3',
    ...(spec.type ? { type: spec.type } : {}),
  };
}

/** The start the intake's gateway makes, made directly: same options, no HTTP. */
export async function rawStart(client: Client, taskQueue: string, input: HelpRequestInput): Promise<void> {
  try {
    await client.workflow.start(HELP_REQUEST_WORKFLOW, helpRequestStartOptions(input, taskQueue));
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The status of a request (the workflow's status query). */
export function statusOf(stack: StackView, id: string): Promise<RequestStatusView> {
  return stack.client.workflow.getHandle(id).query<RequestStatusView>('status');
}

/** The instant (epoch ms) of a Slack ts `"seconds.micros"`. */
export const tsMillis = (ts: string) => Number(ts.split('.')[0]) * 1000 + Math.floor(Number((ts.split('.')[1] ?? '0').padEnd(6, '0')) / 1000);

interface Counts {
  /** Request id → number of Slack threads opened for it. */
  threads: Map<string, number>;
  /** Request id → Slack ts (epoch ms) of its first thread message. */
  firstPostAt: Map<string, number>;
  /** Request id → number of tracker issues for it. */
  issues: Map<string, number>;
  /** Effect id (`<request id>#<n>`) → Slack replies written for it. */
  replies: Map<string, number>;
  /** Effect id → tracker notes written for it. */
  notes: Map<string, number>;
}

/** What the emulators hold, per request. */
export function emulatorCounts(stack: StackView): Counts {
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const threads = new Map<string, number>();
  const firstPostAt = new Map<string, number>();
  const replies = new Map<string, number>();
  for (const message of stack.sandbox.slack.messages) {
    if (message.channel !== HELP_CHANNEL || !message.metadata) continue;
    const payload = message.metadata.event_payload as { request_id?: string; effect_id?: string };
    if (message.metadata.event_type === THREAD_EVENT_TYPE && payload.request_id) {
      bump(threads, payload.request_id);
      const at = tsMillis(message.ts);
      firstPostAt.set(payload.request_id, Math.min(at, firstPostAt.get(payload.request_id) ?? at));
    }
    if (message.metadata.event_type === EFFECT_EVENT_TYPE && payload.effect_id) bump(replies, payload.effect_id);
  }
  const issues = new Map<string, number>();
  const notes = new Map<string, number>();
  for (const issue of stack.sandbox.gitlab.issues(TRACKER)) {
    const id = markedRequestId(issue.description);
    if (id) bump(issues, id);
    for (const note of stack.sandbox.gitlab.notes(TRACKER, issue.iid)) {
      const effect = markedEffectId(note.body);
      if (effect) bump(notes, effect);
    }
  }
  return { threads, firstPostAt, issues, replies, notes };
}

export interface Duplicates {
  threads: number;
  issues: number;
  replies: number;
  notes: number;
}

/** Requests of `ids` with more than one thread or issue, and their effects written more than once. */
export function duplicatesAmong(counts: Counts, ids: string[]): Duplicates {
  const wanted = new Set(ids);
  const extra = (map: Map<string, number>) =>
    [...map].filter(([effect]) => wanted.has(effect.replace(/#\d+$/, ''))).reduce((n, [, c]) => n + Math.max(0, c - 1), 0);
  return {
    threads: ids.filter((id) => (counts.threads.get(id) ?? 0) > 1).length,
    issues: ids.filter((id) => (counts.issues.get(id) ?? 0) > 1).length,
    replies: extra(counts.replies),
    notes: extra(counts.notes),
  };
}
