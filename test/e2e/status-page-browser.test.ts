/**
 * The requester's page in a real browser (headless Chromium, Debian's package, driven by
 * playwright-core): a request started through the real intake on the dev server, its 202 link
 * opened by a reader in Tokyo. Times show in the reader's zone, the summary stays text, nothing
 * breaks the CSP, and a tampered link shows the "not valid" page.
 */
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/harness.js';
import { requestStatus, startE2eIntake, submitRequest, type E2eIntake } from '../intake/support/e2e.js';

const SUMMARY = `Locked out <script>window.pwned = 1</script> & <b>bold</b> "quoted"`;

let e2e: E2eIntake;
let browser: Promise<Browser> | undefined;
let context: Promise<BrowserContext> | undefined;

beforeAll(async () => {
  e2e = await startE2eIntake(inject('temporalAddress'));
});

afterAll(async () => {
  await (await context?.catch(() => undefined))?.close();
  await (await browser?.catch(() => undefined))?.close();
  await e2e?.close();
});

/**
 * The reader's browser, launched by the first test that needs it: without Chromium every test
 * fails with the message naming the package (a failing `beforeAll` would only mark them skipped).
 */
function readerInTokyo(): Promise<BrowserContext> {
  browser ??= launchChromium();
  context ??= browser.then((b) => b.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-US' }));
  return context;
}

/** A page that records console errors, uncaught errors and CSP violations. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await (await readerInTokyo()).newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

/** The 202's link, pointed at the intake under test (its public URL is a name that does not resolve here). */
const onIntake = (url: string) => {
  const link = new URL(url);
  return `${e2e.baseUrl}${link.pathname}${link.search}`;
};

async function openRequest(): Promise<{ id: string; url: string }> {
  const started = await submitRequest(e2e.baseUrl, { requester: { email: 'ada@example.com' }, summary: SUMMARY, system: 'okta-sso', priority: 'P2' });
  expect(started.status).toBe(202);
  const id = started.body.id as string;
  expect(started.body.url).toMatch(new RegExp(`^http://tierflow\\.test/status/${id}\\?exp=\\d+&sig=[\\w-]{43}$`));
  await eventually('the request to answer its status query', () => requestStatus(e2e.baseUrl, id));
  return { id, url: onIntake(started.body.url as string) };
}

describe("the requester's page in Chromium", () => {
  it("shows the due time in the reader's zone (Asia/Tokyo), the summary as text, with no console error or CSP violation", async () => {
    const { id, url } = await openRequest();
    const status = (await requestStatus(e2e.baseUrl, id))!;
    const due = status.clocks.find((c) => c.tier === status.tier && c.kind === 'first_response' && c.state === 'running')?.dueAt;
    expect(due).toMatch(/Z$/);

    const { page, problems } = await watchedPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);

    const tokyo = DateTime.fromISO(due!, { zone: 'Asia/Tokyo' });
    const shown = (await page.locator(`time[datetime="${due}"]`).first().textContent())!;
    // e.g. "Tue, Mar 5, 2024, 19:00 GMT+9": Tokyo's wall clock, not UTC's.
    expect(shown).toContain(`${tokyo.toFormat('LLL d, yyyy')}, ${tokyo.toFormat('HH:mm')}`);
    expect(shown).toContain('GMT+9');
    expect(shown).not.toContain('UTC');
    expect(await page.locator(`time[datetime="${due}"]`).first().getAttribute('title')).toMatch(/ UTC$/);
    expect(await page.locator('#zone').textContent()).toBe('Times are shown in your time zone (Asia/Tokyo).');

    expect(await page.locator('h1').textContent()).toBe(SUMMARY);
    expect(await page.locator('h1 *').count()).toBe(0);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('dd code').first().textContent()).toBe(id);
    expect(await page.title()).toBe(`Help request ${id} · tierflow`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses an inline script the page did not ship: the CSP holds, and the watch above would have seen a violation', async () => {
    const { url } = await openRequest();
    const { page, problems } = await watchedPage();
    await page.goto(url);
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

  it('shows the "not valid" page for a tampered link', async () => {
    const { url } = await openRequest();
    const tampered = url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const { page, problems } = await watchedPage();
    const response = await page.goto(tampered);
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('This link is not valid');
    expect(await page.locator('main').textContent()).toContain('#it_help');
    // A 403 document is logged by Chromium as a failed resource; nothing else may be.
    expect(problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    await page.close();
  });
});
