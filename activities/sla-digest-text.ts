/**
 * The weekly SLA digest's Slack text (mrkdwn), posted as the comment of its chart: requests
 * opened, first response and resolution met, breaches, escalations, reopens, and the system that
 * did worst, each beside last week's. Only counts, percentages and registry ids (tiers, system
 * ids) appear, never text from a request; the system ids are still escaped ({@link slackLine}),
 * since visibility holds whatever a request carried.
 */
import { DateTime } from 'luxon';

import type { SlaGroup, SlaReport } from '../domain/sla-report.js';
import { weekBounds } from '../contracts/sla-digest.js';
import { slackLine } from './slack-text.js';

/** A rate as a whole percent, or `n/a` when nothing was measured. */
const pct = (rate: number | null): string => (rate === null ? 'n/a' : `${Math.round(rate * 100)}%`);

/** Which system did worst: most breaches, then the lowest resolution and first response rates, then the busiest. */
function worseFirst(a: SlaGroup, b: SlaGroup): number {
  const rate = (r: number | null) => r ?? 2; // nothing measured sorts after every measured rate
  return (
    b.breached - a.breached ||
    rate(a.resolution.rate) - rate(b.resolution.rate) ||
    rate(a.firstResponse.rate) - rate(b.firstResponse.rate) ||
    b.opened - a.opened ||
    a.key.localeCompare(b.key)
  );
}

/**
 * The system that did worst in a report, or null when every system met every measured clock
 * (requests with no system are not a system).
 * @example worstSystem(report)?.key // 'okta-sso'
 */
export function worstSystem(report: SlaReport): SlaGroup | null {
  const missed = (g: SlaGroup) => g.breached > 0 || g.resolution.met < g.resolution.measured || g.firstResponse.met < g.firstResponse.measured;
  return report.groups.system.filter((g) => g.key !== 'unknown' && missed(g)).sort(worseFirst)[0] ?? null;
}

/** Monday to Sunday of a digest week, e.g. `Mon 30 Nov – Sun 6 Dec 2026 (UTC)`. */
export function weekSpan(week: string, timeZone: string): string {
  const { since, until } = weekBounds(week, timeZone);
  const first = DateTime.fromMillis(since, { zone: timeZone }).setLocale('en-GB');
  const last = DateTime.fromMillis(until - 1, { zone: timeZone }).setLocale('en-GB');
  return `${first.toFormat('ccc d LLL')} – ${last.toFormat('ccc d LLL yyyy')} (${timeZone})`;
}

/** What the digest says. */
export interface DigestTextInput {
  week: string;
  timeZone: string;
  report: SlaReport;
  /** Last week's report, for the comparison. */
  previous: SlaReport | null;
}

/**
 * The digest's mrkdwn text.
 * @example
 * digestText({ week: '2026-W49', timeZone: 'UTC', report, previous })
 * // '*SLA digest 2026-W49*, Mon 30 Nov – Sun 6 Dec 2026 (UTC)\n• Opened: *12* (last week 9)\n• First response met: *83%* (10 of 12; last week 75%)\n…'
 */
export function digestText(input: DigestTextInput): string {
  const { week, report } = input;
  const now = report.total;
  const before = input.previous?.total ?? null;
  const last = (text: string) => (before ? `; last week ${text}` : '');
  const clock = (name: string, g: SlaGroup['firstResponse'], prev: SlaGroup['firstResponse'] | undefined) =>
    `• ${name}: *${pct(g.rate)}* (${g.met} of ${g.measured}${prev ? last(pct(prev.rate)) : ''})`;
  const lines = [
    `*SLA digest ${week}*, ${weekSpan(week, input.timeZone)}`,
    `• Opened: *${now.opened}*${before ? ` (last week ${before.opened})` : ''}`,
    clock('First response met', now.firstResponse, before?.firstResponse),
    clock('Resolution met', now.resolution, before?.resolution),
    `• Breached: *${now.breached}* · Escalations: *${now.escalations}* · Reopens: *${now.reopens}*${before ? ` (last week ${before.breached} · ${before.escalations} · ${before.reopens})` : ''}`,
  ];
  const worst = worstSystem(report);
  if (worst) {
    lines.push(
      `• Worst system: *${slackLine(worst.key)}*: ${worst.breached} breached, resolution met ${pct(worst.resolution.rate)} (${worst.resolution.met} of ${worst.resolution.measured}), first response met ${pct(worst.firstResponse.rate)}`,
    );
  } else if (now.opened > 0) {
    lines.push('• Worst system: none, every system met its SLA clocks');
  }
  return lines.join('\n');
}

/** The chart's description for screen readers (Slack's `alt_txt`). */
export function digestAltText(week: string, report: SlaReport): string {
  const tiers = report.groups.tier.map((g) => `${g.key}: first response ${pct(g.firstResponse.rate)}, resolution ${pct(g.resolution.rate)}`);
  return `Bar chart of SLA attainment per tier in ${week}, beside the week before. ${tiers.join('; ') || 'No requests were opened.'}`.slice(0, 1000);
}
