/**
 * `GET /requests` and `GET /reports/sla` end to end: requests submitted through the real intake to a
 * worker on the dev server, some acknowledged, resolved or escalated through the API, then listed
 * with filters and a cursor, and reported as JSON, CSV and HTML — all read from Temporal visibility,
 * which lags the workflows (hence `eventually`). The system is one no other end-to-end test uses,
 * so its counts are exact.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RequestListItem } from '../../contracts/request-list.js';
import type { SlaGroup, SlaReport } from '../../domain/sla-report.js';
import { eventually } from '../support/harness.js';
import { API_TOKEN, apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

const SYSTEM = 'drivestrike';

let e2e: E2eIntake;
let since: string;
let until: string;
const ids = { resolved: '', acknowledged: '', open: '', escalated: '' };

/** A GET with the bearer token, answered as text. */
async function fetchText(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}`, ...headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function page(query: string): Promise<{ items: RequestListItem[]; nextCursor: string | null }> {
  const res = await apiCall(e2e.baseUrl, 'GET', `/requests?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as { items: RequestListItem[]; nextCursor: string | null };
}

const mine = (items: RequestListItem[]) => items.filter((i) => i.system === SYSTEM).map((i) => i.id);
const range = () => `since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`;
const systemGroup = (report: SlaReport): SlaGroup | undefined => report.groups.system.find((g) => g.key === SYSTEM);

