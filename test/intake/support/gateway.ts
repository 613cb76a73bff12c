/** An in-memory gateway that records what intake asked of Temporal, with overridable behaviour. */
import { GatewayError, type RequestGateway, type SlaReportRange, type StartResult, type TrackerIssueRecord } from '../../../intake/temporal-gateway.js';
import type { HelpRequestInput, RequestStatusView } from '../../../contracts/help-request.js';
import type { RequestFilter, RequestListItem } from '../../../contracts/request-list.js';
import type { SlackNoticeInput } from '../../../contracts/slack-notice.js';
import { buildSlaReport, type ReportRow } from '../../../domain/sla-report.js';

export interface RecordedAct {
  id: string;
  action: string;
  args: unknown;
  updateId?: string;
}

export interface RecordedList {
  filter: RequestFilter;
  page: { cursor?: string; pageSize?: number };
}

/**
 * `threads`: `<channel>/<ts>` → request id; `trackerIssues`: `<project id>#<iid>` → the request that
 * records it; `requests`: what existing requests record of their tracker issue, by id; `listItems`:
 * the one page `listRequests` answers; `reportRows`: the visibility rows `slaReport` aggregates.
 */
export function recordingGateway(
  behaviour: Partial<RequestGateway> = {},
  opts: {
    threads?: Record<string, string>;
    trackerIssues?: Record<string, string>;
    requests?: Record<string, TrackerIssueRecord>;
    listItems?: RequestListItem[];
    reportRows?: ReportRow[];
  } = {},
) {
  const started: HelpRequestInput[] = [];
  const acts: RecordedAct[] = [];
  const notices: Array<{ eventId: string; notice: SlackNoticeInput }> = [];
  const lists: RecordedList[] = [];
  const reports: SlaReportRange[] = [];
  const gateway: RequestGateway = {
    async start(input): Promise<StartResult> {
      const duplicate = started.some((s) => s.id === input.id);
      started.push(input);
      return { id: input.id, status: 'open', duplicate };
    },
    async status(id) {
      if (!started.some((s) => s.id === id)) throw new GatewayError('not_found', `no request with id ${id}`);
      return { id, status: 'open' } as RequestStatusView;
    },
    async act(id, action, args, updateId) {
      acts.push({ id, action, args, ...(updateId ? { updateId } : {}) });
      return { id, status: action === 'resolve' ? 'resolved' : 'acknowledged' } as RequestStatusView;
    },
    async findBySlackThread(channel, threadTs) {
      return opts.threads?.[`${channel}/${threadTs}`] ?? null;
    },
    async findByTrackerIssue(projectId, iid) {
      return opts.trackerIssues?.[`${projectId}#${iid}`] ?? null;
    },
    async trackerIssueOf(id) {
      return opts.requests?.[id] ?? null;
    },
    async startNotice(eventId, notice) {
      const duplicate = notices.some((n) => n.eventId === eventId);
      notices.push({ eventId, notice });
      return { id: `slack-notice-${eventId}`, duplicate };
    },
    async listRequests(filter, page = {}) {
      lists.push({ filter, page });
      return { items: opts.listItems ?? [], nextCursor: null };
    },
    async slaReport(range) {
      reports.push(range);
      return buildSlaReport(opts.reportRows ?? [], { since: range.since, until: range.until, now: range.until, automation: range.automation ?? [] });
    },
    ...behaviour,
  };
  return { gateway, started, acts, notices, lists, reports };
}

/** A gateway whose every call fails with `code`. */
export function failingGateway(code: 'not_found' | 'conflict' | 'unavailable', message = `gateway says ${code}`): RequestGateway {
  const fail = async (): Promise<never> => {
    throw new GatewayError(code, message);
  };
  return {
    start: fail,
    status: fail,
    act: fail,
    findBySlackThread: fail,
    findByTrackerIssue: fail,
    trackerIssueOf: fail,
    startNotice: fail,
    listRequests: fail,
    slaReport: fail,
  };
}
