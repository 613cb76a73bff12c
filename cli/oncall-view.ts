/**
 * "Who is on call?" in the CLI's words: the shifts on duty and until when, the next shift and from
 * when, and the shifts off today for a holiday — from `domain/on-call.ts`, the same summary Slack
 * answers from. Pure.
 */
import type { OnCallSummary } from '../domain/on-call.js';
import { formatWhenWithDay, paint, table } from './format.js';

const group = (slackGroup: string) => `@${slackGroup}`;

/** The summary as lines, instants in `zone` (the reader's own when absent). */
export function onCallLines(summary: OnCallSummary, opts: { colour?: boolean; zone?: string } = {}): string[] {
  const colour = opts.colour ?? false;
  const lines = [paint(`On call at ${formatWhenWithDay(summary.at, opts.zone)}`, 'bold', colour), ''];
  if (summary.now.length === 0) lines.push('On shift: nobody (outside every shift).');
  else {
    lines.push('On shift:');
    lines.push(
      ...table(
        [{ header: 'SHIFT' }, { header: 'SLACK GROUP' }, { header: 'ANALYSTS' }, { header: 'UNTIL' }],
        summary.now.map((on) => [on.shift, group(on.slackGroup), on.analysts.join(', ') || '—', formatWhenWithDay(on.until, opts.zone)]),
      ).map((line) => `  ${line}`),
    );
  }
  lines.push('');
  const next = summary.next;
  lines.push(
    next
      ? `Next: ${next.shift} (${group(next.slackGroup)}: ${next.analysts.join(', ') || '—'}) from ${formatWhenWithDay(next.startsAt, opts.zone)}`
      : 'Next: no shift begins within the next 14 days.',
  );
  if (summary.holidaysToday.length > 0) {
    lines.push(`Off today for a holiday: ${summary.holidaysToday.map((off) => `${off.shift} (${group(off.slackGroup)}, ${off.date})`).join(', ')}`);
  }
  return lines;
}

/** The summary as JSON: instants as ISO strings. */
export function onCallJson(summary: OnCallSummary) {
  const iso = (at: number) => new Date(at).toISOString();
  return {
    at: iso(summary.at),
    now: summary.now.map((on) => ({ ...on, until: iso(on.until) })),
    next: summary.next ? { ...summary.next, startsAt: iso(summary.next.startsAt) } : null,
    holidaysToday: summary.holidaysToday,
  };
}
