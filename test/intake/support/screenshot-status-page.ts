/**
 * Writes `docs/requester-page.png`: the requester's page of a sample escalated request, served by
 * the real intake app (a stub gateway answers the status) and shot in headless Chromium by a
 * reader in New York. Run by hand after changing the page (`npx tsx
 * test/intake/support/screenshot-status-page.ts`); the test run never writes it. It lives under
 * `test/` because it imports the intake, which `scripts/` (the lowest layer) may not.
 */
import { fileURLToPath } from 'node:url';

import { createApp } from '../../../intake/app.js';
import { launchChromium } from '../../support/chromium.js';
import { recordingGateway } from './gateway.js';
import { sampleStatusView } from './status-views.js';

const OUT = fileURLToPath(new URL('../../../docs/requester-page.png', import.meta.url));
/** 2024-03-04 12:30 UTC: the sample request's latest entry is at 12:00. */
const NOW = Date.UTC(2024, 2, 4, 12, 30);

const view = sampleStatusView({ summary: 'Locked out of Okta after replacing my phone' });
const { gateway } = recordingGateway({ status: async () => view, start: async (input) => ({ id: input.id, status: 'open', duplicate: false }) });
const app = createApp({ gateway, options: { intakeSecret: null, apiToken: 'screenshot-api-token', publicUrl: 'http://127.0.0.1', now: () => NOW } });
const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await launchChromium();
try {
  // The link as the 202 of the JSON intake hands it out.
  const payload = { requester: { email: 'ada@example.com' }, summary: view.summary, idempotencyKey: 'form-8812' };
  const started = await app.inject({ method: 'POST', url: '/webhooks/requests', payload });
  const link = new URL(started.json<{ url: string }>().url);
  const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', colorScheme: 'light', viewport: { width: 760, height: 900 } });
  const page = await context.newPage();
  const response = await page.goto(`${baseUrl}${link.pathname}${link.search}`);
  if (response?.status() !== 200) throw new Error(`the page answered ${response?.status()}`);
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await app.close();
}
