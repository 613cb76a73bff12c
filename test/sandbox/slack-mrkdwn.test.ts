import { describe, expect, it } from 'vitest';

import { escapeHtml, mrkdwnToHtml, plainToHtml, type MrkdwnDirectory } from '../../sandbox/slack-mrkdwn.js';
import { escapeSlack } from '../../activities/slack-text.js';

const dir: MrkdwnDirectory = {
  userName: (id) => (id === 'U0ADA' ? 'ada' : id.toLowerCase()),
  groupHandle: (id) => (id === 'S0OKTA' ? 'sysowners-okta-sso' : undefined),
  channelName: (id) => (id === 'C0ITHELP' ? 'it_help' : undefined),
};
const md = (text: string) => mrkdwnToHtml(text, dir);

/** Tags mrkdwn-lite writes; anything else in its output came from the input. */
const OWN_TAGS = new Set(['strong', 'em', 's', 'code', 'span', 'a', 'br', 'blockquote']);
const tagsOf = (html: string) =>
  [...html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({ closing: m[1] === '/', name: m[2]!.toLowerCase(), attrs: m[3]! }));

/** Hostile text, as typed: raw (a forged Slack token) and as tierflow escapes user text. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  '<javascript:alert(1)|click me>',
  '<JaVaScRiPt:alert(1)>',
  '<data:text/html,<script>alert(1)</script>|x>',
  '<https://ok.example/"onmouseover="alert(1)|x>',
  '`<script>alert(1)</script>`',
  '*<img src=x onerror=alert(1)>*',
  '<!channel> <!here> <!everyone>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&amp;lt;img src=x onerror=alert(1)&amp;gt;',
  'a\u0000 0\u0000 <b>',
];

describe('mrkdwn-lite: hostile text never becomes markup', () => {
  it.each(HOSTILE.flatMap((text) => [[text], [escapeSlack(text)]]))('%j renders only mrkdwn-lite tags, no handlers, no script URLs', (text) => {
    const html = md(text);
    for (const tag of tagsOf(html)) {
      expect(OWN_TAGS.has(tag.name), `${tag.name} in ${html}`).toBe(true);
      expect(tag.attrs).not.toMatch(/\son\w+\s*=/i);
      if (tag.name === 'a' && !tag.closing) expect(tag.attrs).toMatch(/^ href="https?:\/\/[^"<>]*" rel="noreferrer"$/);
    }
  });

  it('shows escaped user text as typed: &lt;script&gt; is the text "<script>", and a typed <!channel> pings nobody', () => {
    expect(md(escapeSlack('<script>alert(1)</script>'))).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md(escapeSlack('<!channel> Tom & Jerry'))).toBe('&lt;!channel&gt; Tom &amp; Jerry');
    expect(md(escapeSlack('&lt;'))).toBe('&amp;lt;');
  });

  it("renders a raw <!channel> (only a poster's code writes one) as a broadcast mention, not a tag", () => {
    expect(md('<!channel> look')).toBe('<span class="mention broadcast">@channel</span> look');
  });

  it('links only http and https; another scheme shows its label as text', () => {
    expect(md('<javascript:alert(1)|click me>')).toBe('click me');
    expect(md('<mailto:ada@example.com>')).toBe('&lt;mailto:ada@example.com&gt;');
    expect(md('<https://gitlab.example/issues/7?a=1&amp;b=2|GitLab issue #7>')).toBe(
      '<a href="https://gitlab.example/issues/7?a=1&amp;b=2" rel="noreferrer">GitLab issue #7</a>',
    );
    expect(md('<https://x.example/"onmouseover="alert(1)|x>')).toBe('<a href="https://x.example/&quot;onmouseover=&quot;alert(1)" rel="noreferrer">x</a>');
  });

  it('escapes for attributes too', () => {
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
    expect(plainToHtml('<b>:eyes:\nnext', false)).toBe('&lt;b&gt;:eyes:<br>next');
  });
});

describe('mrkdwn-lite: what tierflow writes', () => {
  it.each([
    ['<@U0ADA> and <@U0BOB>', '<span class="mention">@ada</span> and <span class="mention">@u0bob</span>'],
    [
      '<!subteam^S0OKTA> <!subteam^S0GONE|@old-handle> <!subteam^S0BARE>',
      '<span class="mention group">@sysowners-okta-sso</span> <span class="mention group">@old-handle</span> <span class="mention group">@S0BARE</span>',
    ],
    [
      '<#C0ITHELP> <#C0NEW00001|crisis-req-1> <#C0NEW00002>',
      '<span class="mention">#it_help</span> <span class="mention">#crisis-req-1</span> <span class="mention">#c0new00002</span>',
    ],
    ['due <!date^1704679200^{date_short_pretty} at {time}|Mon 2024-01-08 02:00 UTC>', 'due <span class="date">Mon 2024-01-08 02:00 UTC</span>'],
    ['*Acknowledged* by _grace_ ~no~ `req-json-1`', '<strong>Acknowledged</strong> by <em>grace</em> <s>no</s> <code>req-json-1</code>'],
    ['snake_case_id 2*3*4 :unknown_emoji:', 'snake_case_id 2*3*4 :unknown_emoji:'],
    [
      ':rotating_light: :white_check_mark: :arrow_up: :eyes: :hourglass_flowing_sand: :large_yellow_circle: :large_blue_circle: :link: :sunrise: :memo: :bell:',
      '🚨 ✅ ⬆️ 👀 ⏳ 🟡 🔵 🔗 🌅 📝 🔔',
    ],
    ['*Crisis: <@U0ADA> is locked out*', '<strong>Crisis: <span class="mention">@ada</span> is locked out</strong>'],
    ['line one\nline two', 'line one<br>line two'],
    ['>quoted &lt;b&gt;\n>second\nafter', '<blockquote>quoted &lt;b&gt;<br>second</blockquote>after'],
    ['`<@U0ADA> in code`', '<code><span class="mention">@ada</span> in code</code>'],
  ])('%j → %s', (text, html) => {
    expect(md(text)).toBe(html);
  });
});
