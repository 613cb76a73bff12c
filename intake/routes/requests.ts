/**
 * JSON webhook intake and the request API: `POST /webhooks/requests`, `GET /requests/:id`,
 * `POST /requests/:id/<action>`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { ACTION_UPDATES, type ActionName, type HelpRequestInput } from '../../contracts/help-request.js';
import { parsedOr400 } from '../answers.js';
import type { WiredIntakeDeps } from '../deps.js';
import { HttpError } from '../http-errors.js';
import { noteOutcome } from '../metrics.js';
import { jsonBody, rawBodyOf } from '../raw-body.js';
import { apiUpdateId, deliveryRequestId, requestIdFor } from '../request-id.js';
import { actionBodySchema, helpRequestBodySchema, requestIdSchema } from '../schemas.js';
import { checkSignatureHeader, checkSignedBody, isSignatureProblem, SIGNATURE_HEADER, signedContent, type SignatureHeader } from '../signature.js';

interface RouteDeps extends WiredIntakeDeps {
  requireBearer: (request: FastifyRequest) => Promise<void>;
}

function parseId(raw: string): string {
  const parsed = requestIdSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(404, `no request with id ${raw.slice(0, 140)}`);
  return parsed.data;
}

/** The Update id of an API action: none without `Idempotency-Key`, `api-<key>` with a valid one, else 400. */
function updateIdOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  const updateId = typeof key === 'string' ? apiUpdateId(key) : null;
  if (!updateId) {
    throw new HttpError(400, 'invalid Idempotency-Key: expected 1..200 characters of A-Z a-z 0-9 . _ : - (sent once)', undefined, 'invalid_idempotency_key');
  }
  return updateId;
}

export function registerRequestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { gateway, options } = deps;

  const now = options.now ?? Date.now;
  const secret = options.intakeSecret;
  /** Signature headers that passed the pre-body check, for the handler's HMAC check. */
  const checkedHeaders = new WeakMap<FastifyRequest, SignatureHeader>();

  // Runs before the body is read: a missing, malformed or out-of-window header costs us no body.
  const checkHeader = async (request: FastifyRequest) => {
    const checked = checkSignatureHeader(request.headers[SIGNATURE_HEADER], now());
    if (isSignatureProblem(checked)) throw new HttpError(401, checked.message, undefined, checked.reason);
    checkedHeaders.set(request, checked);
  };

  /** The verified header of a signed delivery (401 otherwise); null when unsigned bodies are accepted (sandbox). */
  const verify = (request: FastifyRequest, raw: Buffer): SignatureHeader | null => {
    if (!secret) {
      request.log.warn('accepting an unsigned request: INTAKE_SECRET is unset (sandbox mode)');
      return null;
    }
    const header = checkedHeaders.get(request);
    if (!header) throw new HttpError(401, 'missing X-Tierflow-Signature', undefined, 'bad_signature');
    const problem = checkSignedBody(secret, raw, header);
    if (problem) throw new HttpError(401, problem.message, undefined, problem.reason);
    return header;
  };

  // The body stays raw bytes until the signature is checked (raw-body.ts).
  app.post('/webhooks/requests', secret ? { onRequest: checkHeader } : {}, async (request, reply) => {
    const raw = rawBodyOf(request);
    const signed = verify(request, raw);
    const body = parsedOr400(helpRequestBodySchema.safeParse(jsonBody(request)), 'request');
    // A replay of a signed delivery carries the same key, or the same "<t>.<body>": the same id.
    const id =
      body.idempotencyKey !== undefined
        ? requestIdFor('json', body.idempotencyKey)
        : signed
          ? deliveryRequestId('json', signedContent(signed, raw))
          : requestIdFor('json', undefined);
    const input: HelpRequestInput = {
      id,
      source: 'webhook',
      requester: body.requester,
      summary: body.summary,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.system ? { system: body.system } : {}),
      ...(body.type ? { type: body.type } : {}),
      ...(body.priority ? { priority: body.priority } : {}),
    };
    const started = await gateway.start(input);
    if (started.duplicate) noteOutcome(request, 'duplicate');
    // `url` is the requester's page (a signed, expiring link, no token); `api` is the operators' status (bearer token).
    return reply.code(202).send({ ...started, url: deps.statusUrl(started.id), api: `${options.publicUrl}/requests/${started.id}` });
  });

  app.get<{ Params: { id: string } }>('/requests/:id', { onRequest: deps.requireBearer }, async (request) => gateway.status(parseId(request.params.id)));

  app.post<{ Params: { id: string; action: string } }>('/requests/:id/:action', { onRequest: deps.requireBearer }, async (request) => {
    const action = request.params.action;
    if (!Object.hasOwn(ACTION_UPDATES, action)) {
      throw new HttpError(404, `unknown action ${action.slice(0, 40)}; one of ${Object.keys(ACTION_UPDATES).join(', ')}`);
    }
    // An action without a body is an action by `api` with no note.
    const body = rawBodyOf(request).length === 0 ? {} : jsonBody(request);
    const args = { ...parsedOr400(actionBodySchema.safeParse(body), 'request'), source: 'api' as const };
    return gateway.act(parseId(request.params.id), action as ActionName, args, updateIdOf(request));
  });
}
