/**
 * `GET /reports/sla` and `GET /requests` in memory (Fastify `inject`, a recording gateway): the
 * bearer token, a 400 naming each wrong field, the default range, format negotiation, the CSV, and
 * a page that keeps a hostile system name, summary and link inert under a strict CSP.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { RequestListItem } from '../../contracts/request-list.js';
import { reportCsv, type AutomationCandidate, type ReportRow } from '../../domain/sla-report.js';
import { createApp } from '../../intake/app.js';
import type { IntakeDeps } from '../../intake/deps.js';
import { formatFromAccept } from '../../intake/routes/reports.js';
import { GatewayError, type RequestGateway } from '../../intake/temporal-gateway.js';
import { CursorError } from '../../queries/requests.js';
import { failingGateway, recordingGateway } from './support/gateway.js';

const TOKEN = 'api-test-token';
/** 2026-12-01 12:00 UTC. */
const NOW = Date.UTC(2026, 11, 1, 12);
const DAY_MS = 86_400_000;
const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

function appWith(gateway: RequestGateway, extra: Partial<IntakeDeps> = {}) {
  return createApp({ gateway, options: { intakeSecret: null, apiToken: TOKEN, publicUrl: 'http://tierflow.test', now: () => NOW }, ...extra });
}

const get = (app: ReturnType<typeof appWith>, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

const row = (id: string, system: string, over: Partial<ReportRow> = {}): ReportRow => ({
  id,
  openedAt: new Date(NOW - 3 * DAY_MS).toISOString(),
  tier: 2,
  system,
  priority: 'P3',
  status: 'resolved',
  slaBreached: false,
  firstResponseSeconds: 1_200,
  firstResponseMet: true,
  resolutionSeconds: 4_800,
  resolutionMet: true,
  escalations: 0,
  reopens: 0,
  ...over,
});

const ROWS = [
  row('req-1', 'okta-sso'),
  row('req-2', 'okta-sso', { tier: 3, firstResponseSeconds: 9_000, firstResponseMet: false, slaBreached: true, escalations: 1, resolutionMet: false }),
  row('req-3', HOSTILE, { priority: 'P1', resolutionSeconds: null, resolutionMet: null, status: 'open' }),
];

describe('the bearer token', () => {
  it.each(['/reports/sla', '/reports/sla?format=html', '/requests', '/requests?tier=3'])(
    '%s without a token or with a wrong one is 401, and Temporal is not asked',
    async (url) => {
      const { gateway, lists, reports } = recordingGateway();
      const app = appWith(gateway);
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      const wrong = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ error: 'missing or invalid Authorization: Bearer token' });
      expect([...lists, ...reports]).toEqual([]);
    },
  );
});

