/**
 * A gitbeaker requester that makes exactly one HTTP request per API call and never retries.
 *
 * Why: `@gitbeaker/rest`'s default handler retries 429 and 502 answers up to 10 times on its own.
 * A create whose answer is lost (the issue was made, then a proxy answered 502) is then sent
 * again and makes a duplicate, before our activity can look for what it already did. With this
 * requester the error reaches the activity, Temporal retries the activity, and the retry first
 * searches for its marker. Inside an activity, a request that could outlive the attempt is not
 * sent (`attempt-time.ts`), so an attempt timed out by Temporal never writes beside its retry.
 * Errors keep gitbeaker's shapes: `GitbeakerRequestError` with
 * `cause.{description, request, response}`, `GitbeakerTimeoutError` on timeout.
 */
import {
  createRequesterFn,
  getMatchingRateLimiter,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  type FormattedResponse,
  type RateLimiters,
  type RequesterType,
  type ResourceOptions,
  type ResponseBodyTypes,
} from '@gitbeaker/requester-utils';

import { ensureCallFits } from './attempt-time.js';

/** Default time one GitLab HTTP request may take, answer body included. */
export const DEFAULT_GITLAB_TIMEOUT_MS = 10_000;

/** The request options gitbeaker's `createRequesterFn` hands to a request handler. */
interface HandlerOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  asStream?: boolean;
  signal?: AbortSignal;
  rateLimiters?: RateLimiters;
}

async function parseBody(response: Response, asStream: boolean): Promise<ResponseBodyTypes> {
  if (asStream) return response.body as ReadableStream;
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (type === 'application/json') return ((await response.json()) as ResponseBodyTypes) || {};
  if (type.startsWith('text/')) return (await response.text()) || '';
  return response.blob();
}

async function requestError(request: Request, response: Response): Promise<GitbeakerRequestError> {
  const content = await response.text().catch(() => '');
  let description = content;
  if (response.headers.get('content-type')?.includes('application/json')) {
    try {
      const output = JSON.parse(content) as { error?: unknown; message?: unknown } | null;
      const said = output?.error || output?.message || '';
      description = typeof said === 'string' ? said : JSON.stringify(said);
    } catch {
      // Not JSON after all: keep the raw text.
    }
  }
  return new GitbeakerRequestError(description, { cause: { description, request, response } });
}

const isAbort = (e: unknown): boolean => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

/**
 * Builds the `requesterFn` to pass to `new Gitlab({ requesterFn })`.
 * @example new Gitlab({ host, token, requesterFn: createSingleAttemptRequesterFn({ timeoutMs: 10_000 }) })
 */
export function createSingleAttemptRequesterFn(opts: { timeoutMs?: number } = {}): (resourceOptions: ResourceOptions) => RequesterType {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_GITLAB_TIMEOUT_MS;
  const handler = async (endpoint: string, options?: Record<string, unknown>): Promise<FormattedResponse> => {
    const { rateLimiters, asStream = false, prefixUrl, searchParams, method = 'GET', signal, headers, body } = (options ?? {}) as HandlerOptions;
    const url = new URL(endpoint, prefixUrl ? (prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`) : undefined);
    url.search = searchParams ?? '';
    const timeout = AbortSignal.timeout(timeoutMs);
    const request = new Request(url, { method, headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await getMatchingRateLimiter(endpoint, rateLimiters, method)();
    // In an activity: refused (retryable) unless it can end before the attempt times out.
    ensureCallFits(`GitLab ${method} ${url.pathname}`, timeoutMs);
    try {
      const response = await fetch(request);
      if (!response.ok) throw await requestError(request, response);
      const parsed = await parseBody(response, asStream);
      return { body: parsed, headers: Object.fromEntries(response.headers.entries()), status: response.status };
    } catch (e) {
      if (isAbort(e)) throw new GitbeakerTimeoutError(`Query timeout was reached (${method} ${url.pathname})`, { cause: e });
      throw e;
    }
  };
  return createRequesterFn((_, requestOptions) => Promise.resolve(requestOptions), handler);
}
