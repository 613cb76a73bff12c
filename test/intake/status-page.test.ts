import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createApp } from '../../intake/app.js';
import { signRequest } from '../../intake/signature.js';
import { statusLinkFor, statusLinkKey } from '../../intake/status-link.js';
import { GatewayError, type RequestGateway } from '../../intake/temporal-gateway.js';
import type { RequestStatusView } from '../../contracts/help-request.js';
import { recordingGateway } from './support/gateway.js';
import { PRIVATE_TEXT, sampleStatusView } from './support/status-views.js';

const TOKEN = 'api-test-token';
const SECRET = 'intake-test-secret';
/** 2024-03-04 10:00:00 UTC. */
const NOW = 1_709_546_400_000;
const DAY_MS = 86_400_000;
const ID = 'req-json-form-8812';

/** A gateway that knows one request (`view`) and counts status reads. */
function viewGateway(view: RequestStatusView = sampleStatusView()) {
  const reads: string[] = [];
  const { gateway } = recordingGateway({
    async status(id) {
      reads.push(id);
      if (id !== view.id) throw new GatewayError('not_found', `no request with id ${id}`);
      return view;
    },
  });
  return { gateway, reads };
}

function appWith(gateway: RequestGateway, clock: { now: number } = { now: NOW }, extra: { statusLinkTtlMs?: number } = {}) {
  return createApp({ gateway, options: { intakeSecret: SECRET, apiToken: TOKEN, publicUrl: 'http://tierflow.test', now: () => clock.now, ...extra } });
}

/** The path and query of a link made with the app's key at `now`. */
function linkPath(id = ID, now = NOW, apiToken = TOKEN): string {
  const url = new URL(statusLinkFor(id, { key: statusLinkKey(apiToken), publicUrl: 'http://tierflow.test', now }));
  return url.pathname + url.search;
}

const get = (app: ReturnType<typeof appWith>, url: string) => app.inject({ method: 'GET', url });

