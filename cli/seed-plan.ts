/**
 * The demo requests `tierflow seed` opens, and what it then does to each, so that `npm start` +
 * `npx tierflow seed` shows a populated SLA report: several systems, priorities and types (never a
 * crisis), some acknowledged, commented, escalated, waiting on the requester or resolved, some
 * untouched. Deterministic for a given batch, count and registry. Pure.
 */
import type { ActionName, HelpRequestInput } from '../contracts/help-request.js';
import type { SystemEntry } from '../domain/registry.js';
import type { Priority, RequestType } from '../domain/types.js';

/** One demo request and the engineer actions that follow its opening, in order. */
export interface SeedRequest {
  input: HelpRequestInput;
  actions: Array<{ action: ActionName; actor: string; note?: string }>;
}

/** Summaries people really send, by registry system id (systems the registry lacks are skipped). */
const CATALOG: ReadonlyArray<{ system: string; summary: string; type: RequestType }> = [
  { system: 'okta-sso', summary: 'Okta push notification never arrives on my new phone', type: 'question' },
  { system: '1password', summary: 'Need access to the Finance shared vault', type: 'access' },
  { system: 'zoom', summary: 'Zoom webinar license for the quarterly all-hands', type: 'access' },
  { system: 'goog-apps', summary: 'Google Drive folder shared outside the company by mistake', type: 'question' },
  { system: 'aws', summary: 'IAM role for the data team sandbox account', type: 'change' },
  { system: 'slack', summary: 'Slack workspace guest account for a contractor', type: 'access' },
  { system: 'jamf', summary: 'Laptop stuck in a Jamf enrollment loop', type: 'question' },
  { system: 'sentinelone', summary: 'SentinelOne quarantined our build tool', type: 'question' },
  { system: 'dns', summary: 'New CNAME for the status page', type: 'change' },
  { system: 'okta-sso', summary: 'Okta asks for MFA on every login since Monday', type: 'question' },
  { system: 'gitlab', summary: 'GitLab group owner left the company', type: 'access' },
  { system: 'nordlayer', summary: 'NordLayer VPN drops every ten minutes', type: 'question' },
];

const PRIORITY_CYCLE: readonly Priority[] = ['P3', 'P2', 'P4', 'P3', 'P2', 'P3', 'P1', 'P4'];
const REQUESTERS = ['ada@example.com', 'linus@example.com', 'barbara@example.com', 'ken@example.com', 'margaret@example.com', 'dennis@example.com'];

/** What happens to request `i` after it opens: eight patterns, repeating. */
const ACTION_PATTERNS: ReadonlyArray<ReadonlyArray<{ action: ActionName; note?: string }>> = [
  [{ action: 'acknowledge' }, { action: 'comment', note: 'Looking into it now.' }, { action: 'resolve', note: 'Fixed; reopen if it comes back.' }],
  [{ action: 'acknowledge' }],
  [],
  [{ action: 'acknowledge' }, { action: 'escalate', note: 'Needs systems engineering: a configuration change.' }],
  [{ action: 'comment', note: 'Can you send a screenshot of the error?' }, { action: 'resolve' }],
  [{ action: 'acknowledge' }, { action: 'pause', note: 'Waiting for the requester to try again.' }],
  [],
  [{ action: 'acknowledge' }, { action: 'resolve', note: 'Done.' }],
];

/**
 * `count` demo requests with ids `req-json-seed-<batch>-<n>`, spread over the registry's systems,
 * acted on by `actors` in turn.
 * @example seedPlan({ count: 2, batch: 'demo', systems, actors: ['lena.fischer'] })[0].input.id // 'req-json-seed-demo-1'
 */
export function seedPlan(opts: {
  count: number;
  batch: string;
  systems: readonly Pick<SystemEntry, 'id' | 'name'>[];
  actors: readonly string[];
}): SeedRequest[] {
  const known = new Set(opts.systems.map((s) => s.id));
  const catalog = CATALOG.filter((entry) => known.has(entry.system));
  // A registry with none of the catalog's systems still gets requests, about its own systems.
  const entries =
    catalog.length > 0
      ? catalog
      : opts.systems.map((s, i) => ({ system: s.id, summary: `Question about ${s.name}`, type: (i % 3 === 2 ? 'access' : 'question') as RequestType }));
  const actors = opts.actors.length > 0 ? opts.actors : ['tierflow-seed'];
  return Array.from({ length: opts.count }, (_, i) => {
    const entry = entries[i % Math.max(1, entries.length)];
    const actor = actors[i % actors.length]!;
    const input: HelpRequestInput = {
      id: `req-json-seed-${opts.batch}-${i + 1}`,
      source: 'webhook',
      requester: { email: REQUESTERS[i % REQUESTERS.length]! },
      summary: entry?.summary ?? 'Question about a system',
      description: 'Demo request opened by `tierflow seed`.',
      ...(entry ? { system: entry.system, type: entry.type } : {}),
      priority: PRIORITY_CYCLE[i % PRIORITY_CYCLE.length]!,
    };
    return { input, actions: (ACTION_PATTERNS[i % ACTION_PATTERNS.length] ?? []).map((step) => ({ ...step, actor })) };
  });
}

/**
 * A batch tag from the clock, so each seeding opens new requests (ids are business keys: the
 * same batch twice finds the requests it opened and acts on none again).
 * @example seedBatch(Date.UTC(2026, 11, 1)) // 'mx3xkao0'
 */
export function seedBatch(now: number): string {
  return now.toString(36);
}
