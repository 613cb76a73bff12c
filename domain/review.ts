/**
 * Learning from crises: a request resolved at Tier 5 ("architecture and crisis management": a
 * crisis, or a request escalated that far) gets a post-incident review issue in the tracker, the
 * way incident tools such as Netflix's Dispatch close an incident: prefilled with the request's
 * timeline and the review's headings, and given to the Tier 5 group. Once per request: a crisis
 * reopened and resolved again is still one incident with one review.
 *
 * Runs started before the `operations-v1` patch (`ctx.legacy.beforeOperations`) open no review,
 * so their recorded histories replay as they ran.
 */
import { announce, record, withEffects, type Decision, type DecisionContext, type EffectBody, type RequestState } from './request.js';

/** The tier whose resolved requests are reviewed: architecture and crisis management. */
export const REVIEW_TIER = 5;

/**
 * True when `state` (just resolved) is due its post-incident review: resolved at Tier 5, by an
 * engineer or marked solved by the requester, never reviewed before, under today's rules.
 * @example reviewDue({ ...crisis, status: 'resolved' }, ctx) // true
 * @example reviewDue({ ...crisis, status: 'resolved', reviewDecided: true }, ctx) // false: reopened and resolved again
 */
export function reviewDue(state: RequestState, ctx: Pick<DecisionContext, 'legacy'>): boolean {
  return state.tier === REVIEW_TIER && state.status === 'resolved' && state.reviewDecided !== true && ctx.legacy?.beforeOperations !== true;
}

/**
 * The review's effect: assigned to the Tier 5 GitLab group (GitLab assigns people, so its
 * members), cc'ing that group and the system's owners, who were in the swarm.
 * @example reviewEffect(crisis, ctx) // { kind: 'open_review_issue', group: 'corp/leadership', cc: ['corp/leadership', 'corp/sys/okta'] }
 */
export function reviewEffect(state: RequestState, ctx: Pick<DecisionContext, 'contacts'>): EffectBody {
  const group = ctx.contacts.find((c) => c.tier === REVIEW_TIER)?.gitlabGroup ?? null;
  const cc = [...new Set([...(group ? [group] : []), ...(state.system ? [state.system.gitlabOwners] : [])])];
  return { kind: 'open_review_issue', group, cc };
}

/**
 * The review a resolution adds, if it is due: the state marked (so a later resolution adds none)
 * and the effect to carry out after the resolution's announcements.
 * @example withReview(resolvedCrisis, ctx) // { state: { ...resolvedCrisis, reviewDecided: true }, bodies: [{ kind: 'open_review_issue', … }] }
 * @example withReview(resolvedAtTier3, ctx) // { state: resolvedAtTier3, bodies: [] }
 */
export function withReview(state: RequestState, ctx: Pick<DecisionContext, 'contacts' | 'legacy'>): { state: RequestState; bodies: EffectBody[] } {
  if (!reviewDue(state, ctx)) return { state, bodies: [] };
  return { state: { ...state, reviewDecided: true }, bodies: [reviewEffect(state, ctx)] };
}

/**
 * The review issue is open: linked from the request, recorded in its timeline, and announced in
 * the thread (mirrored into the swarm channel) and as a note on the request's tracker issue.
 * @example reviewOpened(state, { url: 'https://gitlab.example/corp/tracker/-/issues/8' }, ctx).effects.map((e) => e.kind) // ['thread_reply', 'sync_tracker']
 */
export function reviewOpened(state: RequestState, issue: { url: string }, ctx: Pick<DecisionContext, 'now'>): Decision {
  const next = record(
    { ...state, reviewDecided: true, links: { ...state.links, reviewIssue: issue.url } },
    { at: ctx.now, actor: 'tierflow', action: 'review_opened', note: issue.url },
  );
  return withEffects(next, announce(next, 'review_opened', `Post-incident review: ${issue.url}`));
}
