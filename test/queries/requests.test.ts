/**
 * Requests read from visibility on the real dev server: the SLA outcome a request publishes as
 * search attributes (operations patch) and its summary from the memo, a page per filter with a
 * cursor that pages on, and the SLA report aggregated from the same rows.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { HELP_REQUEST_WORKFLOW, helpRequestStartOptions } from '../../contracts/help-request.js';
import { FilterError } from '../../contracts/request-list.js';
import { createTemporalGateway, GatewayError } from '../../intake/temporal-gateway.js';
import { CursorError, listRequests, readAllRequests } from '../../queries/requests.js';
import { readSlaReport } from '../../queries/sla-report.js';
import { eventually } from '../support/harness.js';
import { API_TOKEN, apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

let e2e: E2eIntake;
let since: number;
const ids: string[] = [];

beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
  since = Date.now() - 1_000;
  for (const [summary, priority] of [
    ['Okta push never arrives on my phone', 'P2'],
    ['Need a Zoom webinar license', 'P4'],
    ['Okta asks for MFA every hour', 'P3'],
  ] as const) {
    const res = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary, priority, system: 'okta-sso' });
    expect(res.status).toBe(202);
    ids.push(res.body.id as string);
  }
  // One answered and resolved, one answered, one untouched.
  const act = (id: string, action: string) => apiCall(e2e.baseUrl, 'POST', `/requests/${id}/${action}`, { actor: 'grace@example.com' });
  expect((await act(ids[0]!, 'acknowledge')).status).toBe(200);
  expect((await act(ids[0]!, 'resolve')).status).toBe(200);
  expect((await act(ids[1]!, 'acknowledge')).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

void API_TOKEN;

/** How many runs of `id` visibility knows (continued-as-new ones included). */
async function countRuns(id: string): Promise<number> {
  let n = 0;
  for await (const _ of e2e.client.workflow.list({ query: `WorkflowId = '${id}'` })) n += 1;
  return n;
}

describe('requests from visibility', () => {
  it('lists a request with its summary from the memo and its SLA outcome from its search attributes', async () => {
    const resolved = await eventually(
      'the resolved request in visibility with its outcome',
      async () => {
        const page = await listRequests(e2e.client, { openedSince: since, status: 'resolved' }, { pageSize: 50 });
        return page.items.find((i) => i.id === ids[0] && i.resolutionMet !== null);
      },
      20_000,
    );
    expect(resolved).toMatchObject({
      summary: 'Okta push never arrives on my phone',
      system: 'okta-sso',
      priority: 'P2',
      status: 'resolved',
      firstResponseMet: true,
      resolutionMet: true,
      escalations: 0,
      reopens: 0,
      slaBreached: false,
      running: true,
    });
    expect(resolved.firstResponseSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(resolved.openedAt)).toBeGreaterThanOrEqual(since);
    expect(resolved.resolvedAt).not.toBeNull();
  });

  it('pages with a cursor, each request once', async () => {
    await eventually(
      'all three listed',
      async () => (await readAllRequests(e2e.client, { openedSince: since, system: 'okta-sso' })).filter((i) => ids.includes(i.id)).length === 3,
      20_000,
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRequests(e2e.client, { openedSince: since, system: 'okta-sso' }, { pageSize: 1, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });

  it('lists a request that continued as new once, with its summary and outcome carried', async () => {
    const id = `cas-${Date.now()}`;
    const input = {
      id,
      source: 'webhook' as const,
      requester: { email: 'ada@example.com' },
      summary: 'Long-running Okta thread',
      system: 'okta-sso',
      historyLimit: 40,
    };
    await e2e.client.workflow.start(HELP_REQUEST_WORKFLOW, helpRequestStartOptions(input, e2e.harness.taskQueue));
    // Through the gateway, as intake and the CLI act: an action meeting the continue-as-new is "retry".
    const gateway = createTemporalGateway(e2e.client, { taskQueue: e2e.harness.taskQueue });
    const actOnce = async (action: 'acknowledge' | 'comment', note?: string) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await gateway.act(id, action, { actor: 'grace@example.com', ...(note ? { note } : {}) });
        } catch (err) {
          if (!(err instanceof GatewayError && err.code === 'unavailable') || attempt > 5) throw err;
        }
      }
    };
    await actOnce('acknowledge');
    for (let i = 0; i < 12; i += 1) await actOnce('comment', `note ${i}`);
    await eventually('a second run', async () => (await countRuns(id)) > 1, 30_000);
    const item = await eventually(
      'the request listed once with its summary',
      async () => {
        const rows = (await readAllRequests(e2e.client, { openedSince: since })).filter((i) => i.id === id);
        return rows.length === 1 && rows[0]!.summary !== null && rows[0]!.firstResponseMet !== null ? rows[0] : null;
      },
      20_000,
    );
    expect(item).toMatchObject({ summary: 'Long-running Okta thread', firstResponseMet: true, status: 'acknowledged' });
  }, 60_000);

  it('refuses a cursor it did not give out and a filter that is wrong, naming the field', async () => {
    await expect(listRequests(e2e.client, {}, { cursor: "x' OR 1=1" })).rejects.toBeInstanceOf(CursorError);
    await expect(listRequests(e2e.client, { system: "okta' OR System != '" })).rejects.toBeInstanceOf(FilterError);
  });

  it('reports SLA attainment from the same rows', async () => {
    const report = await eventually(
      'a report counting the three',
      async () => {
        const r = await readSlaReport(e2e.client, { since, until: Date.now() + 60_000 });
        const okta = r.groups.system.find((g) => g.key === 'okta-sso');
        return okta && okta.opened >= 3 && okta.resolution.measured >= 1 ? r : null;
      },
      20_000,
    );
    const okta = report.groups.system.find((g) => g.key === 'okta-sso')!;
    expect(okta.firstResponse.met).toBeGreaterThanOrEqual(2);
    expect(report.groups.tier.map((g) => g.key)).toContain('Tier 2');
  });
});
