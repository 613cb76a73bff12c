/**
 * The SLA report page in a real browser (headless Chromium, Debian's package, driven by
 * playwright-core): requests submitted and worked through the real intake on the dev server, then
 * `GET /reports/sla` opened as a browser opens it (its own `Accept`, the bearer token as a header).
 * The four inline SVG charts render with their bars, lines and fonts, the tables are there, and
 * nothing breaks the CSP or logs an error.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { SLA_CHART_COLORS } from '../../charts/sla-charts.js';
import type { SlaReport } from '../../domain/sla-report.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/harness.js';
import { API_TOKEN, apiCall, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

const SYSTEM = 'sentinelone';

let e2e: E2eIntake;
let browser: Promise<Browser> | undefined;
let context: Promise<BrowserContext> | undefined;

beforeAll(async () => {
  // A namespace of its own: the page counts every request opened in its range.
  e2e = await startE2eIntake(inject('temporalAddress'), { namespace: 'fresh' });
  const since = new Date(Date.now() - 1_000).toISOString();
  const ids: string[] = [];
  for (const [summary, priority] of [
    ['SentinelOne quarantined our build tool', 'P2'],
    ['SentinelOne agent uses all the CPU', 'P3'],
  ] as const) {
    const res = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary, priority, system: SYSTEM });
    expect(res.status).toBe(202);
    ids.push(res.body.id as string);
  }
  for (const [id, action] of [
    [ids[0]!, 'acknowledge'],
    [ids[0]!, 'resolve'],
    [ids[1]!, 'acknowledge'],
  ] as const) {
    expect((await apiCall(e2e.baseUrl, 'POST', `/requests/${id}/${action}`, { actor: 'grace@example.com' })).status).toBe(200);
  }
  // Visibility lags the workflows: wait until the report counts both, the resolved one settled.
  await eventually(
    'the report to count both requests',
    async () => {
      const report = (await apiCall(e2e.baseUrl, 'GET', `/reports/sla?since=${encodeURIComponent(since)}&format=json`)).body as unknown as SlaReport;
      const group = report.groups?.system.find((g) => g.key === SYSTEM);
      return group && group.opened >= 2 && group.resolution.measured >= 1;
    },
    30_000,
  );
}, 60_000);

afterAll(async () => {
  await (await context?.catch(() => undefined))?.close();
  await (await browser?.catch(() => undefined))?.close();
  await e2e?.close();
});

/** The operator's browser, sending the API token; launched by the first test (no Chromium: the test fails naming the package). */
function operator(): Promise<BrowserContext> {
  browser ??= launchChromium();
  context ??= browser.then((b) => b.newContext({ locale: 'en-US', extraHTTPHeaders: { authorization: `Bearer ${API_TOKEN}` } }));
  return context;
}

/** A page that records console errors and warnings (CSP violations among them) and uncaught errors. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await (await operator()).newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

describe('the SLA report page in Chromium', () => {
  it('renders four SVG charts with their bars, lines and fonts, and the tables, with no console error or CSP violation', async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(`${e2e.baseUrl}/reports/sla`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.title()).toBe('SLA report · tierflow');

    const charts = page.locator('figure > svg');
    expect(await charts.count()).toBe(4);
    for (let i = 0; i < 4; i += 1) {
      const box = await charts.nth(i).boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(100);
    }
    expect(await charts.nth(0).getAttribute('aria-label')).toMatch(/^SLA met by tier\. Tier 2: first response /);
    // Bars: first response (blue) and resolution (green) per tier; the system chart names the system.
    const bar = charts.nth(0).locator(`path[fill="${SLA_CHART_COLORS.firstResponse}"][ecmeta_ssr_type="chart"]`);
    expect(await bar.count()).toBeGreaterThan(0);
    expect((await bar.first().boundingBox())!.height).toBeGreaterThan(10);
    expect(await charts.nth(1).locator('text', { hasText: SYSTEM }).count()).toBe(1);
    // The histogram's buckets and the trend's lines.
    expect(await charts.nth(2).locator('text', { hasText: '< 15 min' }).count()).toBe(1);
    expect(await charts.nth(3).locator(`path[stroke="${SLA_CHART_COLORS.resolution}"][fill="none"]`).count()).toBeGreaterThan(0);
    // The text's size is a presentation attribute, so the CSP (no inline style) leaves it applied.
    const fontSize = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize;
    expect(await charts.nth(0).locator('text', { hasText: 'SLA met by tier' }).evaluate(fontSize)).toBe('16px');
    expect(await charts.nth(0).locator('text', { hasText: /^0%$/ }).evaluate(fontSize)).toBe('11px');

    for (const by of ['tier', 'system', 'priority', 'week']) expect(await page.locator(`#by-${by} + .scroll table`).count()).toBe(1);
    const row = page.locator('#by-system + .scroll tbody tr', { hasText: SYSTEM });
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    expect(await row.locator('td').nth(2).textContent()).toBe('100.0%2/2');
    expect(await page.locator('#automation + p').textContent()).toContain('None yet');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('links the same range as JSON, and the CSP refuses a script the page did not ship', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${e2e.baseUrl}/reports/sla`);
    const href = await page.locator('a', { hasText: 'JSON' }).getAttribute('href');
    const json = await page.request.get(new URL(href!, `${e2e.baseUrl}/reports/sla`).href);
    expect(json.headers()['content-type']).toBe('application/json; charset=utf-8');
    const report = (await json.json()) as SlaReport;
    expect(report.groups.system.some((g) => g.key === SYSTEM)).toBe(true);

    // Evaluated in the page (the test's tsconfig has no DOM types): what an injection would try.
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'window.injected = 1';
      document.body.append(script);
    }`);
    expect(await page.evaluate('typeof window.injected')).toBe('undefined');
    await eventually('the CSP violation on the console', () => problems.some((p) => /Content Security Policy/i.test(p)), 5_000);
    await page.close();
  });
});
