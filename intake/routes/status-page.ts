/**
 * `GET /status/:id?exp=&sig=`: the requester's page, reached by the signed, expiring link of
 * `status-link.ts` instead of a token. The link is checked before Temporal is asked anything; the
 * answer is always HTML (also for a bad link), never cached, never framed, with no referrer sent on.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import { requestIdSchema } from '../schemas.js';
import { renderProblemPage, renderStatusPage, STATUS_PAGE_CSP, type StatusPageProblem } from '../status-page-html.js';
import { verifyStatusLink } from '../status-link.js';
import { GatewayError, type RequestGateway } from '../temporal-gateway.js';

export interface StatusPageDeps {
  gateway: RequestGateway;
  /** The link key (`statusLinkKey(API_TOKEN)`). */
  key: Buffer;
  /** Epoch ms, for the link's expiry. */
  now: () => number;
}

const PROBLEM_STATUS: Readonly<Record<StatusPageProblem, number>> = { invalid: 403, expired: 410, not_found: 404, unavailable: 503 };

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': STATUS_PAGE_CSP,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    })
    .send(body);
}

const problem = (reply: FastifyReply, which: StatusPageProblem) => {
  if (which === 'unavailable') reply.header('retry-after', '5');
  return html(reply, PROBLEM_STATUS[which], renderProblemPage(which));
};

export function registerStatusPageRoutes(app: FastifyInstance, deps: StatusPageDeps): void {
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/status/:id', async (request, reply) => {
    const id = requestIdSchema.safeParse(request.params.id);
    // An id that no request can have is answered like a bad signature: the page says nothing more.
    if (!id.success) return problem(reply, 'invalid');
    const link = verifyStatusLink(id.data, request.query, { key: deps.key, now: deps.now() });
    if (!link.ok) return problem(reply, link.reason);
    try {
      const view = await deps.gateway.status(id.data);
      return html(reply, 200, renderStatusPage(view, { linkExpiresAt: link.exp * 1000 }));
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'not_found') return problem(reply, 'not_found');
      if (err instanceof GatewayError) request.log.warn({ err, requestId: id.data }, 'status page: Temporal could not answer');
      else request.log.error({ err, requestId: id.data }, 'status page: unexpected error');
      return problem(reply, 'unavailable');
    }
  });
}
