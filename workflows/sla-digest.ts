/**
 * `slaDigestWorkflow`: started every Monday by a Temporal Schedule, it decides which week to
 * report and has `postSlaDigest` post it (see activities/sla-digest.ts). The week comes from the
 * run's nominal time (the Schedule's `TemporalScheduledStartTime`, so a run started late still
 * reports the week it was meant for), else its start time; an operator can name one.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';

import type { Activities } from '../activities/index.js';
import {
  DigestInputError,
  digestWeekOf,
  SLA_DIGEST_ACTIVITY,
  SLA_DIGEST_INPUT_ERROR,
  weekBounds,
  type SlaDigestInput,
  type SlaDigestResult,
} from '../contracts/sla-digest.js';

const { postSlaDigest } = proxyActivities<Activities>(SLA_DIGEST_ACTIVITY);

/** Set by the Schedule on the runs it starts: the time the run was due. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** When this run was due: the Schedule's nominal time, else the run's start. */
function nominalTime(): number {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  return (scheduled ?? info.startTime).getTime();
}

export async function slaDigestWorkflow(input: SlaDigestInput = {}): Promise<SlaDigestResult> {
  const timeZone = input.timeZone ?? 'UTC';
  let week: string;
  try {
    week = input.week ?? digestWeekOf(nominalTime(), timeZone);
    weekBounds(week, timeZone);
  } catch (err) {
    // A wrong week or zone fails the run, naming the field, rather than retrying the task forever.
    if (err instanceof DigestInputError) throw ApplicationFailure.nonRetryable(err.message, SLA_DIGEST_INPUT_ERROR);
    throw err;
  }
  return postSlaDigest({ week, timeZone });
}