describe('GET /reports/sla: the query', () => {
  it.each([
    ['since=yesterday', 'since'],
    ['until=2026-13-45', 'until'],
    ['since=2026-11-20&until=2026-11-10', 'until'],
    ['since=2026-12-24', 'since'],
    ['since=2024-01-01&until=2026-01-01', 'since'],
    ['since=2026-11-01&since=2026-11-02', 'since'],
    ['format=pdf', 'format'],
    ['format=html&format=csv', 'format'],
    ['by=owner', 'by'],
    ['tier=3', 'tier'],
    ['sinc=2026-11-01', 'sinc'],
  ])('?%s is a 400 naming %s', async (query, field) => {
    const { gateway, reports } = recordingGateway();
    const res = await get(appWith(gateway), `/reports/sla?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; details: Array<{ field: string; problem: string }> }>();
    expect(body.details[0]!.field).toBe(field);
    expect(body.error).toContain(field);
    expect(reports).toEqual([]);
  });

  it('covers the 28 days up to now by default, and [since, until) when given', async () => {
    const { gateway, reports } = recordingGateway();
    const app = appWith(gateway);
    expect((await get(app, '/reports/sla')).statusCode).toBe(200);
    expect((await get(app, '/reports/sla?since=2026-11-01&until=2026-11-15T09:00:00Z')).statusCode).toBe(200);
    expect((await get(app, '/reports/sla?until=2026-11-29')).statusCode).toBe(200);
    expect(reports.map((r) => [r.since, r.until])).toEqual([
      [NOW - 28 * DAY_MS, NOW],
      [Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 15, 9)],
      [Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 29)],
    ]);
  });

  it('answers 503 with Retry-After while Temporal is unreachable', async () => {
    const res = await get(appWith(failingGateway('unavailable', 'Temporal is unreachable; retry later')), '/reports/sla', { accept: 'text/html' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: 'Temporal is unreachable; retry later' });
  });

  it('answers 503 when the automation candidates cannot be read, not a page that claims there are none', async () => {
    const { gateway, reports } = recordingGateway();
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 14, details: 'unavailable', metadata: {} });
    const res = await get(appWith(gateway, { automationCandidates: async () => Promise.reject(unreachable) }), '/reports/sla?format=html');
    expect(res.statusCode).toBe(503);
    expect(reports).toEqual([]);
  });
});

describe('GET /reports/sla: formats', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['text/csv', 'csv'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    [undefined, 'json'],
    ['text/html;q=0.5, text/csv', 'csv'],
    ['application/json, text/html', 'json'],
    ['text/html;q=0, application/xml', 'json'],
    ['TEXT/HTML ; q=1', 'html'],
  ] as const)('Accept %s → %s', (accept, format) => {
    expect(formatFromAccept(accept)).toBe(format);
  });

  it('answers the SlaReport as JSON by default, and the format field wins over Accept', async () => {
    const { gateway } = recordingGateway({}, { reportRows: ROWS });
    const app = appWith(gateway);
    for (const res of [await get(app, '/reports/sla'), await get(app, '/reports/sla?format=json', { accept: 'text/html' })]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers.vary).toBe('Accept');
      const report = res.json<{ total: { opened: number }; groups: { system: Array<{ key: string }> }; automation: unknown[] }>();
      expect(report.total.opened).toBe(3);
      expect(report.groups.system.map((g) => g.key)).toEqual(['okta-sso', HOSTILE]);
      expect(report.automation).toEqual([]);
    }
  });

  it('answers one grouping as CSV (by system unless asked), as a download named after the range', async () => {
    const { gateway } = recordingGateway({}, { reportRows: ROWS });
    const app = appWith(gateway);
    const bySystem = await get(app, '/reports/sla?since=2026-11-03&until=2026-12-01', { accept: 'text/csv' });
    expect(bySystem.statusCode).toBe(200);
    expect(bySystem.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(bySystem.headers['content-disposition']).toBe('attachment; filename="sla-report-by-system-2026-11-03-to-2026-12-01.csv"');
    const lines = bySystem.body.split('\r\n');
    expect(lines[0]).toMatch(/^group,opened,resolved,first_response_measured,first_response_met,first_response_met_pct,/);
    expect(lines[1]).toMatch(/^okta-sso,2,2,2,1,50\.0,/);
    // The hostile name is one quoted cell, not a formula and not a second column.
    expect(lines[2]!.startsWith(`"""><script>alert(1)</script><img src=x onerror=alert(2)>",1,0,`)).toBe(true);
    expect(lines[3]).toMatch(/^all,3,2,/);

    const byTier = await get(app, '/reports/sla?format=csv&by=tier&since=2026-11-03&until=2026-12-01');
    const report = (await get(app, '/reports/sla?since=2026-11-03&until=2026-12-01')).json();
    expect(byTier.body).toBe(reportCsv(report, 'tier'));
    expect(byTier.body.split('\r\n').map((l) => l.split(',')[0])).toEqual(['group', 'Tier 2', 'Tier 3', 'all', '']);
  });
});

describe('GET /reports/sla: the page', () => {
  const candidate: AutomationCandidate = {
    system: HOSTILE,
    summary: `reset mfa <b>now</b> & @channel`,
    count: 4,
    coverageSeconds: 4_800,
    requestIds: ['req-1', 'req-2', '<req-3>'],
    issueUrl: 'javascript:alert(3)',
  };

  it('is a self-contained page under a strict CSP: no script, only its own stylesheet by hash, four inline SVG charts', async () => {
    const { gateway } = recordingGateway({}, { reportRows: ROWS });
    const res = await get(appWith(gateway), '/reports/sla', { accept: 'text/html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']).split('; ');
    expect(csp).toEqual([
      "default-src 'none'",
      "script-src 'none'",
      expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/),
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    const html = res.body;
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(csp[2]).toBe(`style-src 'sha256-${createHash('sha256').update(styles[0]!).digest('base64')}'`);
    // Nothing an inline style or a script would need: no style attribute, no <style> in the SVGs, no script, no external URL.
    expect(html).not.toMatch(/ style=|<script|<img|<link|@import|url\(http/i);
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('<h1>SLA report</h1>');
    expect(html).toContain('Requests opened from <time datetime="2026-11-03T12:00:00.000Z">2026-11-03 12:00 UTC</time> to ');
  });

  it('shows tables per tier, system, priority and week with met %, median and p90 in coverage time', async () => {
    const { gateway } = recordingGateway({}, { reportRows: ROWS });
    const html = (await get(appWith(gateway), '/reports/sla?format=html')).body;
    for (const by of ['tier', 'system', 'priority', 'week']) expect(html).toContain(`<h2 id="by-${by}">`);
    // okta-sso: 2 opened, first response 1 of 2 met (50%: red), medians 20m and 2h 30m → nearest rank 20m; p90 2h 30m.
    expect(html).toContain(
      '<tr><td>okta-sso</td><td>2</td><td class="bad">50.0%<small>1/2</small></td><td>20m</td><td>2h 30m</td><td class="bad">50.0%<small>1/2</small></td><td>1h 20m</td><td>1h 20m</td><td>1</td><td>1</td><td>0</td></tr>',
    );
    expect(html).toContain('<tfoot><tr><td>All requests</td><td>3</td>');
    expect(html).toContain('None yet');
  });

  it('keeps a hostile system name, summary, request id and link inert', async () => {
    const { gateway, reports } = recordingGateway({}, { reportRows: ROWS });
    const seen: Array<{ since: number; until: number }> = [];
    const app = appWith(gateway, { automationCandidates: async (range) => (seen.push(range), [candidate]) });
    const html = (await get(app, '/reports/sla?format=html')).body;
    expect(seen).toEqual([{ since: NOW - 28 * DAY_MS, until: NOW }]);
    expect(reports[0]!.automation).toEqual([candidate]);
    expect(html).not.toMatch(/<script|<img|<b>|javascript:|onerror=alert\(2\)>/i);
    expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;');
    expect(html).toContain('<td class="text">reset mfa &#60;b&#62;now&#60;/b&#62; &#38; @channel</td>');
    expect(html).toContain('<code>&#60;req-3&#62;</code>');
    // In the charts too, the name is text: ECharts escapes it (its own entity style).
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)');
    expect(html).not.toContain('None yet');
  });
});

describe('GET /requests', () => {
  const item: RequestListItem = {
    id: 'req-json-1',
    summary: 'Locked out',
    tier: 3,
    status: 'open',
    priority: 'P2',
    system: 'okta-sso',
    type: 'question',
    slaBreached: true,
    slaDueAt: null,
    openedAt: new Date(NOW).toISOString(),
    resolvedAt: null,
    firstResponseSeconds: null,
    firstResponseMet: null,
    resolutionSeconds: null,
    resolutionMet: null,
    escalations: 1,
    reopens: 0,
    running: true,
  };

  it('answers a page from the gateway with the filter and page size asked for', async () => {
    const { gateway, lists } = recordingGateway({}, { listItems: [item] });
    const res = await get(appWith(gateway), '/requests?tier=3&breached=true&system=okta-sso&status=open&priority=P2&type=question&since=2026-11-01&limit=10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [item], nextCursor: null });
    expect(lists).toEqual([
      {
        filter: { tier: 3, breached: true, system: 'okta-sso', status: 'open', priority: 'P2', type: 'question', openedSince: Date.UTC(2026, 10, 1) },
        page: { pageSize: 10 },
      },
    ]);
    await get(appWith(gateway), '/requests');
    expect(lists[1]).toEqual({ filter: {}, page: { pageSize: 50 } });
  });

  it('hands out a sealed cursor that pages on with the same filter only', async () => {
    const { gateway, lists } = recordingGateway({
      listRequests: async (filter, page = {}) => {
        lists.push({ filter, page });
        return { items: [item], nextCursor: page.cursor ? null : 'CiQtoken_-1' };
      },
    });
    const app = appWith(gateway);
    const first = (await get(app, '/requests?tier=3&limit=1')).json<{ nextCursor: string }>();
    expect(first.nextCursor).toMatch(/^CiQtoken_-1\.[\w-]{43}$/);
    const second = await get(app, `/requests?tier=3&limit=1&cursor=${first.nextCursor}`);
    expect(second.json()).toEqual({ items: [item], nextCursor: null });
    expect(lists.map((l) => l.page)).toEqual([{ pageSize: 1 }, { pageSize: 1, cursor: 'CiQtoken_-1' }]);

    const tampered = first.nextCursor.replace('token', 'tokem');
    for (const url of [
      `/requests?tier=2&cursor=${first.nextCursor}`,
      `/requests?tier=3&cursor=${tampered}`,
      '/requests?cursor=CiQtoken_-1',
      "/requests?cursor=x'%20OR%201%3D1",
    ]) {
      const res = await get(app, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ details: Array<{ field: string }> }>().details[0]!.field).toBe('cursor');
    }
    expect(lists).toHaveLength(2);

    // Another API token (a rotated one) voids the cursors handed out before.
    const rotated = createApp({ gateway, options: { intakeSecret: null, apiToken: 'rotated', publicUrl: 'http://tierflow.test', now: () => NOW } });
    const res = await rotated.inject({ method: 'GET', url: `/requests?tier=3&cursor=${first.nextCursor}`, headers: { authorization: 'Bearer rotated' } });
    expect(res.statusCode).toBe(400);
  });

  it.each([
    ['tier=9', 'tier'],
    ['breached=maybe', 'breached'],
    ['status=lost', 'status'],
    ['priority=P9', 'priority'],
    ['system=%27%20OR%201%3D1', 'system'],
    ['since=2026-11-10&until=2026-11-01', 'until'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=a&cursor=b', 'cursor'],
    ['owner=grace', 'owner'],
  ])('?%s is a 400 naming %s', async (query, field) => {
    const { gateway, lists } = recordingGateway();
    const res = await get(appWith(gateway), `/requests?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ details: Array<{ field: string }> }>().details[0]!.field).toBe(field);
    expect(lists).toEqual([]);
  });

  it('answers a cursor Temporal refuses with a 400 naming cursor, and Temporal away with 503', async () => {
    let calls = 0;
    const refusing = recordingGateway({
      listRequests: async () => {
        calls += 1;
        if (calls === 1) return { items: [], nextCursor: 'CiQ' };
        throw new CursorError('cursor is not one this service gave out');
      },
    });
    const app = appWith(refusing.gateway);
    const cursor = (await get(app, '/requests')).json<{ nextCursor: string }>().nextCursor;
    const res = await get(app, `/requests?cursor=${cursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ details: Array<{ field: string }> }>().details[0]!.field).toBe('cursor');

    const away = await get(appWith(failingGateway('unavailable')), '/requests?tier=2');
    expect(away.statusCode).toBe(503);
    expect(away.headers['retry-after']).toBe('5');
  });

  it('leaves GET /requests/:id to the status of one request', async () => {
    const { gateway, lists } = recordingGateway({
      status: async (id) => {
        if (id !== 'req-json-1') throw new GatewayError('not_found', `no request with id ${id}`);
        return { id, status: 'open' } as Awaited<ReturnType<RequestGateway['status']>>;
      },
    });
    const app = appWith(gateway);
    expect((await get(app, '/requests/req-json-1')).json()).toEqual({ id: 'req-json-1', status: 'open' });
    expect((await get(app, '/requests/')).statusCode).toBe(404);
    expect(lists).toEqual([]);
  });
});
