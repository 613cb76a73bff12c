/**
 * A gateway that records every call the intake makes toward Temporal, whatever the gateway's
 * methods are (a Proxy: methods added later are recorded too). Either it answers by itself (no
 * Temporal needed) or it passes calls on to a real gateway.
 */
import { buildSlaReport } from '../../domain/sla-report.js';
import type { RequestGateway } from '../../intake/temporal-gateway.js';

export interface GatewayCall {
  method: string;
  args: unknown[];
}

export interface RecordingGateway {
  gateway: RequestGateway;
  calls: GatewayCall[];
}

/** Plausible answers, by method, when no real gateway stands behind. */
function answer(method: string, args: unknown[]): unknown {
  const first = args[0] as { id?: string } | string | undefined;
  const id = typeof first === 'string' ? first : (first?.id ?? 'req-json-fuzz');
  switch (method) {
    case 'start':
      return { id, status: 'open', duplicate: false };
    case 'findBySlackThread':
    case 'findByTrackerIssue':
    case 'trackerIssueOf':
      return null;
    case 'startNotice':
      return { id: `slack-notice-${String(first)}`, duplicate: false };
    case 'listRequests':
      return { items: [], nextCursor: null };
    case 'slaReport': {
      const range = first as unknown as { since: number; until: number };
      return buildSlaReport([], { since: range.since, until: range.until, now: range.until });
    }
    default:
      return {
        id,
        tier: 2,
        status: 'open',
        priority: 'P3',
        system: null,
        type: 'question',
        summary: 's',
        requester: 'a@example.com',
        assignee: null,
        slaBreached: false,
        details: '',
        clocks: [],
        links: { slackThread: null, gitlabIssue: null },
        timeline: [],
        timelineCounts: {},
        timelineOmitted: 0,
      };
  }
}

/** Records calls; forwards them to `real` when given, otherwise answers itself. */
export function recordingGateway(real?: RequestGateway): RecordingGateway {
  const calls: GatewayCall[] = [];
  const gateway = new Proxy({} as RequestGateway, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return async (...args: unknown[]) => {
        calls.push({ method: property, args });
        const forward = real?.[property as keyof RequestGateway] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        return forward ? forward.apply(real, args) : answer(property, args);
      };
    },
  });
  return { gateway, calls };
}
