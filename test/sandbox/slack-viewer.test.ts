import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { NEW_REQUEST_VIEW } from '../../contracts/slack-ids.js';
import { newRequestModal } from '../../intake/slack-modals.js';
import { createSlackEmulator, type SlackEmulator } from '../../sandbox/slack-emulator.js';
import { renderChannel, renderView, VIEWER_CSP, type ViewerDirectory } from '../../sandbox/slack-viewer.js';
import { escapeSlack } from '../../activities/slack-text.js';

let slack: SlackEmulator;
let web: WebClient;

beforeAll(async () => {
  slack = await createSlackEmulator({
    usergroups: [{ id: 'S0OKTA', handle: 'sysowners-okta-sso', users: ['U0ADA'] }],
    users: [{ id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace' }],
    // 2024-01-08 02:00 UTC, so message times are known.
    now: () => Date.UTC(2024, 0, 8, 2, 0),
  });
  web = new WebClient('xoxb-test', { slackApiUrl: slack.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

const get = async (path: string) => {
  const response = await fetch(`${slack.viewerUrl}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    csp: response.headers.get('content-security-policy'),
    html: await response.text(),
  };
};

/** Every tag of a page that is not the viewer's own furniture, and every event-handler attribute. */
const strayMarkup = (html: string) => ({
  tags: [...html.matchAll(/<(script|img|svg|iframe|object|embed|form|input|button|link|meta http-equiv)\b/gi)].map((m) => m[0]),
  handlers: [...html.matchAll(/<[^>]*\son\w+\s*=/gi)].map((m) => m[0]),
  scriptUrls: [...html.matchAll(/(?:href|src)\s*=\s*"(?!https?:|\/viewer)[^"]*"/gi)].map((m) => m[0]),
});

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '<javascript:alert(1)|click>',
  '<!channel> everyone look',
];

describe('the viewer pages', () => {
  it('a channel page shows hostile text, posted raw or escaped, as text: no tag, handler or script link gets through', async () => {
    for (const text of HOSTILE) {
      const posted = await web.chat.postMessage({ channel: 'C0ITHELP', text });
      await web.chat.postMessage({ channel: 'C0ITHELP', thread_ts: posted.ts!, text: escapeSlack(text) });
      await web.chat.postMessage({ channel: 'C0ITHELP', text: 'blocks', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(text) } }] });
    }
    await web.conversations.setTopic({ channel: 'C0ITHELP', topic: '<script>alert(1)</script>' });
    const page = await get('/channels/C0ITHELP');
    expect(page.status).toBe(200);
    expect(strayMarkup(page.html)).toEqual({ tags: [], handlers: [], scriptUrls: [] });
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    // The escaped `<!channel>` is text; the raw one (as only a poster's code writes it) a broadcast chip.
    expect(page.html).toContain('&lt;!channel&gt; everyone look');
    expect(page.html).toContain('<span class="mention broadcast">@channel</span> everyone look');
  });

  it('a channel page shows the name, topic, members, messages with their author and time, and thread replies under their parent', async () => {
    const created = await web.conversations.create({ name: 'crisis-req-json-1' });
    const channel = created.channel!.id!;
    await web.conversations.invite({ channel, users: 'U0ADA,U0GRACE' });
    await web.conversations.setTopic({ channel, topic: 'Crisis: Okta is down' });
    const parent = await web.chat.postMessage({
      channel,
      text: ':rotating_light: *Crisis swarm: Okta is down*\nInvited: <!subteam^S0OKTA> (1 person), <@U0ADA>',
    });
    await web.chat.postMessage({ channel, thread_ts: parent.ts!, text: ':eyes: *Acknowledged by grace*' });

    const { html, status } = await get(`/channels/${channel}`);
    expect(status).toBe(200);
    expect(html).toContain('<h1># crisis-req-json-1</h1>');
    expect(html).toContain('Crisis: Okta is down');
    expect(html).toMatch(/3 members: <span class="mention">@tierflow<\/span> <span class="mention">@ada<\/span> <span class="mention">@u0grace<\/span>/);
    expect(html).toContain(
      '🚨 <strong>Crisis swarm: Okta is down</strong><br>Invited: <span class="mention group">@sysowners-okta-sso</span> (1 person), <span class="mention">@ada</span>',
    );
    expect(html).toMatch(/<span class="name">tierflow<\/span><span class="app">APP<\/span><time title="2024-01-08 02:00:00 UTC">02:00<\/time>/);
    const thread = html.slice(html.indexOf(`id="t-${parent.ts}"`));
    expect(thread).toMatch(/^[^]*?Crisis swarm[^]*?<div class="thread"><div class="thread-head">1 reply<\/div>[^]*?👀 <strong>Acknowledged by grace<\/strong>/);
    // The sidebar lists both channels, the current one marked.
    expect(html).toContain(`<a href="/viewer/channels/${channel}" class="current" aria-current="page"># crisis-req-json-1</a>`);
    expect(html).toContain('<a href="/viewer/channels/C0ITHELP"># it_help</a>');
  });

  it('renders Block Kit: section text and fields, context with a date, actions with buttons, header, divider; the text only without blocks', () => {
    const dir: ViewerDirectory = { botUserId: 'U0TIERFLOW', users: [], usergroups: [], channels: [{ id: 'C0ITHELP', name: 'it_help' }] };
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Request :eyes:', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Locked out*' },
        fields: [
          { type: 'mrkdwn', text: '*Tier*\n2 · Helpdesk' },
          { type: 'mrkdwn', text: '*State*\n:large_yellow_circle: Open' },
        ],
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: ':hourglass_flowing_sand: first response due <!date^1704679200^{date_short_pretty} at {time}|Mon 2024-01-08 02:00 UTC>' },
        ],
      },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, action_id: 'a', value: 'r' },
          { type: 'button', text: { type: 'plain_text', text: 'Resolve' }, style: 'primary', action_id: 'b', value: 'r' },
        ],
      },
      { type: 'rich_text', elements: [] },
    ];
    const message = { channel: 'C0ITHELP', ts: '1704679200.000100', user: 'U0TIERFLOW', bot_id: 'B0TIERFLOW', text: 'fallback <b>not shown</b>', blocks };
    const html = renderChannel({ channel: dir.channels[0]!, members: [], threads: [{ parent: message, replies: [] }], directory: dir });
    expect(html).toContain('<div class="block header">Request 👀</div>');
    expect(html).toContain(
      '<div class="text"><strong>Locked out</strong></div><div class="fields"><div><strong>Tier</strong><br>2 · Helpdesk</div><div><strong>State</strong><br>🟡 Open</div></div>',
    );
    expect(html).toContain('<div class="block context"><span>⏳ first response due <span class="date">Mon 2024-01-08 02:00 UTC</span></span></div>');
    expect(html).toContain('<hr class="block divider">');
    expect(html).toContain('<div class="block actions"><span class="btn">Acknowledge</span><span class="btn primary">Resolve</span></div>');
    expect(html).toContain('<div class="block unknown">[rich_text block]</div>');
    expect(html).not.toContain('fallback');

    const plain = renderChannel({
      channel: dir.channels[0]!,
      members: [],
      threads: [{ parent: { ...message, blocks: undefined }, replies: [] }],
      directory: dir,
    });
    expect(plain).toContain('<div class="text">fallback &lt;b&gt;not shown&lt;/b&gt;</div>');
  });

  it('a modal page shows the /it-help form: title, selects with placeholder or choice and their options, text inputs, optional marks, hint, buttons', () => {
    const view = newRequestModal([
      { id: 'okta-sso', name: 'Okta SSO' },
      { id: 'aws', name: 'AWS <script>' },
    ]);
    const html = renderView({ id: 'V00000001', trigger_id: 't', view });
    expect(html).toContain('<h1 id="modal-title">IT &amp; security help</h1>');
    expect(html).toContain(`callback_id <code>${NEW_REQUEST_VIEW}</code>`);
    // System: "Not sure" is the initial choice; the options are listed, the choice marked.
    expect(html).toMatch(
      /<label>System<\/label><div class="select"><div class="box"><span>Not sure<\/span>[^]*?<li>Okta SSO<\/li><li>AWS &lt;script&gt;<\/li><li class="selected">✓ Not sure<\/li>/,
    );
    // Priority: no initial choice, so its placeholder; optional, with the hint.
    expect(html).toMatch(
      /<label>Priority <span class="optional">\(optional\)<\/span><\/label><div class="select"><div class="box"><span class="placeholder">Usual priority<\/span>[^]*?<li>P1: critical<\/li>/,
    );
    expect(html).toContain('<div class="hint">Leave it empty for the usual priority of the type.</div>');
    expect(html).toMatch(
      /<label>Summary<\/label><div class="box textinput"><span class="placeholder">Locked out of Okta after the MFA reset<\/span><span class="limit">max 150<\/span>/,
    );
    expect(html).toContain('<div class="box textinput multiline">');
    expect(html).toContain('<div class="modal-foot"><span class="btn">Cancel</span><span class="btn primary">Open request</span></div>');
    expect(strayMarkup(html)).toEqual({ tags: [], handlers: [], scriptUrls: [] });
  });
});

