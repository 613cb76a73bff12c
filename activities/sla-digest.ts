/**
 * `postSlaDigest`: the weekly SLA digest, posted to the digest channel as a chart (PNG) with a
 * short summary as its comment, through `files.uploadV2` (files.getUploadURLExternal → the bytes
 * to the upload URL → files.completeUploadExternal).
 *
 * Once per week and channel. A file upload carries no message metadata, so the digest is known by
 * its file: named after its week (`digestFileName`), uploaded by our own bot (`auth.test`), shared
 * in the channel. Unlike the per-request activities, this one looks for it before every upload, not
 * only on a retry ({@link mayHaveWritten}): it runs once a week, so the lookup costs one
 * `files.list` call a week, and a second run for the same week (a Schedule triggered by hand, a
 * backfill) must not post twice either.
 */
import type { WebClient } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';

import type { SlaReport } from '../domain/sla-report.js';
import { digestChartSvg, NoFontError, svgToPng } from '../charts/digest-chart.js';
import { INTEGRATION_CONFIG_ERROR } from '../contracts/failures.js';
import {
  DigestInputError,
  digestFileName,
  previousWeek,
  SLA_DIGEST_INPUT_ERROR,
  weekBounds,
  type SlaDigestArgs,
  type SlaDigestResult,
} from '../contracts/sla-digest.js';
import { classifySlackError } from './errors.js';
import { digestAltText, digestText } from './sla-digest-text.js';
import { createMessageFinder } from './slack-lookup.js';

/** Reads the SLA report of the requests opened in `[since, until)` (`queries/sla-report.ts` over the worker's Temporal client). */
export type SlaReportReader = (range: { since: number; until: number }) => Promise<SlaReport>;

/** What the digest activity is built from. */
export interface SlaDigestDeps {
  slack: WebClient;
  /** The digest channel's id (`SLACK_DIGEST_CHANNEL`); null: no digest is posted. */
  channel: string | null;
  readReport: SlaReportReader | null;
}

/** A file as `files.list` answers it (the fields the lookup reads). */
interface ListedFile {
  id?: string;
  name?: string;
  channels?: string[];
  groups?: string[];
  ims?: string[];
}

// Pages of 100 files looked through: our bot's images since the week began, a handful at most.
const PAGE_SIZE = 100;
const MAX_PAGES = 5;

/** Slack's failure for the digest: a configuration hint names the digest's channel variable, not the help channel's. */
function digestFailure(err: unknown, what: string): Error {
  const failure = classifySlackError(err, what);
  if (!(failure instanceof ApplicationFailure) || failure.type !== INTEGRATION_CONFIG_ERROR) return failure;
  return ApplicationFailure.nonRetryable(failure.message.replaceAll('SLACK_HELP_CHANNEL', 'SLACK_DIGEST_CHANNEL'), INTEGRATION_CONFIG_ERROR);
}

/** Builds `postSlaDigest`. */
export function createSlaDigestActivities(deps: SlaDigestDeps) {
  const { slack, channel } = deps;
  const finder = createMessageFinder(slack);

  /** The week's digest file already shared in (or, its share still pending, uploaded for) the channel, if our bot posted one. */
  async function earlierDigest(digestChannel: string, week: string, since: number): Promise<string | null> {
    const { userId } = await finder.me();
    if (!userId) return null;
    const name = digestFileName(week);
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await slack.files.list({ user: userId, types: 'images', ts_from: String(Math.floor(since / 1000)), count: PAGE_SIZE, page });
      const files = (answer.files ?? []) as ListedFile[];
      const shares = (f: ListedFile) => [...(f.channels ?? []), ...(f.groups ?? []), ...(f.ims ?? [])];
      // Slack shares an uploaded file asynchronously: one with no share yet is ours in flight.
      const found = files.find((f) => f.name === name && (shares(f).includes(digestChannel) || shares(f).length === 0));
      if (found?.id) return found.id;
      if (page >= (answer.paging?.pages ?? 1)) return null;
    }
    return null;
  }

  return {
    /**
     * Posts the SLA digest of `week` (an ISO week in `timeZone`) to the digest channel, once: the
     * chart of first response and resolution met per tier beside last week, and the summary as its
     * comment. Nothing is posted when no digest channel is configured.
     */
    async postSlaDigest(args: SlaDigestArgs): Promise<SlaDigestResult> {
      const { week, timeZone } = args;
      if (!channel) return { week, channel: null, posted: false, fileId: null };
      if (!deps.readReport) throw ApplicationFailure.nonRetryable('the worker was built without an SLA report reader', INTEGRATION_CONFIG_ERROR);
      let range: { since: number; until: number };
      let before: { since: number; until: number };
      try {
        range = weekBounds(week, timeZone);
        before = weekBounds(previousWeek(week, timeZone), timeZone);
      } catch (err) {
        if (err instanceof DigestInputError) throw ApplicationFailure.nonRetryable(err.message, SLA_DIGEST_INPUT_ERROR);
        throw err;
      }
      try {
        const earlier = await earlierDigest(channel, week, range.since);
        if (earlier) return { week, channel, posted: false, fileId: earlier };
      } catch (err) {
        throw digestFailure(err, `looking for the SLA digest of ${week} in ${channel}`);
      }

      const [report, previous] = await Promise.all([deps.readReport(range), deps.readReport(before)]);
      let png: Buffer;
      try {
        png = svgToPng(digestChartSvg({ report, previous, week }));
      } catch (err) {
        if (err instanceof NoFontError) throw ApplicationFailure.nonRetryable(err.message, INTEGRATION_CONFIG_ERROR);
        throw err;
      }
      try {
        const uploaded = await slack.files.uploadV2({
          channel_id: channel,
          file: png,
          filename: digestFileName(week),
          title: `SLA digest ${week}`,
          alt_text: digestAltText(week, report),
          initial_comment: digestText({ week, timeZone, report, previous }),
        });
        const completions = (uploaded as unknown as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
        return { week, channel, posted: true, fileId: completions[0]?.files?.[0]?.id ?? null };
      } catch (err) {
        throw digestFailure(err, `posting the SLA digest of ${week} in ${channel}`);
      }
    },
  };
}
