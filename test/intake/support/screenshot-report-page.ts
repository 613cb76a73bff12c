/**
 * Writes `docs/sla-report.png`: the SLA report page (`GET /reports/sla`) of a handful of requests
 * seeded through the real stack in sandbox mode (embedded in-memory dev server, worker, intake,
 * emulators on free ports; a running `npm start` is left alone), shot in headless Chromium with the
 * API token as a header. Requests are opened through the JSON intake and worked through the request
 * API (acknowledged, escalated, paused, resolved, some left open), so the charts and tables show
 * what visibility really holds. So that some targets are missed while it runs, the registry's SLA
 * policy is shortened for Tier 2 P3 and P4 (seconds instead of hours) and the clocks run around
 * the clock (the crisis calendar), whatever the day. Run by hand after changing the page
 * (`npx tsx test/intake/support/screenshot-report-page.ts`, ~30 s: the workflows are bundled at
 * start); the test run never writes it. It lives under `test/` because it starts the whole stack
 * (`workers/`).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLogger } from '../../../config/logger.js';
import { loadSettings, SANDBOX_API_TOKEN } from '../../../config/settings.js';
import type { TierflowConfig } from '../../../domain/config.js';
import type { SlaReport } from '../../../domain/sla-report.js';
import { loadConfig } from '../../../registry/load.js';
import { freePort } from '../../../workers/dev-server.js';
import { startStack } from '../../../workers/stack.js';
import { launchChromium } from '../../support/chromium.js';

const OUT = fileURLToPath(new URL('../../../docs/sla-report.png', import.meta.url));
/** The README's images stay small. */
const MAX_PNG_BYTES = 400_000;

type Step = 'acknowledge' | 'resolve' | 'escalate' | 'pause' | 'comment';

/**
 * What is seeded: system, priority, type, summary, what engineers do with it at once (`steps`), and
 * what they do once the shortened targets have breached (`late`: a late answer or resolution
 * settles the clock as missed).
 */
const SEED: ReadonlyArray<{ system: string; priority: string; type: string; summary: string; steps: Step[]; late?: Step[] }> = [
  { system: 'okta-sso', priority: 'P2', type: 'question', summary: 'Okta push never arrives on my new phone', steps: ['acknowledge', 'resolve'] },
  { system: 'okta-sso', priority: 'P3', type: 'question', summary: 'Okta asks for MFA on every login', steps: ['acknowledge', 'resolve'] },
  { system: 'okta-sso', priority: 'P3', type: 'access', summary: 'Okta admin role for the new IT hire', steps: ['acknowledge'], late: ['resolve'] },
  { system: 'okta-sso', priority: 'P4', type: 'question', summary: 'Okta dashboard tiles in the wrong order', steps: [], late: ['acknowledge', 'resolve'] },
  { system: 'aws', priority: 'P2', type: 'change', summary: 'IAM role for the data team sandbox account', steps: ['acknowledge', 'resolve'] },
  { system: 'aws', priority: 'P3', type: 'question', summary: 'Cannot assume the billing role', steps: ['escalate'] },
  { system: 'zoom', priority: 'P4', type: 'access', summary: 'Zoom webinar licence for the all-hands', steps: ['acknowledge', 'resolve'] },
  { system: 'zoom', priority: 'P3', type: 'question', summary: 'Zoom rooms calendar out of sync', steps: ['pause'] },
  { system: 'jamf', priority: 'P2', type: 'question', summary: 'Laptop stuck in a Jamf enrollment loop', steps: ['escalate', 'comment'] },
  { system: 'jamf', priority: 'P4', type: 'question', summary: 'Jamf self-service will not open', steps: [], late: ['acknowledge'] },
  { system: 'dns', priority: 'P1', type: 'change', summary: 'New CNAME for the status page', steps: ['acknowledge', 'resolve'] },
  { system: 'slack', priority: 'P3', type: 'access', summary: 'Guest account for a contractor', steps: ['acknowledge', 'comment'], late: ['resolve'] },
];
/** Requests the shortened policy breaches: Tier 2 P4 left unanswered, Tier 2 P3 answered but not resolved. */
const BREACHING = 4;
/** What settles each clock (pausing does not answer). */
const ANSWERS: readonly Step[] = ['acknowledge', 'resolve', 'escalate', 'comment'];

