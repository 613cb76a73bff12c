/**
 * Lists of requests straight from Temporal visibility: the filters people ask by (tier, system,
 * status, breached, priority, opened in a range), validated field by field, and the visibility query
 * they make. Every value that reaches the query is checked against a closed set or a strict pattern
 * first, so no filter can break out of its quotes. Shared by `GET /requests`, the CLI and the reports.
 */
import type { RequestStatus } from '../domain/request.js';
import { PRIORITIES, REQUEST_TYPES, type Priority, type RequestType, type Tier } from '../domain/types.js';
import { HELP_REQUEST_WORKFLOW } from './help-request.js';

export const REQUEST_STATUSES: readonly RequestStatus[] = ['open', 'acknowledged', 'waiting_on_requester', 'resolved', 'cancelled', 'closed'];

export interface RequestFilter {
  tier?: Tier;
  system?: string;
  status?: RequestStatus;
  breached?: boolean;
  priority?: Priority;
  type?: RequestType;
  /** Opened at or after this instant (ms). */
  openedSince?: number;
  /** Opened before this instant (ms). */
  openedBefore?: number;
  /** Resolved at or after this instant (ms). */
  resolvedSince?: number;
}

/** One request as a list shows it: what visibility holds of it, no query to the workflow. */
export interface RequestListItem {
  id: string;
  summary: string | null;
  tier: number | null;
  status: string;
  priority: string | null;
  system: string | null;
  type: string | null;
  slaBreached: boolean;
  /** The next breach instant (ISO), while a clock runs. */
  slaDueAt: string | null;
  openedAt: string;
  resolvedAt: string | null;
  firstResponseSeconds: number | null;
  firstResponseMet: boolean | null;
  resolutionSeconds: number | null;
  resolutionMet: boolean | null;
  escalations: number | null;
  reopens: number | null;
  /** False once the workflow has closed (the request is closed or cancelled, or it failed). */
  running: boolean;
}

/** A filter field that cannot be used, and why. */
export class FilterError extends Error {
  override name = 'FilterError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const SYSTEM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function parseInstant(field: string, value: string): number {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) throw new FilterError(field, `${field} must be an ISO date or date-time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z`);
  return at;
}

function one(raw: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = raw[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new FilterError(field, `${field} must be given once`);
  return value;
}

/** The fields a filter accepts (query-string names). */
export const FILTER_FIELDS = ['tier', 'system', 'status', 'breached', 'priority', 'type', 'since', 'until', 'resolvedSince'] as const;

/**
 * A filter from query-string fields (all optional; empty means "any"); throws {@link FilterError}
 * naming the first field that is wrong. Unknown fields are refused too (a typo must not widen a list).
 * @example parseRequestFilter({ tier: '3', breached: 'true' }) // { tier: 3, breached: true }
 */
export function parseRequestFilter(raw: Readonly<Record<string, unknown>>, allowed: readonly string[] = FILTER_FIELDS): RequestFilter {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new FilterError(key, `unknown filter ${key}; use ${allowed.join(', ')}`);
  }
  const filter: RequestFilter = {};
  const tier = one(raw, 'tier');
  if (tier !== undefined) {
    if (!/^[1-5]$/.test(tier)) throw new FilterError('tier', 'tier must be 1 to 5');
    filter.tier = Number(tier) as Tier;
  }
  const system = one(raw, 'system');
  if (system !== undefined) {
    if (!SYSTEM_ID.test(system)) throw new FilterError('system', 'system must be a registry id such as okta-sso (or unknown)');
    filter.system = system;
  }
  const status = one(raw, 'status');
  if (status !== undefined) {
    if (!REQUEST_STATUSES.includes(status as RequestStatus)) throw new FilterError('status', `status must be one of ${REQUEST_STATUSES.join(', ')}`);
    filter.status = status as RequestStatus;
  }
  const breached = one(raw, 'breached');
  if (breached !== undefined) {
    if (breached !== 'true' && breached !== 'false') throw new FilterError('breached', 'breached must be true or false');
    filter.breached = breached === 'true';
  }
  const priority = one(raw, 'priority');
  if (priority !== undefined) {
    if (!PRIORITIES.includes(priority as Priority)) throw new FilterError('priority', `priority must be one of ${PRIORITIES.join(', ')}`);
    filter.priority = priority as Priority;
  }
  const type = one(raw, 'type');
  if (type !== undefined) {
    if (!REQUEST_TYPES.includes(type as RequestType)) throw new FilterError('type', `type must be one of ${REQUEST_TYPES.join(', ')}`);
    filter.type = type as RequestType;
  }
  const since = one(raw, 'since');
  if (since !== undefined) filter.openedSince = parseInstant('since', since);
  const until = one(raw, 'until');
  if (until !== undefined) filter.openedBefore = parseInstant('until', until);
  const resolvedSince = one(raw, 'resolvedSince');
  if (resolvedSince !== undefined) filter.resolvedSince = parseInstant('resolvedSince', resolvedSince);
  if (filter.openedSince !== undefined && filter.openedBefore !== undefined && filter.openedBefore <= filter.openedSince) {
    throw new FilterError('until', 'until must be after since');
  }
  return filter;
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * The visibility query of a filter: help requests only, each once (runs that continued as new are
 * left out). Values are validated again here, so a filter built in code cannot inject either.
 * @example requestListQuery({ tier: 3, breached: true })
 * // "WorkflowType = 'helpRequestWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND Tier = 3 AND SlaBreached = true"
 */
export function requestListQuery(filter: RequestFilter): string {
  const parts = [`WorkflowType = '${HELP_REQUEST_WORKFLOW}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.tier !== undefined) {
    if (![1, 2, 3, 4, 5].includes(filter.tier)) throw new FilterError('tier', 'tier must be 1 to 5');
    parts.push(`Tier = ${filter.tier}`);
  }
  if (filter.system !== undefined) {
    if (!SYSTEM_ID.test(filter.system)) throw new FilterError('system', 'system must be a registry id');
    parts.push(`System = '${filter.system}'`);
  }
  if (filter.status !== undefined) {
    if (!REQUEST_STATUSES.includes(filter.status)) throw new FilterError('status', 'unknown status');
    parts.push(`RequestStatus = '${filter.status}'`);
  }
  if (filter.breached !== undefined) parts.push(`SlaBreached = ${filter.breached ? 'true' : 'false'}`);
  if (filter.priority !== undefined) {
    if (!PRIORITIES.includes(filter.priority)) throw new FilterError('priority', 'unknown priority');
    parts.push(`Priority = '${filter.priority}'`);
  }
  if (filter.type !== undefined) {
    if (!REQUEST_TYPES.includes(filter.type)) throw new FilterError('type', 'unknown type');
    parts.push(`RequestType = '${filter.type}'`);
  }
  const instant = (field: string, at: number | undefined, op: string, key: string) => {
    if (at === undefined) return;
    if (!Number.isFinite(at)) throw new FilterError(field, `${field} must be an instant`);
    parts.push(`${key} ${op} '${iso(at)}'`);
  };
  instant('since', filter.openedSince, '>=', 'OpenedAt');
  instant('until', filter.openedBefore, '<', 'OpenedAt');
  instant('resolvedSince', filter.resolvedSince, '>=', 'ResolvedAt');
  return parts.join(' AND ');
}
