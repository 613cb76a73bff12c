/**
 * Writes the README's Slack screenshots from the real product in sandbox mode: `docs/slack-modal.png`
 * (the form `/it-help` opens), `docs/swarm-channel.png` (a crisis's swarm channel) and
 * `docs/slack-thread.png` (the crisis's help thread), each a page of the Slack emulator's viewer
 * (`/viewer`) shot in headless Chromium. Run by hand after changing what tierflow posts
 * (`npx tsx test/sandbox/support/screenshot-slack.ts`, ~30 s: the workflows are bundled at start);
 * the test run never writes them. It needs Chromium (`test/support/chromium.ts`) and an emoji font
 * (Debian's `fonts-noto-color-emoji`). It lives under `test/` because it starts the whole stack
 * (`workers/`), which `scripts/` (the lowest layer) may not import.
 *
 * The stack runs as `npm start` runs it with nothing configured (embedded dev server, worker,
 * intake, emulators), with three differences: free ports and an in-memory dev server (a running
 * `npm start` is left alone), and a Slack signing secret plus the emulator as the intake's Slack
 * API, so a signed `/it-help` reaches the intake and its `views.open` reaches the emulator (sandbox
 * mode has neither: its Slack routes answer 401).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

import { createLogger } from '../../../config/logger.js';
import { loadSettings, SANDBOX_API_TOKEN } from '../../../config/settings.js';
import { slackSignatureHeaders } from '../../../intake/slack-signature.js';
import { loadConfig } from '../../../registry/load.js';
import { usergroupsFor } from '../../../sandbox/index.js';
import { freePort } from '../../../workers/dev-server.js';
import { mentionedGroups } from '../../../workers/sandbox-groups.js';
import { startStack } from '../../../workers/stack.js';
import { launchChromium } from '../../support/chromium.js';

const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
/** The README's images stay small. */
const MAX_PNG_BYTES = 250_000;

/** Chromium draws the messages' emoji with a colour emoji font; without one they come out as boxes. */
function requireEmojiFont(): void {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':charset=1f6a8', 'family'], { encoding: 'utf8' });
  } catch {
    // No fontconfig: reported below like a missing font.
  }
  if (fonts.trim() === '')
    throw new Error('no emoji font: install one (sudo apt-get install -y fonts-noto-color-emoji), or the screenshots show boxes for emoji');
}

/** Polls `probe` every 250 ms until it answers something, or throws naming `what`. */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function shoot(page: Page, url: string, out: string, selector?: string): Promise<void> {
  const response = await page.goto(url);
  if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
  if (selector) await page.locator(selector).screenshot({ path: out });
  else await page.screenshot({ path: out, fullPage: true });
  const bytes = statSync(out).size;
  if (bytes > MAX_PNG_BYTES) throw new Error(`${out} is ${bytes} bytes (at most ${MAX_PNG_BYTES})`);
  console.log(`wrote ${out} (${Math.round(bytes / 1000)} kB)`);
}

requireEmojiFont();
const dataDir = mkdtempSync(join(tmpdir(), 'tierflow-screenshots-'));
const [port, slackPort] = [await freePort(), await freePort()];
const sandboxSettings = loadSettings({ PORT: String(port), TIERFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { entry: 'embedded' });
if (sandboxSettings.mode !== 'sandbox') throw new Error('expected sandbox mode');
const signingSecret = randomBytes(32).toString('hex');
const settings = { ...sandboxSettings, slack: { ...sandboxSettings.slack, signingSecret, apiUrl: `http://127.0.0.1:${slackPort}/api/` } };

// The sandbox's user groups have nobody in them; a few people in the two a crisis invites make the swarm channel's members visible.
const config = loadConfig();
const people: Record<string, string[]> = { 'corpsec-leadership': ['U0GRACE', 'U0ALAN'], 'sysowners-okta-sso': ['U0LIN'] };
const usergroups = usergroupsFor(mentionedGroups(config)).map((g) => ({ ...g, users: people[g.handle] ?? [] }));

const stack = await startStack(settings, {
  logger: createLogger('warn'),
  config,
  sandbox: { slackPort, usergroups },
  devServer: { dbFile: null, port: 0, uiPort: null, logFile: join(dataDir, 'temporal.log') },
  listen: { port, metricsAddress: null },
});
const browser = await launchChromium();
try {
  const slack = stack.sandbox!.slack;
  const intake = stack.intake!.url;
  const auth = { authorization: `Bearer ${SANDBOX_API_TOKEN}` };
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light', locale: 'en-US' });
  const page = await context.newPage();

  // (a) `/it-help` with no text, signed as Slack signs it: the intake opens the new-request form.
  const command = new URLSearchParams({
    command: '/it-help',
    text: '',
    user_id: 'U0ADA00001',
    user_name: 'ada',
    channel_id: 'C0ITHELP',
    team_id: 'T0TIERFLOW',
    trigger_id: '1700000000.42.screenshot',
  }).toString();
  const signed = slackSignatureHeaders(signingSecret, command, Math.floor(Date.now() / 1000));
  const commanded = await fetch(`${intake}/slack/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed },
    body: command,
  });
  if (commanded.status !== 200) throw new Error(`/slack/commands answered ${commanded.status}: ${await commanded.text()}`);
  const view = await eventually('the /it-help modal', () => slack.views.at(-1));
  await shoot(page, `${slack.viewerUrl}/views/${view.id}`, docs('slack-modal.png'));

  // (b) A crisis through the JSON intake (unsigned: sandbox mode), its swarm channel, an acknowledgement mirrored there.
  const body = {
    requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
    summary: 'Okta SSO is down for everyone: nobody can sign in to Slack, GitLab or Google',
    description: 'Since 09:05 every Okta sign-in ends on "Service unavailable"; the Okta status page says nothing yet.',
    system: 'okta-sso',
    type: 'crisis',
    idempotencyKey: 'screenshot-crisis',
  };
  const started = await fetch(`${intake}/webhooks/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (started.status !== 202) throw new Error(`POST /webhooks/requests answered ${started.status}: ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  const statusOf = async () => (await (await fetch(`${intake}/requests/${id}`, { headers: auth })).json()) as { links?: { swarmChannel?: string } };
  const swarm = await eventually('the swarm channel', async () => (await statusOf()).links?.swarmChannel);
  const acknowledged = await fetch(`${intake}/requests/${id}/acknowledge`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ actor: 'grace', note: 'On it with the Okta admins; status page updated.' }),
  });
  if (acknowledged.status !== 200) throw new Error(`acknowledge answered ${acknowledged.status}: ${await acknowledged.text()}`);
  const inSwarm = (text: string) => slack.messages.some((m) => m.channel === swarm && m.text.includes(text));
  await eventually('the acknowledgement mirrored in the swarm channel', () => (inSwarm('Acknowledged') ? true : undefined));
  const helpThread = await eventually('the help thread', () =>
    slack.threads(settings.slack.helpChannel!).find((t) => t.parent.metadata?.event_payload.request_id === id && t.replies.length > 0),
  );
  // The status message is edited in place: wait for its Acknowledged state before the thread is shot.
  await eventually('the status message showing the acknowledgement', () =>
    JSON.stringify(helpThread.parent.blocks ?? []).includes('Acknowledged') ? true : undefined,
  );

  await shoot(page, `${slack.viewerUrl}/channels/${swarm}`, docs('swarm-channel.png'));
  await shoot(page, `${slack.viewerUrl}/channels/${settings.slack.helpChannel}`, docs('slack-thread.png'), `[id="t-${helpThread.parent.ts}"]`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