/** The registry's configuration with Tier 2 P3 resolution and P4 first response in seconds, on a calendar that never closes. */
function demoConfig(): TierflowConfig {
  const base = loadConfig();
  const tier2 = base.policy.targets['2'];
  return {
    ...base,
    calendar: base.crisisCalendar,
    policy: {
      ...base.policy,
      targets: { ...base.policy.targets, '2': { ...tier2, P3: { ...tier2.P3, resolutionMs: 6_000 }, P4: { ...tier2.P4, firstResponseMs: 3_000 } } },
    },
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'tierflow-report-screenshot-'));
const port = await freePort();
const settings = loadSettings({ PORT: String(port), TIERFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { entry: 'embedded' });
if (settings.mode !== 'sandbox') throw new Error('expected sandbox mode');
const stack = await startStack(settings, {
  logger: createLogger('warn'),
  config: demoConfig(),
  devServer: { dbFile: null, port: 0, uiPort: null, logFile: join(dataDir, 'temporal.log') },
  listen: { port, metricsAddress: null },
});
const browser = await launchChromium();
try {
  const intake = stack.intake!.url;
  const auth = { authorization: `Bearer ${SANDBOX_API_TOKEN}` };
  const since = new Date(Date.now() - 1_000).toISOString();
  const report = async () =>
    (await (await fetch(`${intake}/reports/sla?since=${encodeURIComponent(since)}&format=json`, { headers: auth })).json()) as SlaReport;
  // A 503 asks to retry (e.g. an action meeting the request's own work); the Idempotency-Key makes a retry act once.
  const act = async (id: string, step: Step, key: string) => {
    const note = step === 'escalate' ? 'needs the systems engineers' : step === 'comment' ? 'Looking at the logs' : undefined;
    const res = await eventually(`${step} of ${id}`, async () => {
      const answer = await fetch(`${intake}/requests/${id}/${step}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ actor: 'grace@example.com', ...(note ? { note } : {}) }),
      });
      return answer.status === 503 ? undefined : answer;
    });
    if (res.status !== 200) throw new Error(`${step} of ${id} answered ${res.status}: ${await res.text()}`);
  };
  const ids: string[] = [];
  for (const [i, seed] of SEED.entries()) {
    const body = { requester: { email: 'ada@example.com' }, summary: seed.summary, system: seed.system, priority: seed.priority, type: seed.type };
    // Sandbox mode accepts unsigned webhooks.
    const started = await fetch(`${intake}/webhooks/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (started.status !== 202) throw new Error(`POST /webhooks/requests answered ${started.status}: ${await started.text()}`);
    const { id } = (await started.json()) as { id: string };
    ids.push(id);
    for (const step of seed.steps) await act(id, step, `screenshot-${i}-${step}`);
  }
  await eventually('the shortened targets to breach', async () => ((await report()).total?.breached === BREACHING ? true : undefined));
  for (const [i, seed] of SEED.entries()) for (const step of seed.late ?? []) await act(ids[i]!, step, `screenshot-${i}-late-${step}`);

  const all = (seed: (typeof SEED)[number]) => [...seed.steps, ...(seed.late ?? [])];
  const answered = SEED.filter((seed) => all(seed).some((step) => ANSWERS.includes(step))).length;
  const resolved = SEED.filter((seed) => all(seed).includes('resolve')).length;
  await eventually('the report to settle every clock that was answered', async () => {
    const total = (await report()).total;
    return total?.opened === SEED.length && total.firstResponse.measured === answered && total.resolution.measured === resolved ? true : undefined;
  });

  const context = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    locale: 'en-US',
    extraHTTPHeaders: auth,
  });
  const page = await context.newPage();
  const response = await page.goto(`${intake}/reports/sla`);
  if (response?.status() !== 200) throw new Error(`GET /reports/sla answered ${response?.status()}`);
  // The top of the page: range, totals, the four charts and the first table.
  const bottom = await page.locator('#by-system').evaluate((el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top);
  await page.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) - 8 } });
  const bytes = statSync(OUT).size;
  if (bytes > MAX_PNG_BYTES) throw new Error(`${OUT} is ${bytes} bytes (at most ${MAX_PNG_BYTES})`);
  console.log(`wrote ${OUT} (${Math.round(bytes / 1000)} kB)`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
