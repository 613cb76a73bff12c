/**
 * `tierflow requests`, `report sla` and `seed` through the real entry, against the run's dev
 * server with a worker serving the requests (the end-to-end intake harness): list filters, a
 * request's status, an action applied and one refused, the report as table, CSV and JSON, and a
 * seeding the report then counts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RequestListItem } from '../../contracts/request-list.js';
import type { RequestStatusView } from '../../domain/status-view.js';
import type { SlaReport } from '../../domain/sla-report.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { readAllRequests } from '../../queries/requests.js';
import { eventually } from '../support/harness.js';
import { apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';
import { jsonOf, runCli } from './support/run-cli.js';

let e2e: E2eIntake;
let env: Record<string, string>;
let since: string;
const ids: string[] = [];

beforeAll(async () => {
  const address = inject('temporalAddress');
  // A namespace of its own: `seed` and the report count every request of the namespace.
  e2e = await startE2eIntake(address, { namespace: 'fresh' });
  env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: e2e.client.options.namespace };
  since = new Date(Date.now() - 1_000).toISOString();
  for (const [summary, priority, system] of [
    ['Okta push never arrives on my phone', 'P2', 'okta-sso'],
    ['Need a Zoom webinar license', 'P4', 'zoom'],
    ['Okta asks for MFA every hour', 'P3', 'okta-sso'],
  ] as const) {
    const res = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary, priority, system });
    expect(res.status).toBe(202);
    ids.push(res.body.id as string);
  }
  // The first answered and resolved (through the API), the other two untouched.
  for (const action of ['acknowledge', 'resolve']) {
    expect((await apiCall(e2e.baseUrl, 'POST', `/requests/${ids[0]}/${action}`, { actor: 'grace@example.com' })).status).toBe(200);
  }
  // Visibility lags the workflows a little: wait until the list sees all three as they stand.
  await eventually(
    'the three requests in visibility',
    async () => {
      const rows = (await readAllRequests(e2e.client, { openedSince: Date.parse(since) })).filter((r) => ids.includes(r.id));
      return rows.length === 3 && rows.find((r) => r.id === ids[0])?.status === 'resolved';
    },
    20_000,
  );
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

const ours = (items: RequestListItem[]) => items.map((i) => i.id).filter((id) => ids.includes(id));

describe.concurrent('tierflow requests list', () => {
  it('filters by system, status and priority, newest first', async () => {
    const [okta, resolved, p4] = await Promise.all([
      runCli(['requests', 'list', '--since', since, '--system', 'okta-sso', '--format', 'json'], env),
      runCli(['requests', 'list', '--since', since, '--status', 'resolved', '--json'], env),
      runCli(['requests', 'list', '--since', since, '--priority', 'P4', '--not-breached'], env),
    ]);
    expect(okta.code).toBe(0);
    expect(ours(jsonOf(okta)).sort()).toEqual([ids[0], ids[2]].sort());
    expect(jsonOf<RequestListItem[]>(okta).find((i) => i.id === ids[2])).toMatchObject({ summary: 'Okta asks for MFA every hour', priority: 'P3', tier: 2 });
    expect(ours(jsonOf(resolved))).toEqual([ids[0]]);
    // The table: header, the row with its padded columns, the summary, and the due time as "in …".
    expect(p4.code).toBe(0);
    const [header, ...rows] = p4.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+TIER\s+STATUS\s+PRIORITY\s+SYSTEM\s+BREACHED\s+DUE\s+SUMMARY$/);
    const row = rows.find((line) => line.startsWith(`${ids[1]} `));
    expect(row).toMatch(/\s2\s+open\s+P4\s+zoom\s+no\s+in \d+[dhm].*\s+Need a Zoom webinar license$/);
    expect(rows.some((line) => line.startsWith(`${ids[0]} `))).toBe(false);
  });

  it('writes CSV with a header row, and limits the rows', async () => {
    const run = await runCli(['requests', 'list', '--since', since, '--system', 'okta-sso', '--format', 'csv', '--limit', '1'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('id,tier,status,priority,system,type,breached,due_at,opened_at,resolved_at,summary');
    expect(lines).toHaveLength(3); // header, one row, the final line end
    expect(lines[1]).toMatch(/^req-json-.*,okta-sso,/);
  });
});

describe('tierflow requests show and actions', () => {
  it("shows a request's tier, status, SLA clocks with due times, links and timeline", async () => {
    const [text, json] = await Promise.all([runCli(['requests', 'show', ids[2]!], env), runCli(['--json', 'requests', 'show', ids[2]!], env)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${ids[2]}  Okta asks for MFA every hour`);
    expect(text.stdout).toContain('Tier 2 · open · P3 · question · system okta-sso');
    expect(text.stdout).toMatch(/first response\s+2\s+running\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC \((in )?[\d dhm]+/);
    expect(text.stdout).toMatch(/Slack thread\s+https?:\/\/\S+/);
    expect(text.stdout).toMatch(/Timeline[\s\S]*opened\s+ada@example\.com/);
    const view = jsonOf<RequestStatusView>(json);
    expect(view).toMatchObject({ id: ids[2], tier: 2, status: 'open', priority: 'P3', system: 'okta-sso' });
    expect(text.stdout).toContain(view.clocks[0]!.dueAt!.slice(0, 10));
  });

  it('applies an action as the API does, and a refused one exits 2 with the reason', async () => {
    const done = await runCli(['requests', 'acknowledge', ids[1]!, '--as', 'grace', '--note', 'on it'], env);
    expect(done.code).toBe(0);
    expect(done.stdout.trim()).toMatch(new RegExp(`^acknowledge: ${ids[1]} is now Tier 2 · acknowledged · P4 · zoom — `));
    const view = await createTemporalGateway(e2e.client).status(ids[1]!);
    expect(view).toMatchObject({ status: 'acknowledged', assignee: 'grace' });
    expect(view.timeline.at(-1)).toMatchObject({ actor: 'grace', action: 'acknowledge' });

    const [again, resolved, comment] = await Promise.all([
      runCli(['requests', 'acknowledge', ids[1]!], { ...env, TIERFLOW_ACTOR: 'linus' }),
      runCli(['requests', 'resolve', ids[0]!, '--as', 'grace'], env),
      runCli(['--json', 'requests', 'comment', ids[1]!, '--note', 'Licence ordered'], { ...env, TIERFLOW_ACTOR: 'linus' }),
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe('tierflow: refused: already acknowledged by grace');
    expect(resolved.code).toBe(2);
    expect(resolved.stderr.trim()).toBe('tierflow: refused: cannot resolve: request is already resolved');
    // The comment reaches the request's timeline with its note (TIERFLOW_ACTOR as the actor).
    expect(comment.code).toBe(0);
    expect(jsonOf<RequestStatusView>(comment).timeline.at(-1)).toMatchObject({ actor: 'linus', action: 'comment', note: 'Licence ordered' });
  });

  it('answers exit 3 for an unknown request', async () => {
    const [show, act] = await Promise.all([
      runCli(['requests', 'show', 'req-json-no-such-request'], env),
      runCli(['requests', 'pause', 'req-json-no-such-request', '--as', 'grace'], env),
    ]);
    expect(show.code).toBe(3);
    expect(show.stderr.trim()).toBe('tierflow: no request with id req-json-no-such-request');
    expect(act.code).toBe(3);
  });
});

describe('tierflow report sla', () => {
  it('prints the chosen grouping with a total row as a table, CSV or JSON', async () => {
    const args = ['report', 'sla', '--since', since, '--by', 'system'];
    const [table, csv, json] = await Promise.all([runCli(args, env), runCli([...args, '--format', 'csv'], env), runCli([...args, '--json'], env)]);
    expect(json.code).toBe(0);
    const report = jsonOf<SlaReport>(json);
    const okta = report.groups.system.find((g) => g.key === 'okta-sso')!;
    expect(okta.opened).toBeGreaterThanOrEqual(2);
    expect(okta.resolution.met).toBeGreaterThanOrEqual(1);
    expect(report.total.opened).toBeGreaterThanOrEqual(3);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SLA report: requests opened .* by system \(\d+ requests\)/);
    expect(table.stdout).toMatch(/SYSTEM\s+OPENED\s+RESOLVED\s+FIRST RESPONSE MET/);
    expect(table.stdout).toMatch(/\nokta-sso\s+\d+\s+\d+\s+\d+\.\d% \(\d+\/\d+\)/);
    expect(table.stdout).toMatch(/\n-+\ntotal\s+\d+/);
    expect(table.stderr).toBe(''); // no progress when stderr is not a terminal

    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^group,opened,resolved,first_response_measured,/);
    expect(lines.some((line) => line.startsWith('okta-sso,'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^all,\d+,/);
  });
});

describe('tierflow seed', () => {
  it("opens requests on the worker's task queue, acts on a share, and the report counts them", async () => {
    const seededSince = new Date(Date.now() - 1_000).toISOString();
    const run = await runCli(['--json', 'seed', '--count', '8', '--task-queue', e2e.harness.taskQueue], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outcomes = jsonOf<Array<{ id: string; system: string; type: string; priority: string; done: string[]; refused: string[]; status: string }>>(run);
    expect(outcomes).toHaveLength(8);
    expect(new Set(outcomes.map((o) => o.system)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(outcomes.map((o) => o.priority)).size).toBeGreaterThanOrEqual(3);
    expect(outcomes.map((o) => o.type)).not.toContain('crisis');
    expect(outcomes.flatMap((o) => o.refused)).toEqual([]);
    const done = outcomes.flatMap((o) => o.done);
    for (const action of ['acknowledge', 'comment', 'escalate', 'resolve']) expect(done).toContain(action);
    expect(outcomes.filter((o) => o.done.length === 0).length).toBeGreaterThan(0);

    const seeded = new Set(outcomes.map((o) => o.id));
    await eventually(
      'the seeded requests in visibility with their outcomes',
      async () => {
        const rows = (await readAllRequests(e2e.client, { openedSince: Date.parse(seededSince) })).filter((r) => seeded.has(r.id));
        return rows.length === 8 && rows.filter((r) => r.resolutionMet !== null).length === done.filter((a) => a === 'resolve').length;
      },
      20_000,
    );
    const report = jsonOf<SlaReport>(await runCli(['report', 'sla', '--since', seededSince, '--json'], env));
    expect(report.total.opened).toBeGreaterThanOrEqual(8);
    expect(report.total.escalations).toBeGreaterThanOrEqual(done.filter((a) => a === 'escalate').length);
    expect(report.total.resolution.met).toBeGreaterThanOrEqual(done.filter((a) => a === 'resolve').length);
    expect(report.groups.tier.map((g) => g.key)).toEqual(expect.arrayContaining(['Tier 2', 'Tier 3']));
  });

  it('refuses to seed a task queue no worker polls, naming it', async () => {
    const run = await runCli(['seed', '--count', '1', '--task-queue', 'nobody-polls-this-queue'], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^tierflow: no worker polls task queue nobody-polls-this-queue at 127\.0\.0\.1:\d+; start one with `npm start`/);
  });
});