beforeAll(async () => {
  // A namespace of its own: what it checks counts every request of the namespace.
  e2e = await startE2eIntake(inject('temporalAddress'), { namespace: 'fresh' });
  since = new Date(Date.now() - 1_000).toISOString();
  const open = async (summary: string, priority: string) => {
    const res = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary, priority, system: SYSTEM });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  ids.resolved = await open('DriveStrike wiped the wrong laptop', 'P2');
  ids.acknowledged = await open('DriveStrike agent will not install', 'P3');
  ids.open = await open('DriveStrike console asks for a licence', 'P4');
  ids.escalated = await open('DriveStrike locks every new MacBook', 'P3');
  const act = async (id: string, action: string, note?: string) => {
    // Before its routing has run a request answers 503 (retry): retry as a client does.
    const res = await eventually(
      `${action} to be taken`,
      async () => {
        const r = await apiCall(e2e.baseUrl, 'POST', `/requests/${id}/${action}`, { actor: 'grace@example.com', ...(note ? { note } : {}) });
        return r.status === 503 ? null : r;
      },
      20_000,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  await act(ids.resolved, 'acknowledge');
  await act(ids.resolved, 'resolve');
  await act(ids.acknowledged, 'acknowledge');
  await act(ids.escalated, 'escalate', 'needs the systems engineers');
  until = new Date(Date.now() + 60_000).toISOString();
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

describe('GET /requests on the dev server', () => {
  it('lists the requests of a filter with their summaries and SLA outcome', async () => {
    const items = await eventually(
      'all four listed with their outcome',
      async () => {
        const { items } = await page(`system=${SYSTEM}&${range()}&limit=50`);
        const resolved = items.find((i) => i.id === ids.resolved);
        // SQL visibility updates each workflow on its own: wait until every one shows its last action.
        const settled =
          resolved?.resolutionMet != null &&
          items.find((i) => i.id === ids.acknowledged)?.status === 'acknowledged' &&
          items.find((i) => i.id === ids.escalated)?.tier === 3;
        return items.length === 4 && settled ? items : null;
      },
      30_000,
    );
    expect(new Set(items.map((i) => i.id))).toEqual(new Set(Object.values(ids)));
    expect(items.find((i) => i.id === ids.resolved)).toMatchObject({
      summary: 'DriveStrike wiped the wrong laptop',
      status: 'resolved',
      priority: 'P2',
      firstResponseMet: true,
      resolutionMet: true,
    });
    expect(items.find((i) => i.id === ids.escalated)).toMatchObject({ tier: 3, escalations: 1 });
  });

  it('narrows by status, tier, priority and breached', async () => {
    const only = async (filter: string, expected: string[]) =>
      eventually(`${filter} to list ${expected.join(', ')}`, async () => {
        const { items } = await page(`system=${SYSTEM}&${range()}&${filter}`);
        return JSON.stringify(mine(items).sort()) === JSON.stringify([...expected].sort()) ? items : null;
      });
    const resolved = await only('status=resolved', [ids.resolved]);
    expect(resolved.every((i) => i.status === 'resolved')).toBe(true);
    await only('status=acknowledged', [ids.acknowledged]);
    const tier3 = await only('tier=3', [ids.escalated]);
    expect(tier3.every((i) => i.tier === 3)).toBe(true);
    await only('priority=P4', [ids.open]);
    await only('breached=false', Object.values(ids));
    await only('breached=true', []);
  });

  it('pages with the cursor it hands out, each request once, and refuses one it did not', async () => {
    await eventually('all four listed', async () => (await page(`system=${SYSTEM}&${range()}`)).items.length === 4, 30_000);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next: { items: RequestListItem[]; nextCursor: string | null } = await page(
        `system=${SYSTEM}&${range()}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(next.items.length).toBeLessThanOrEqual(1);
      seen.push(...next.items.map((i) => i.id));
      cursor = next.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(cursor).toBeNull();
    expect(seen.sort()).toEqual(Object.values(ids).sort());

    // A cursor made up, one with its seal cut off, and a real one used with another filter.
    const real = (await page(`system=${SYSTEM}&${range()}&limit=1`)).nextCursor!;
    expect(real).toMatch(/\.[\w-]{43}$/);
    const refused = ['AAAA', `x'%20OR%201%3D1`, real.slice(0, real.lastIndexOf('.')), real].map(
      (c, i) => `${i === 3 ? 'tier=2' : `system=${SYSTEM}`}&cursor=${c}`,
    );
    for (const query of refused) {
      const res = await apiCall(e2e.baseUrl, 'GET', `/requests?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect((res.body.details as Array<{ field: string }>)[0]!.field).toBe('cursor');
    }
    const bad = await apiCall(e2e.baseUrl, 'GET', '/requests?tier=7');
    expect(bad.status).toBe(400);
    expect((bad.body.details as Array<{ field: string }>)[0]!.field).toBe('tier');
  });
});

describe('GET /reports/sla on the dev server', () => {
  /** The report once visibility has the four requests with the resolved one's outcome. */
  const settledReport = () =>
    eventually(
      'a report counting the four',
      async () => {
        const res = await apiCall(e2e.baseUrl, 'GET', `/reports/sla?${range()}&format=json`);
        expect(res.status).toBe(200);
        const report = res.body as unknown as SlaReport;
        const group = systemGroup(report);
        return group && group.opened === 4 && group.resolution.measured === 1 && group.firstResponse.measured === 3 ? report : null;
      },
      30_000,
    );

  it('reports them as JSON: attainment, escalations and the tier each stands at', async () => {
    const report = await settledReport();
    expect(report.since).toBe(since);
    expect(report.until).toBe(until);
    expect(systemGroup(report)).toMatchObject({
      opened: 4,
      resolved: 1,
      // Acknowledging and escalating are both a first response; the untouched request has none yet.
      firstResponse: { measured: 3, met: 3, rate: 1 },
      resolution: { measured: 1, met: 1, rate: 1 },
      breached: 0,
      escalations: 1,
      reopens: 0,
    });
    expect(report.groups.tier.map((g) => g.key)).toEqual(expect.arrayContaining(['Tier 2', 'Tier 3']));
    expect(report.firstResponseHistogram.reduce((n, b) => n + b.count, 0)).toBeGreaterThanOrEqual(3);
    expect(report.automation).toEqual([]);
  });

  it('reports them as CSV by system, and by tier when asked', async () => {
    await settledReport();
    const csv = await fetchText(`/reports/sla?${range()}`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.text.split('\r\n');
    expect(lines[0]!.startsWith('group,opened,resolved,')).toBe(true);
    // group, opened, resolved, first response measured, met, %, median, p90, resolution measured, met, %.
    expect(lines.find((l) => l.startsWith(`${SYSTEM},`))).toMatch(new RegExp(`^${SYSTEM},4,1,3,3,100\\.0,\\d*,\\d*,1,1,100\\.0,\\d*,\\d*,0,1,0$`));
    const byTier = await fetchText(`/reports/sla?${range()}&format=csv&by=tier`);
    expect(byTier.text.split('\r\n').map((l) => l.split(',')[0])).toEqual(expect.arrayContaining(['Tier 2', 'Tier 3', 'all']));
  });

  it('reports them as an HTML page with its charts and tables, under its CSP', async () => {
    await settledReport();
    const page = await fetchText(`/reports/sla?${range()}`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'none'; style-src 'sha256-/);
    expect(page.text.match(/<svg /g)).toHaveLength(4);
    expect(page.text).toMatch(new RegExp(`<tr><td>${SYSTEM}</td><td>4</td><td>100\\.0%<small>3/3</small></td>`));
    expect(page.text).toContain('>SLA met by system<');
    expect(page.text).toContain(`>${SYSTEM}<`);
    expect(page.text).toContain('None yet');
  });

  it('refuses a bad field by name, and the token is required', async () => {
    const res = await apiCall(e2e.baseUrl, 'GET', '/reports/sla?by=owner');
    expect(res.status).toBe(400);
    expect((res.body.details as Array<{ field: string }>)[0]!.field).toBe('by');
    expect((await fetch(`${e2e.baseUrl}/reports/sla`)).status).toBe(401);
  });
});
