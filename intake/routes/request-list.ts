/**
 * `GET /requests?tier=&system=&status=&breached=&priority=&type=&since=&until=&cursor=&limit=`: a page
 * of requests from Temporal visibility (bearer token), `{ items, nextCursor }`. Every filter field is
 * validated by `parseRequestFilter` (unknown fields too, so a typo never widens a list); a wrong
 * field, or a cursor this service did not give out for the same filter (`list-cursor.ts`), is a 400
 * naming the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { FILTER_FIELDS, FilterError, parseRequestFilter, type RequestFilter } from '../../contracts/request-list.js';
import { HttpError } from '../http-errors.js';
import { openCursor, sealCursor } from '../list-cursor.js';
import { CursorError, MAX_PAGE_SIZE } from '../../queries/requests.js';
import type { RequestGateway } from '../temporal-gateway.js';

/** Requests a page holds when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 50;

export interface RequestListDeps {
  gateway: RequestGateway;
  requireBearer: (request: FastifyRequest) => Promise<void>;
  /** Seals the cursors handed out (`listCursorKey(API_TOKEN)`). */
  cursorKey: Buffer;
}

/**
 * A 400 naming the query field that is wrong, in the contract's `{error, details}` shape.
 * @example throw invalidQuery('limit', 'limit must be a whole number from 1 to 200')
 */
export function invalidQuery(field: string, problem: string): HttpError {
  // The field may be a name the client made up: it is echoed bounded, as JSON (never HTML).
  const name = field.slice(0, 60);
  return new HttpError(400, `invalid query: ${name}: ${problem}`, [{ field: name, problem }], 'invalid_query');
}

/** The filter of a query's filter fields, or a 400 naming the first wrong one. */
export function filterOr400(fields: Readonly<Record<string, unknown>>, allowed: readonly string[] = FILTER_FIELDS): RequestFilter {
  try {
    return parseRequestFilter(fields, allowed);
  } catch (err) {
    if (err instanceof FilterError) throw invalidQuery(err.field, err.message);
    throw err;
  }
}

/** A query field given at most once, as text (undefined when absent or empty); a repeated one is a 400. */
export function queryText(query: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidQuery(field, `${field} must be given once`);
  return value;
}

function pageSizeOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  const n = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE)) throw invalidQuery('limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

export function registerRequestListRoutes(app: FastifyInstance, deps: RequestListDeps): void {
  // `/requests` and `/requests/:id` are different routes to Fastify's router (a parameter never
  // matches an empty segment), so the order of registration does not matter.
  app.get<{ Querystring: Record<string, unknown> }>('/requests', { onRequest: deps.requireBearer }, async (request) => {
    const { cursor: _cursor, limit: _limit, ...fields } = request.query;
    const cursor = queryText(request.query, 'cursor');
    const pageSize = pageSizeOf(queryText(request.query, 'limit'));
    const filter = filterOr400(fields);
    const token = cursor === undefined ? undefined : openCursor(deps.cursorKey, filter, cursor);
    if (token === null)
      throw invalidQuery('cursor', 'cursor is not one this service gave out for this filter; pass the nextCursor of the previous page, with the same filter');
    try {
      const page = await deps.gateway.listRequests(filter, { pageSize, ...(token ? { cursor: token } : {}) });
      return { items: page.items, nextCursor: sealCursor(deps.cursorKey, filter, page.nextCursor) };
    } catch (err) {
      if (err instanceof CursorError) throw invalidQuery('cursor', `${err.message}; pass the nextCursor of the previous page, with the same filter`);
      if (err instanceof FilterError) throw invalidQuery(err.field, err.message);
      throw err;
    }
  });
}
