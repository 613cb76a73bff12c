/**
 * Shared vocabulary of the tierflow domain core. Plain string/number unions so that every value
 * can travel through Temporal payloads, search attributes and JSON unchanged.
 */

/**
 * Support tier, as in the seed's "Getting Help" page:
 * 1 self-service, 2 helpdesk (support analysts), 3 escalation and systems engineering,
 * 4 automation engineering, 5 architecture and crisis management.
 */
export type Tier = 1 | 2 | 3 | 4 | 5;

/** All tiers, lowest first. */
export const TIERS: readonly Tier[] = [1, 2, 3, 4, 5];

/** Request priority; P1 is the most urgent. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

/** All priorities, most urgent first. */
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/**
 * Kind of request: a question (Tier 2), an access request (Tier 2), a change/configuration
 * request (starts at Tier 3 with a GitLab issue) or a crisis (straight to Tier 5).
 */
export type RequestType = 'question' | 'access' | 'change' | 'crisis';

/** All request types. */
export const REQUEST_TYPES: readonly RequestType[] = ['question', 'access', 'change', 'crisis'];

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Who performed an action on a request; decides, among other things, what counts as a first response. */
export type ActorRole = 'engineer' | 'requester' | 'bot' | 'system';

/** Milliseconds in a second, minute, hour, day and week (fixed lengths: coverage time has no DST). */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
