/**
 * JSON webhook intake and the request API: `POST /webhooks/requests`, `GET /requests/:id`,
 * `POST /requests/:id/<action>`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { ACTION_UPDATES, type EngineerActionName, type HelpRequestInput } from '../../workflows/contracts.js';
import type { IntakeDeps } from '../app.js';
import { HttpError } from '../http-errors.js';
import { requestIdFor } from '../request-id.js';
import { actionBodySchema, describeIssues, helpRequestBodySchema, requestIdSchema } from '../schemas.js';
import { SIGNATURE_HEADER, verifyBodySignature } from '../signature.js';

interface RouteDeps extends IntakeDeps {
  requireBearer: (request: FastifyRequest) => Promise<void>;
}

function parseId(raw: string): string {
  const parsed = requestIdSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(404, `no request with id ${raw.slice(0, 140)}`);
  return parsed.data;
}

export function registerRequestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { gateway, options } = deps;

  app.post('/webhooks/requests', async (request, reply) => {
    if (!request.rawBody) throw new HttpError(415, 'expected Content-Type: application/json');
    if (options.intakeSecret) {
      if (!verifyBodySignature(options.intakeSecret, request.rawBody ?? Buffer.alloc(0), request.headers[SIGNATURE_HEADER] as string | undefined)) {
        throw new HttpError(401, `missing or invalid ${SIGNATURE_HEADER} (expected sha256=<hex HMAC of the raw body>)`);
      }
    } else {
      request.log.warn('accepting an unsigned request: INTAKE_SECRET is unset (sandbox mode)');
    }
    const parsed = helpRequestBodySchema.safeParse(request.body);
    if (!parsed.success) {
      const { error, details } = describeIssues(parsed.error);
      throw new HttpError(400, error, details);
    }
    const body = parsed.data;
    const input: HelpRequestInput = {
      id: requestIdFor('json', body.idempotencyKey),
      source: 'webhook',
      requester: body.requester,
      summary: body.summary,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.system ? { system: body.system } : {}),
      ...(body.type ? { type: body.type } : {}),
      ...(body.priority ? { priority: body.priority } : {}),
    };
    const started = await gateway.start(input);
    return reply.code(202).send({ ...started, url: `${options.publicUrl}/requests/${started.id}` });
  });

  app.get<{ Params: { id: string } }>('/requests/:id', { onRequest: deps.requireBearer }, async (request) =>
    gateway.status(parseId(request.params.id)),
  );

  app.post<{ Params: { id: string; action: string } }>('/requests/:id/:action', { onRequest: deps.requireBearer }, async (request) => {
    const action = request.params.action;
    if (!Object.hasOwn(ACTION_UPDATES, action)) {
      throw new HttpError(404, `unknown action ${action.slice(0, 40)}; one of ${Object.keys(ACTION_UPDATES).join(', ')}`);
    }
    const parsed = actionBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const { error, details } = describeIssues(parsed.error);
      throw new HttpError(400, error, details);
    }
    const updateId = request.headers['idempotency-key'];
    const args = { ...parsed.data, source: 'api' as const };
    return gateway.act(parseId(request.params.id), action as EngineerActionName, args, typeof updateId === 'string' ? updateId.slice(0, 200) : undefined);
  });
}
