/** Test helpers: a request opened on the default calendar and policy, and actions on it at chosen instants. */
import { DEFAULT_CALENDAR } from '../../../domain/calendar.js';
import { applyAction, type ActionArgs, type ActionContext, type ActionName } from '../../../domain/request-actions.js';
import { openRequest, type NewRequest, type RequestState, type SystemRef } from '../../../domain/request.js';
import { DEFAULT_SLA_POLICY } from '../../../domain/sla-policy.js';
import type { Tier } from '../../../domain/types.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;
/** Mon 23 Nov 2026 09:00 UTC. */
export const MONDAY_9 = Date.UTC(2026, 10, 23, 9);
/** Fri 27 Nov 2026 22:00 UTC. */
export const FRIDAY_22 = Date.UTC(2026, 10, 27, 22);

export const okta: SystemRef = {
  id: 'okta-sso',
  name: 'Okta SSO',
  gitlabLabel: 'corpsys::okta-sso',
  gitlabOwners: 'gitlab-com/gl-security/corp/sys/okta',
  slackOwners: 'sysowners-okta-sso',
};
export const aws: SystemRef = {
  id: 'aws',
  name: 'AWS',
  gitlabLabel: 'corpsys::aws',
  gitlabOwners: 'gitlab-com/gl-security/corp/sys/aws',
  slackOwners: 'sysowners-aws',
};

/** Tiers 2–5 each stand behind `tier<N>-group`; okta and aws can be reassigned to. */
export function ctxAt(now: number): ActionContext {
  return {
    now,
    calendar: DEFAULT_CALENDAR,
    policy: DEFAULT_SLA_POLICY,
    contacts: ([2, 3, 4, 5] as Tier[]).map((tier) => ({ tier, name: `Tier ${tier}`, slackGroup: `tier${tier}-group`, gitlabGroup: `corp/tier${tier}` })),
    systems: [okta, aws],
  };
}

/** A P2 question about Okta from ada@example.com (Slack user U1), opened at `at` at Tier 2. */
export function open(at = MONDAY_9, overrides: Partial<NewRequest> = {}): RequestState {
  return openRequest(
    {
      id: 'req-1',
      requester: { email: 'ada@example.com', slackUserId: 'U1' },
      summary: 'MFA',
      type: 'question',
      priority: 'P2',
      system: okta,
      startTier: 2,
      mentions: ['it-helpdesk-emea'],
      ...overrides,
    },
    ctxAt(at),
  ).state;
}

/** `action` by grace (unless `args` says who) at `at`, one hour after Monday 09:00 by default. */
export function act(state: RequestState, action: ActionName, args: Partial<ActionArgs> = {}, at = MONDAY_9 + HOUR) {
  return applyAction(state, action, { actor: 'grace', ...args }, ctxAt(at));
}