describe('the viewer routes', () => {
  it('answer 200 text/html under a CSP that allows inline styles only, and list channels and opened modals', async () => {
    await web.chat.postMessage({ channel: 'C0ITHELP', text: 'hello' });
    const opened = await web.views.open({ trigger_id: '1.2.3', view: newRequestModal([{ id: 'okta-sso', name: 'Okta SSO' }]) });
    for (const path of ['', '/channels/C0ITHELP', `/views/${opened.view!.id}`]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.type).toBe('text/html; charset=utf-8');
      expect(page.csp).toBe(VIEWER_CSP);
      expect(page.csp).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
      expect(page.html).not.toMatch(/<script/i);
    }
    const index = await get('');
    expect(index.html).toContain('<td><a href="/viewer/channels/C0ITHELP"># it_help</a></td><td><code>C0ITHELP</code></td><td>1</td>');
    expect(index.html).toContain(`<a href="/viewer/views/${opened.view!.id}">IT &amp; security help</a>`);
    expect((await get(`/views/${opened.view!.id}`)).html).toContain('<span class="btn primary">Open request</span>');
  });

  it('answer 404 for an unknown channel or modal, and do not make the channel known', async () => {
    const channel = await get('/channels/C0NOSUCH');
    expect(channel.status).toBe(404);
    expect(channel.csp).toBe(VIEWER_CSP);
    expect(channel.html).toContain('No channel C0NOSUCH in the emulator.');
    expect(slack.channels.map((c) => c.id)).not.toContain('C0NOSUCH');
    const view = await get('/views/V99999999');
    expect(view.status).toBe(404);
    expect(view.html).toContain('No modal V99999999 was opened.');
    const hostile = await get(`/views/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.status).toBe(404);
    expect(hostile.html).toContain('No modal &lt;script&gt;alert(1)&lt;/script&gt; was opened.');
  });
});
