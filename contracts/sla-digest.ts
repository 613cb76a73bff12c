/**
 * The contract of `slaDigestWorkflow`, started every Monday by a Temporal Schedule: the SLA
 * summary of the week just ended, posted with its chart to the digest channel
 * (`SLACK_DIGEST_CHANNEL`). A digest week is an ISO week in the coverage calendar's zone (Monday
 * 00:00 to Monday 00:00), named like `2026-W49`; its file in Slack is named after it, which is what
 * makes a second run for the same week find the first one's post instead of posting again.
 */
import type { ActivityOptions } from '@temporalio/common';
import { DateTime } from 'luxon';

import { INTEGRATION_CONFIG_ERROR } from './failures.js';

/** Workflow type name, for the Schedule that starts it. */
export const SLA_DIGEST_WORKFLOW = 'slaDigestWorkflow';
/** Schedule id of the weekly digest. */
export const SLA_DIGEST_SCHEDULE_ID = 'tierflow-sla-digest';
/** When the Schedule fires: Monday 08:00 in the coverage calendar's zone. */
export const SLA_DIGEST_AT = { dayOfWeek: 'MONDAY', hour: 8, minute: 0 } as const;

/** A digest week id was malformed, or a time zone unknown (non-retryable: the input is wrong). */
export const SLA_DIGEST_INPUT_ERROR = 'SlaDigestInputError';

/** What the Schedule (or an operator) starts the workflow with. */
export interface SlaDigestInput {
  /** The ISO week to report (`2026-W49`); absent: the week before the run's nominal time. */
  week?: string;
  /** IANA zone of the week's bounds (default `UTC`): the coverage calendar's. */
  timeZone?: string;
}

/** What the activity gets: the week decided by the workflow, so every retry reports the same one. */
export interface SlaDigestArgs {
  week: string;
  timeZone: string;
}

/** What one digest run did. */
export interface SlaDigestResult {
  week: string;
  /** The digest channel, or null when none is configured (nothing is posted). */
  channel: string | null;
  /** True when this run uploaded the digest; false when it was there already or no channel is configured. */
  posted: boolean;
  /** The Slack file id of the week's digest (this run's or an earlier one's). */
  fileId: string | null;
}

/**
 * One weekly run: reading a report is a handful of visibility pages, the upload three Slack calls.
 * Retried through a Slack or Temporal outage for a day (the next Monday brings the next digest);
 * configuration and input errors are not retried.
 */
export const SLA_DIGEST_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: [INTEGRATION_CONFIG_ERROR, SLA_DIGEST_INPUT_ERROR] },
};

const WEEK_ID = /^(\d{4})-W(\d{2})$/;

/** Thrown for a week id or zone that cannot be used. */
export class DigestInputError extends Error {
  override name = 'DigestInputError';
  constructor(
    readonly field: 'week' | 'timeZone',
    message: string,
  ) {
    super(message);
  }
}

function zoneOf(timeZone: string): string {
  if (!DateTime.fromMillis(0).setZone(timeZone).isValid)
    throw new DigestInputError('timeZone', `timeZone "${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
  return timeZone;
}

/**
 * The bounds of an ISO week in a zone, in epoch ms: `since` Monday 00:00, `until` the next Monday 00:00.
 * @example weekBounds('2026-W49', 'UTC') // { since: Date.parse('2026-11-30T00:00:00Z'), until: Date.parse('2026-12-07T00:00:00Z') }
 */
export function weekBounds(week: string, timeZone = 'UTC'): { since: number; until: number } {
  const m = WEEK_ID.exec(week);
  const start = m ? DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone: zoneOf(timeZone) }).startOf('day') : null;
  // Luxon normalises week 53 of a 52-week year into the next year: the round trip tells.
  if (!m || !start?.isValid || start.weekYear !== Number(m[1]) || start.weekNumber !== Number(m[2])) {
    throw new DigestInputError('week', `week "${week}" is not an ISO week such as 2026-W49`);
  }
  return { since: start.toMillis(), until: start.plus({ weeks: 1 }).toMillis() };
}

/**
 * The ISO week an instant falls in, in a zone.
 * @example isoWeekOf(Date.parse('2026-12-07T07:00:00Z'), 'Europe/Berlin') // '2026-W50'
 */
export function isoWeekOf(at: number, timeZone = 'UTC'): string {
  const dt = DateTime.fromMillis(at, { zone: zoneOf(timeZone) });
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/**
 * The week a digest run reports: the one before the week of its nominal time (a Monday-morning
 * run reports the week that ended at midnight).
 * @example digestWeekOf(Date.parse('2026-12-07T08:00:00Z'), 'UTC') // '2026-W49'
 */
export function digestWeekOf(at: number, timeZone = 'UTC'): string {
  return isoWeekOf(
    DateTime.fromMillis(at, { zone: zoneOf(timeZone) })
      .minus({ weeks: 1 })
      .toMillis(),
    timeZone,
  );
}

/**
 * The week before a week.
 * @example previousWeek('2027-W01', 'UTC') // '2026-W53'
 */
export function previousWeek(week: string, timeZone = 'UTC'): string {
  return isoWeekOf(weekBounds(week, timeZone).since - 1, timeZone);
}

/**
 * The Slack file name of a week's digest: the key a rerun looks for.
 * @example digestFileName('2026-W49') // 'tierflow-sla-digest-2026-W49.png'
 */
export function digestFileName(week: string): string {
  return `tierflow-sla-digest-${week}.png`;
}