describe('GET /status/:id with a good link', () => {
  it('answers the HTML page with the request, never cached, framed or referred, under a strict CSP', async () => {
    const { gateway, reads } = viewGateway();
    const res = await get(appWith(gateway), linkPath());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']).split('; ');
    expect(csp).toEqual([
      "default-src 'none'",
      expect.stringMatching(/^script-src 'sha256-[A-Za-z0-9+/]{43}='$/),
      expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/),
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(reads).toEqual([ID]);
  });

  it("allows exactly the page's own inline script and stylesheet, by their hashes", async () => {
    const { gateway } = viewGateway();
    const res = await get(appWith(gateway), linkPath());
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const scripts = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...res.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(res.headers['content-security-policy']).toContain(`script-src ${hash(scripts[0]!)};`);
    expect(res.headers['content-security-policy']).toContain(`style-src ${hash(styles[0]!)};`);
  });

  it('shows the summary escaped, the id, the tier with its name, the state in words, priority, type and system', async () => {
    const { gateway } = viewGateway();
    const { body } = await get(appWith(gateway), linkPath());
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img');
    expect(body).toContain(
      '<h1 dir="auto">Locked out &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62; &#39;quoted&#39;</h1>',
    );
    expect(body).toContain(`<dt>Request</dt><dd><code>${ID}</code></dd>`);
    expect(body).toContain('<dt>Tier</dt><dd>Tier 3 (escalation and systems engineering)</dd>');
    expect(body).toContain('In progress: someone is working on it');
    expect(body).toContain('<dt>Priority</dt><dd>P1</dd>');
    expect(body).toContain('<dt>Type</dt><dd>Access request</dd>');
    expect(body).toContain('<dt>System</dt><dd><code>okta-sso</code></dd>');
  });

  it("shows the current tier's targets as <time> elements in UTC, for the page's script to show in the reader's zone", async () => {
    const { gateway } = viewGateway();
    const { body } = await get(appWith(gateway), linkPath());
    expect(body).toContain('<li>Resolution: due <time datetime="2024-03-05T10:00:00.000Z">2024-03-05 10:00 UTC</time></li>');
    expect(body).toContain('<li>First response: done</li>');
    // Tier 2's clocks are history: not shown as targets.
    expect(body).not.toContain('2024-03-04T11:00:00.000Z">2024-03-04 11:00 UTC</time></li><li>Resolution');
    expect(body.match(/<li>(First response|Resolution):/g)).toHaveLength(2);
    expect(body).toContain('<p id="zone" class="note">Times are in UTC.</p>');
  });

  it('links the Slack thread and the tracker issue, with no referrer', async () => {
    const { gateway } = viewGateway();
    const { body } = await get(appWith(gateway), linkPath());
    expect(body).toContain('<a href="https://example.slack.com/archives/C0ITHELP/p1709546400000100" rel="noreferrer noopener">');
    expect(body).toContain('<a href="https://gitlab.example.com/gitlab-com/gl-security/corp/issue-tracker/-/issues/23" rel="noreferrer noopener">');
  });

  it('links nothing that is not http(s), and leaves the section out when there is nothing to follow', async () => {
    const view = sampleStatusView({ links: { slackThread: 'javascript:alert(1)', gitlabIssue: null } });
    const { body } = await get(appWith(viewGateway(view).gateway), linkPath());
    expect(body).not.toContain('javascript:');
    expect(body).not.toContain('<a ');
    expect(body).not.toContain('Follow it');
  });

  it('shows the public timeline as times and words, without actors, notes, comments, SLA warnings or errors', async () => {
    const { gateway } = viewGateway();
    const { body } = await get(appWith(gateway), linkPath());
    const entries = [...body.matchAll(/<li><time datetime="([^"]+)">[^<]*<\/time>([^<]*)<\/li>/g)].map((m) => [m[1], m[2]]);
    expect(entries).toEqual([
      ['2024-03-04T10:00:00.000Z', 'Request opened'],
      ['2024-03-04T11:00:00.000Z', 'Escalated to the next tier'],
      ['2024-03-04T11:10:00.000Z', 'Priority changed from P2 to P1'],
      ['2024-03-04T11:20:00.000Z', 'Picked up by the team'],
      ['2024-03-04T11:40:00.000Z', 'Waiting for your reply'],
      ['2024-03-04T12:00:00.000Z', 'Back in progress'],
    ]);
    for (const text of PRIVATE_TEXT) expect(body).not.toContain(text);
  });

  it('words a priority note of any other shape as a bare change, never echoing it', async () => {
    const view = sampleStatusView({
      timeline: [{ at: '2024-03-04T10:00:00.000Z', actor: 'grace@example.com', action: 'priority', note: 'P2 → P1: INTERNAL' }],
    });
    const { body } = await get(appWith(viewGateway(view).gateway), linkPath());
    expect(body).toContain('2024-03-04 10:00 UTC</time>Priority changed</li>');
    expect(body).not.toContain('INTERNAL');
  });

  it('says when a resolved request may still be reopened, and when the link stops working', async () => {
    const view = sampleStatusView({ status: 'resolved', reopenUntil: '2024-03-11T12:00:00.000Z' });
    const { body } = await get(appWith(viewGateway(view).gateway), linkPath());
    expect(body).toContain('<p class="standing" role="status">Resolved</p>');
    expect(body).toContain('until <time datetime="2024-03-11T12:00:00.000Z">');
    expect(body).toContain(`It works until <time datetime="${new Date(NOW + 30 * DAY_MS).toISOString()}">`);
  });

  it('is what the 202 of POST /webhooks/requests links to', async () => {
    const { gateway } = recordingGateway();
    const view = sampleStatusView();
    const app = appWith({ ...gateway, status: async () => view });
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'Locked out', idempotencyKey: 'form-8812' });
    const started = await app.inject({
      method: 'POST',
      url: '/webhooks/requests',
      payload: raw,
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(SECRET, raw, NOW / 1000) },
    });
    expect(started.statusCode).toBe(202);
    const url = new URL(started.json().url);
    expect(url.origin).toBe('http://tierflow.test');
    const page = await get(app, url.pathname + url.search);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<code>${ID}</code>`);
  });

  it('makes links of the configured lifetime', async () => {
    const { gateway } = viewGateway();
    const clock = { now: NOW };
    const app = appWith({ ...gateway, start: async (input) => ({ id: input.id, status: 'open', duplicate: false }) }, clock, { statusLinkTtlMs: DAY_MS });
    const raw = JSON.stringify({ requester: { email: 'ada@example.com' }, summary: 'Locked out', idempotencyKey: 'form-8812' });
    const started = await app.inject({
      method: 'POST',
      url: '/webhooks/requests',
      payload: raw,
      headers: { 'content-type': 'application/json', 'x-tierflow-signature': signRequest(SECRET, raw, NOW / 1000) },
    });
    const url = new URL(started.json().url);
    expect(url.searchParams.get('exp')).toBe(String((NOW + DAY_MS) / 1000));
    clock.now = NOW + DAY_MS;
    expect((await get(app, url.pathname + url.search)).statusCode).toBe(410);
  });
});

describe('GET /status/:id with a link that cannot show the request', () => {
  const INVALID = /<h1>This link is not valid<\/h1>/;

  it.each([
    ['no query at all', () => `/status/${ID}`],
    ['another request id', () => linkPath().replace(ID, 'req-json-form-8813')],
    ['a later exp', () => linkPath().replace(/exp=(\d+)/, (_m, exp: string) => `exp=${Number(exp) + 1}`)],
    ['an earlier exp', () => linkPath().replace(/exp=(\d+)/, (_m, exp: string) => `exp=${Number(exp) - 1}`)],
    ['a changed sig', () => linkPath().replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)],
    ['a missing sig', () => linkPath().replace(/&sig=.*$/, '')],
    ['a missing exp', () => linkPath().replace(/exp=\d+&/, '')],
    ['a link signed with another API token', () => linkPath(ID, NOW, 'another-api-token')],
    ['an id no request can have', () => `/status/..%2Fetc?exp=1&sig=${'A'.repeat(43)}`],
  ])('answers 403 "not valid" for %s, asking Temporal nothing', async (_name, path) => {
    const { gateway, reads } = viewGateway();
    const res = await get(appWith(gateway), path());
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toMatch(INVALID);
    expect(res.body).toContain('#it_help');
    // One page for every failure: it never says which part was wrong.
    expect(res.body).not.toMatch(/signature|sig\b|exp\b|expired/i);
    expect(reads).toEqual([]);
  });

  it('answers 410 "expired" for a genuine link past its expiry, asking Temporal nothing', async () => {
    const { gateway, reads } = viewGateway();
    const res = await get(appWith(gateway, { now: NOW + 30 * DAY_MS }), linkPath());
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('<h1>This link has expired</h1>');
    expect(res.body).toContain('#it_help');
    expect(reads).toEqual([]);
  });

  it('answers 404 for a genuine link to a request Temporal does not know', async () => {
    const { gateway, reads } = viewGateway();
    const res = await get(appWith(gateway), linkPath('req-json-gone'));
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h1>We could not find this request</h1>');
    expect(reads).toEqual(['req-json-gone']);
  });

  it('answers 503 with Retry-After when Temporal is unavailable', async () => {
    const { gateway } = recordingGateway({
      status: async () => {
        throw new GatewayError('unavailable', 'Temporal is unreachable; retry later');
      },
    });
    const res = await get(appWith(gateway), linkPath());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toContain('<h1>This page cannot be shown right now</h1>');
    expect(res.body).not.toContain('Temporal');
  });

  it('never lets a link reach the operators’ API', async () => {
    const { gateway } = viewGateway();
    const app = appWith(gateway);
    const query = linkPath().split('?')[1];
    expect((await get(app, `/requests/${ID}?${query}`)).statusCode).toBe(401);
  });
});
