/**
 * Requests as the CLI prints them: the list (table or CSV) from visibility rows, and one request's
 * status (`GET /requests/:id`'s view) as readable sections. Pure: `now` and the zone come in.
 */
import type { RequestListItem } from '../contracts/request-list.js';
import type { RequestStatusView } from '../domain/status-view.js';
import { csvLine, formatWhen, paint, printable, relativeTime, table, truncate } from './format.js';

export interface ViewOptions {
  now: number;
  colour?: boolean;
  /** IANA zone of the instants shown; the reader's own when absent. */
  zone?: string;
}

/** Longest summary a list row shows. */
const SUMMARY_CHARS = 48;

const dash = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? '—' : String(value));

/**
 * The request list as a table: id, tier, status, priority, system, breached, due (relative), summary.
 * @example listTable([item], { now })[0] // 'ID  TIER  STATUS  PRIORITY  SYSTEM  BREACHED  DUE  SUMMARY' (padded)
 */
export function listTable(items: readonly RequestListItem[], opts: ViewOptions): string[] {
  const colour = opts.colour ?? false;
  return table(
    [
      { header: 'ID' },
      { header: 'TIER', align: 'right' },
      { header: 'STATUS' },
      { header: 'PRIORITY' },
      { header: 'SYSTEM' },
      { header: 'BREACHED' },
      { header: 'DUE' },
      { header: 'SUMMARY' },
    ],
    items.map((item) => [
      item.id,
      dash(item.tier),
      item.status,
      dash(item.priority),
      dash(item.system),
      item.slaBreached ? paint('yes', 'red', colour) : 'no',
      relativeTime(item.slaDueAt, opts.now),
      truncate(item.summary ?? '', SUMMARY_CHARS),
    ]),
    { colour },
  );
}

const LIST_CSV_COLUMNS = ['id', 'tier', 'status', 'priority', 'system', 'type', 'breached', 'due_at', 'opened_at', 'resolved_at', 'summary'] as const;

/** The request list as CSV (RFC 4180 line ends, a header row first). */
export function listCsv(items: readonly RequestListItem[]): string {
  const rows = items.map((item) =>
    csvLine([
      item.id,
      item.tier,
      item.status,
      item.priority,
      item.system,
      item.type,
      item.slaBreached,
      item.slaDueAt,
      item.openedAt,
      item.resolvedAt,
      item.summary,
    ]),
  );
  return [LIST_CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The "due" cell of a clock: its breach instant and how far it is, or what became of it. */
function clockDue(clock: RequestStatusView['clocks'][number], opts: ViewOptions): string {
  if (clock.dueAt === null) return '—';
  return `${formatWhen(clock.dueAt, opts.zone)} (${relativeTime(clock.dueAt, opts.now)})`;
}

/**
 * One request, readably: the head (tier, status, priority, type, system, the status line), the
 * people, the SLA clocks with their due times, the links and the recent timeline.
 */
export function statusLines(view: RequestStatusView, opts: ViewOptions): string[] {
  const colour = opts.colour ?? false;
  const field = (label: string, value: string) => `${label.padEnd(15)}${value}`;
  const lines = [
    `${paint(view.id, 'bold', colour)}  ${printable(view.summary)}`,
    `Tier ${view.tier} · ${view.status} · ${view.priority} · ${view.type} · system ${view.system ?? 'not known'}`,
    view.details,
    '',
    field('Requester', printable(view.requester)),
    field('Assignee', printable(dash(view.assignee))),
    field('SLA', view.slaBreached ? paint('breached', 'red', colour) : 'within targets'),
  ];
  if (view.reopenUntil) lines.push(field('Reopen until', formatWhen(view.reopenUntil, opts.zone)));
  if (view.heldUntil) lines.push(field('Held until', `${formatWhen(view.heldUntil, opts.zone)} (announcements wait for coverage)`));

  lines.push('', paint('SLA clocks', 'bold', colour));
  if (view.clocks.length === 0) lines.push('  none');
  else
    lines.push(
      ...table(
        // The view's `remaining` is as of the workflow's last task (a query's clock), so it is
        // left out: the due instant, and how far it is from the reader's now, stay true.
        [{ header: 'CLOCK' }, { header: 'TIER', align: 'right' }, { header: 'STATE' }, { header: 'DUE' }],
        view.clocks.map((clock) => [
          clock.kind.replace('_', ' '),
          String(clock.tier),
          clock.state === 'breached' ? paint(clock.state, 'red', colour) : clock.state,
          clockDue(clock, opts),
        ]),
      ).map((line) => `  ${line}`),
    );

  lines.push('', paint('Links', 'bold', colour));
  lines.push(`  ${field('Slack thread', dash(view.links.slackThread))}`, `  ${field('Tracker issue', dash(view.links.gitlabIssue))}`);
  if (view.links.swarmChannel) lines.push(`  ${field('Swarm channel', view.links.swarmChannel)}`);

  const total = Object.values(view.timelineCounts).reduce((sum, n) => sum + n, 0);
  const heading = view.timelineOmitted > 0 ? `Timeline (${view.timeline.length} of ${total}: the opening entry and the latest)` : 'Timeline';
  lines.push('', paint(heading, 'bold', colour));
  lines.push(
    ...table(
      [{ header: 'WHEN' }, { header: 'ACTION' }, { header: 'BY' }, { header: 'NOTE' }],
      view.timeline.map((entry) => [formatWhen(entry.at, opts.zone), entry.action, truncate(entry.actor, 40), truncate(entry.note ?? '', 80)]),
    ).map((line) => `  ${line}`),
  );
  return lines;
}

/** The one-line answer to an action: what the request stands at now. */
export function actedLine(action: string, view: RequestStatusView): string {
  return `${action}: ${view.id} is now Tier ${view.tier} · ${view.status} · ${view.priority}${view.system ? ` · ${view.system}` : ''} — ${view.details}`;
}
