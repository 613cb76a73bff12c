/**
 * `/it-help oncall`: who is on shift now and who is next, answered to the person who asked only
 * (ephemeral), from the shifts registry (`domain/on-call.ts`). It starts no request.
 *
 * The answer names each shift's Slack user group as plain text (`@it-helpdesk-emea`), never as a
 * `<!subteam^…>` mention: asking who is on call must not page them. Times are Slack date tokens,
 * shown in the reader's own time zone, with a UTC fallback for clients that cannot render them.
 */
import { ON_CALL_HORIZON_DAYS, type HolidayOff, type OnCallNow, type OnCallSummary } from '../domain/on-call.js';
import type { NextShift } from '../domain/shifts.js';
import { escapeMrkdwn } from './slack-respond.js';

/** The words that ask for the on-call answer, alone on the line: `oncall`, `on-call`, `on call`, any case. */
const ON_CALL_WORDS = /^on(?:-|\s+)?call$/i;

/**
 * True when a command's text asks who is on call (and nothing else).
 * @example isOnCallText(' On-Call ') // true
 * @example isOnCallText('oncall is broken') // false: that is a request about on-call
 */
export function isOnCallText(text: string): boolean {
  return ON_CALL_WORDS.test(text.trim());
}

/**
 * A Slack date token: the reader sees `instant` in their own zone ("Today 16:00", "Mar 4 16:00"),
 * an older client the UTC fallback.
 * @example slackDate(Date.UTC(2024, 2, 4, 16)) // '<!date^1709568000^{date_short_pretty} {time}|2024-03-04 16:00 UTC>'
 */
export function slackDate(instant: number): string {
  const fallback = `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(instant / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** A user group by its handle, as text that pings nobody. */
function groupText(handle: string): string {
  return `@${escapeMrkdwn(handle.replace(/^@/, ''))}`;
}

/** One shift's line: name, group, this week's analysts. */
function shiftLine(shift: { shift: string; slackGroup: string; analysts: readonly string[] }): string {
  const analysts = shift.analysts.length > 0 ? ` (${shift.analysts.map(escapeMrkdwn).join(', ')})` : '';
  return `• *${escapeMrkdwn(shift.shift)}*: ${groupText(shift.slackGroup)}${analysts}`;
}

const nowLine = (on: OnCallNow) => `${shiftLine(on)} until ${slackDate(on.until)}`;
const nextLine = (next: NextShift) => `${shiftLine(next)} from ${slackDate(next.startsAt)}`;
const holidayLine = (off: HolidayOff) => `${escapeMrkdwn(off.shift)} (${groupText(off.slackGroup)}, ${off.date})`;

/**
 * The ephemeral answer to `/it-help oncall` (mrkdwn); `summary` null: this intake has no shifts.
 * @example onCallText(onCallSummary(config, Date.now()), '/it-help')
 */
export function onCallText(summary: OnCallSummary | null, command: string): string {
  const ask = `\`${escapeMrkdwn(command)} your question\``;
  if (!summary) return `On-call shifts are not configured here. ${ask} still opens a request.`;
  const lines = ['*On call now*'];
  if (summary.now.length === 0) lines.push('• Nobody: outside every shift.');
  else lines.push(...summary.now.map(nowLine));
  lines.push('*Next*', summary.next ? nextLine(summary.next) : `• No shift begins in the next ${ON_CALL_HORIZON_DAYS} days.`);
  if (summary.holidaysToday.length > 0) {
    lines.push(`:palm_tree: Off today for a holiday (their shift does not start): ${summary.holidaysToday.map(holidayLine).join(', ')}.`);
  }
  lines.push(`To ask for help: ${ask}.`);
  return lines.join('\n');
}
