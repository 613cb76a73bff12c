/**
 * A request's status as the status query answers it, for the requester's page: escalated to Tier 3,
 * with a hostile summary, staff emails as actors, internal notes, and every kind of timeline entry.
 */
import type { RequestStatusView } from '../../../contracts/help-request.js';

/** Text that must never reach the requester's page (actors, notes, the assignee, the requester's email). */
export const PRIVATE_TEXT = ['grace@example.com', 'ada@example.com', 'U024BE7LH', 'hunter2', 'INTERNAL', 'okta admin console'];

export const HOSTILE_SUMMARY = `Locked out <script>alert("x")</script> & <img src=x onerror=alert(1)> 'quoted'`;

/** A Tier 3 request opened 2024-03-04 10:00 UTC; override any field. */
export function sampleStatusView(overrides: Partial<RequestStatusView> = {}): RequestStatusView {
  return {
    id: 'req-json-form-8812',
    tier: 3,
    status: 'acknowledged',
    priority: 'P1',
    system: 'okta-sso',
    type: 'access',
    summary: HOSTILE_SUMMARY,
    requester: 'ada@example.com',
    assignee: 'grace@example.com',
    slaBreached: true,
    details: 'Tier 3 — acknowledged, resolution, due Tue 10:00 UTC (SLA breached earlier)',
    clocks: [
      { kind: 'first_response', tier: 2, state: 'breached', dueAt: '2024-03-04T11:00:00.000Z', remaining: '-1h', remainingMs: -3_600_000 },
      { kind: 'resolution', tier: 2, state: 'stopped', dueAt: null, remaining: '6h', remainingMs: 21_600_000 },
      { kind: 'first_response', tier: 3, state: 'met', dueAt: null, remaining: '30m', remainingMs: 1_800_000 },
      { kind: 'resolution', tier: 3, state: 'running', dueAt: '2024-03-05T10:00:00.000Z', remaining: '22h', remainingMs: 79_200_000 },
    ],
    links: {
      slackThread: 'https://example.slack.com/archives/C0ITHELP/p1709546400000100',
      gitlabIssue: 'https://gitlab.example.com/gitlab-com/gl-security/corp/issue-tracker/-/issues/23',
    },
    reopenUntil: null,
    heldUntil: null,
    timeline: [
      { at: '2024-03-04T10:00:00.000Z', actor: 'ada@example.com', action: 'opened', note: 'Tier 2, P2' },
      { at: '2024-03-04T10:05:00.000Z', actor: 'grace@example.com', action: 'comment', note: 'INTERNAL: check the okta admin console, password hunter2' },
      { at: '2024-03-04T10:45:00.000Z', actor: 'tierflow', action: 'sla_warning', note: 'INTERNAL warning' },
      { at: '2024-03-04T11:00:00.000Z', actor: 'tierflow', action: 'sla_breached', note: 'INTERNAL breach' },
      { at: '2024-03-04T11:00:00.000Z', actor: 'tierflow', action: 'escalated', note: 'Tier 2 → Tier 3: INTERNAL reason' },
      { at: '2024-03-04T11:10:00.000Z', actor: 'grace@example.com', action: 'priority', note: 'P2 → P1' },
      { at: '2024-03-04T11:20:00.000Z', actor: 'U024BE7LH', action: 'acknowledge', note: 'INTERNAL: on it' },
      { at: '2024-03-04T11:30:00.000Z', actor: 'tierflow', action: 'integration_error', note: 'INTERNAL post_thread failed' },
      { at: '2024-03-04T11:40:00.000Z', actor: 'grace@example.com', action: 'pause', note: 'INTERNAL: asked for the device id' },
      { at: '2024-03-04T12:00:00.000Z', actor: 'ada@example.com', action: 'resumed', note: 'the requester replied' },
    ],
    timelineCounts: {
      opened: 1,
      comment: 1,
      sla_warning: 1,
      sla_breached: 1,
      escalated: 1,
      priority: 1,
      acknowledge: 1,
      integration_error: 1,
      pause: 1,
      resumed: 1,
    },
    timelineOmitted: 0,
    ...overrides,
  };
}
