/**
 * Requests read from Temporal visibility, the store the Temporal UI reads: one page at a time with
 * an opaque cursor (`GET /requests`, `tierflow requests list`), or every match for a report, with
 * progress. Nothing here queries a workflow: lists never wake a worker.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import type { temporal } from '@temporalio/proto';

import { SUMMARY_MEMO } from '../contracts/help-request.js';
import { requestListQuery, type RequestFilter, type RequestListItem } from '../contracts/request-list.js';
import {
  EscalationsKey,
  FirstResponseMetKey,
  FirstResponseSecondsKey,
  OpenedAtKey,
  PriorityKey,
  ReopensKey,
  RequestStatusKey,
  RequestTypeKey,
  ResolutionMetKey,
  ResolutionSecondsKey,
  ResolvedAtKey,
  SlaBreachedKey,
  SlaDueAtKey,
  StatusKey,
  SystemKey,
  TierKey,
} from '../contracts/search-attributes.js';

/** Most requests one page holds. */
export const MAX_PAGE_SIZE = 200;
/** Longest cursor accepted (a visibility page token, base64url). */
const MAX_CURSOR_CHARS = 2_048;

export interface RequestPage {
  items: RequestListItem[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** A cursor that is not one this service gave out. */
export class CursorError extends Error {
  override name = 'CursorError';
}

function decodeCursor(cursor: string | undefined): Uint8Array | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorError('cursor is not one this service gave out');
  return Buffer.from(cursor, 'base64url');
}

const date = (value: Date | undefined): string | null => (value instanceof Date && Number.isFinite(value.getTime()) ? value.toISOString() : null);

function memoSummary(memo: temporal.api.common.v1.IMemo | null | undefined): string | null {
  const payload = memo?.fields?.[SUMMARY_MEMO];
  if (!payload) return null;
  try {
    const value = defaultPayloadConverter.fromPayload<unknown>(payload);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** One visibility row as a list item. */
export function itemOf(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): RequestListItem {
  const attrs: TypedSearchAttributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
  const startTime = raw.startTime?.seconds ? new Date(Number(raw.startTime.seconds) * 1000) : undefined;
  const running = raw.status === 1; // WORKFLOW_EXECUTION_STATUS_RUNNING
  return {
    id: raw.execution?.workflowId ?? '',
    summary: memoSummary(raw.memo),
    tier: attrs.get(TierKey) ?? null,
    status: attrs.get(RequestStatusKey) ?? attrs.get(StatusKey) ?? (running ? 'open' : 'closed'),
    priority: attrs.get(PriorityKey) ?? null,
    system: attrs.get(SystemKey) ?? null,
    type: attrs.get(RequestTypeKey) ?? null,
    slaBreached: attrs.get(SlaBreachedKey) ?? false,
    slaDueAt: date(attrs.get(SlaDueAtKey)),
    openedAt: date(attrs.get(OpenedAtKey)) ?? date(startTime) ?? '',
    resolvedAt: date(attrs.get(ResolvedAtKey)),
    firstResponseSeconds: attrs.get(FirstResponseSecondsKey) ?? null,
    firstResponseMet: attrs.get(FirstResponseMetKey) ?? null,
    resolutionSeconds: attrs.get(ResolutionSecondsKey) ?? null,
    resolutionMet: attrs.get(ResolutionMetKey) ?? null,
    escalations: attrs.get(EscalationsKey) ?? null,
    reopens: attrs.get(ReopensKey) ?? null,
    running,
  };
}

/**
 * One page of the requests matching `filter`, newest first as visibility orders them.
 * Throws {@link CursorError} for a cursor it did not give out; Temporal's errors pass through.
 */
export async function listRequests(client: Client, filter: RequestFilter, opts: { cursor?: string; pageSize?: number } = {}): Promise<RequestPage> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, opts.pageSize ?? 50));
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: requestListQuery(filter),
    pageSize,
    nextPageToken: decodeCursor(opts.cursor),
  });
  const token = response.nextPageToken;
  return {
    items: (response.executions ?? []).map(itemOf),
    nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null,
  };
}

/**
 * Every request matching `filter` (for reports), page after page; `onPage` hears how many were
 * read so far (a CLI shows it as progress). Stops at `limit` requests.
 */
export async function readAllRequests(
  client: Client,
  filter: RequestFilter,
  opts: { limit?: number; pageSize?: number; onPage?: (read: number) => void } = {},
): Promise<RequestListItem[]> {
  const limit = opts.limit ?? 100_000;
  const items: RequestListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRequests(client, filter, { cursor, pageSize: opts.pageSize ?? MAX_PAGE_SIZE });
    items.push(...page.items);
    opts.onPage?.(items.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < limit);
  return items.slice(0, limit);
}
