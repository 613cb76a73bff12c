/**
 * `POST /webhooks/gitlab`: GitLab Issue Hook and Note Hook deliveries for the tracker project.
 * The `X-Gitlab-Token` is compared in constant time with `GITLAB_WEBHOOK_SECRET`; the delivery's
 * `Idempotency-Key` (the same on GitLab's redeliveries) becomes the Temporal update id, so a
 * redelivered close resolves once. Which request an issue belongs to is looked up in Temporal
 * (what tierflow recorded: the request started from the issue, or the `TrackerIssue` search
 * attribute), never read from the issue's text; `gitlab-events.ts` decides. Untracked issues and
 * refused transitions (tierflow closing its own issue on resolution, say) are acknowledged with
 * `200 {ignored}`: GitLab disables hooks that keep failing, and there is nothing for it to retry.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { IntakeDeps } from '../deps.js';
import { ignoredAnswer, parsedOr400 } from '../answers.js';
import { secretEquals } from '../constant-time.js';
import { decideIssueAction, decideIssueHook, decideIssueOpen, decideNoteHook, type GitlabDecision } from '../gitlab-events.js';
import { hookKindSchema, issueHookSchema, noteHookSchema } from '../gitlab-schemas.js';
import { HttpError } from '../http-errors.js';
import { noteOutcome } from '../metrics.js';
import { jsonBody } from '../raw-body.js';
import { GatewayError } from '../temporal-gateway.js';

/**
 * Constant-time token check: both sides are hashed first, so neither the content nor the length
 * of the secret shows in the timing.
 */
export function gitlabTokenMatches(given: string | string[] | undefined, secret: string): boolean {
  return secretEquals(given, secret);
}

/** The update id of a delivery: `gitlab-<Idempotency-Key>` (older GitLab: the event UUID), or none. */
export function gitlabUpdateId(headers: FastifyRequest['headers']): string | undefined {
  const key = [headers['idempotency-key'], headers['x-gitlab-event-uuid']].find(
    (h): h is string => typeof h === 'string' && /^[A-Za-z0-9._:-]{1,200}$/.test(h),
  );
  return key ? `gitlab-${key}` : undefined;
}

/** Registers `POST /webhooks/gitlab` (body raw until the token is checked). */
export function registerGitlabRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const { gateway, options } = deps;
  const gitlab = options.gitlab;

  const verify = async (request: FastifyRequest) => {
    if (!gitlab?.webhookSecret) throw new HttpError(401, 'GitLab webhooks are refused: GITLAB_WEBHOOK_SECRET is not set', undefined, 'not_configured');
    if (!gitlabTokenMatches(request.headers['x-gitlab-token'], gitlab.webhookSecret)) {
      throw new HttpError(401, 'missing or invalid X-Gitlab-Token (the secret token of the webhook)', undefined, 'bad_token');
    }
  };

  const carryOut = async (request: FastifyRequest, decision: GitlabDecision): Promise<unknown> => {
    switch (decision.kind) {
      case 'ignore':
        if (decision.log) request.log.info(decision.log);
        return ignoredAnswer(request, decision.label, decision.reason);
      case 'act_on_issue': {
        const born = await gateway.trackerIssueOf(decision.bornId);
        const recordedBy = born ? null : await gateway.findByTrackerIssue(decision.issue.projectId, decision.issue.iid);
        return carryOut(request, decideIssueAction(decision, { born, recordedBy }));
      }
      case 'open_issue': {
        const recordedBy = await gateway.findByTrackerIssue(decision.issue.projectId, decision.issue.iid);
        const marked = !recordedBy && decision.markedId ? await gateway.trackerIssueOf(decision.markedId) : null;
        return carryOut(request, decideIssueOpen(decision, { recordedBy, marked }));
      }
      case 'start': {
        const started = await gateway.start(decision.input);
        if (started.duplicate) noteOutcome(request, 'duplicate');
        return { ok: true, request: started.id, duplicate: started.duplicate };
      }
      case 'act': {
        const updateId = gitlabUpdateId(request.headers);
        if (!updateId) request.log.warn('GitLab delivery without Idempotency-Key: a redelivery cannot be recognised');
        try {
          const status = await gateway.act(decision.id, decision.action, decision.args, updateId);
          return { ok: true, request: decision.id, status: status.status };
        } catch (err) {
          if (!(err instanceof GatewayError) || err.code === 'unavailable') throw err;
          return err.code === 'not_found' ? ignoredAnswer(request, 'untracked_issue') : ignoredAnswer(request, 'refused', err.message);
        }
      }
    }
  };

  app.post('/webhooks/gitlab', { preHandler: verify, bodyLimit: 2 * 1024 * 1024 }, async (request) => {
    const body = jsonBody(request);
    const { object_kind: kind } = parsedOr400(hookKindSchema.safeParse(body), 'GitLab hook');
    if (kind === 'issue')
      return carryOut(request, decideIssueHook(parsedOr400(issueHookSchema.safeParse(body), 'GitLab Issue Hook'), { project: gitlab!.project }));
    if (kind === 'note')
      return carryOut(request, decideNoteHook(parsedOr400(noteHookSchema.safeParse(body), 'GitLab Note Hook'), { project: gitlab!.project }));
    return ignoredAnswer(request, 'unhandled_hook', `${kind.slice(0, 40)} hooks are not handled`);
  });
}
