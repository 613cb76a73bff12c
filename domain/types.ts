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

/** All priorities, most urgent first. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/** Request priority; P1 is the most urgent. */
export type Priority = (typeof PRIORITIES)[number];

/**
 * Kind of request: a question (Tier 2), an access request (Tier 2), a change/configuration
 * request (starts at Tier 3 with a GitLab issue) or a crisis (straight to Tier 5).
 */
export type RequestType = (typeof REQUEST_TYPES)[number];

/** All request types. */
export const REQUEST_TYPES = ['question', 'access', 'change', 'crisis'] as const;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Milliseconds in a second, minute, hour, day and week (fixed lengths: coverage time has no DST). */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** A moment in the week, in the calendar's local time: ISO weekday and `HH:mm`. */
export interface WeekTime {
  day: Weekday;
  time: string;
}

/**
 * A weekly coverage window from `start` to `end`, local time. The end may wrap past Sunday into
 * the next week (Fri 22:00 → Mon 06:00); an end of `00:00` on day N means the midnight that starts
 * day N; an end equal to the start means the whole week.
 */
export interface WeeklyWindow {
  start: WeekTime;
  end: WeekTime;
}

/** When the desk is staffed: weekly windows in one IANA zone, minus whole local holiday dates. */
export interface CoverageCalendar {
  /** IANA zone name, e.g. `UTC`, `Europe/London`, `Asia/Kolkata`. */
  timezone: string;
  /** Weekly windows; overlapping or touching windows merge. */
  windows: WeeklyWindow[];
  /** `YYYY-MM-DD` dates in the calendar's zone; the whole local day is closed. */
  holidays: string[];
}
