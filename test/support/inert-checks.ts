/**
 * Checks that text tierflow wrote to GitLab or Slack is inert (nothing renders, fetches, pings,
 * hides or forges a line), and the hostile payloads of issue 9's finding 5 with what a reader must
 * still see of each. Shared by the unit tests of the text builders and the end-to-end test.
 */

// Everything that hides, reorders or joins text, written independently of domain/text-safety.ts.
export const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- these characters are the point
  /[\0-\x08\x0E-\x1F\x7F-\x84\x86-\x9F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\uD800-\uDFFF]/u;
const ODD_LINE_BREAK = /[\r\v\f\u0085\u2028\u2029]/;
const RENDERER = /(`{3,}|~{3,})[^\S\n]*(?:mermaid|plantuml|kroki|graphviz|dot|math|d2|ditaa|vega)\b/i;

/**
 * What a GitLab text does that it should not; [] when it is inert. `ours` are the parts our code
 * wrote on purpose (the owners' mention): they are left out of the check. The trailing marker, the
 * only HTML we write, is left out too.
 */
export function gitlabProblems(text: string, ours: string[] = []): string[] {
  let body = text.replace(/\n*<!-- tierflow-(?:request|effect): [\w.#-]+ -->$/, '');
  for (const part of ours) body = body.replaceAll(part, '');
  const problems: Array<[boolean, string]> = [
    [body.includes('<'), 'raw HTML, comment or <autolink>'],
    [body.includes('!['), 'image'],
    [body.includes(']('), 'inline link'],
    [body.includes(']['), 'reference link'],
    [body.includes(']:'), 'reference definition'],
    [RENDERER.test(body), 'diagram or math renderer'],
    [/\$[$`]/.test(body), 'math'],
    [/^[\s>]*\//m.test(body), 'quick action'],
    [/(^|[^\w])@\w/.test(body), 'mention'],
    [/&(?!amp;|lt;)#?\w+;/.test(body), 'entity'],
    [INVISIBLE.test(body.replace(/\u200B/g, '')), 'invisible or bidi character'],
    // U+200B is ours only right after a character we break, or right before a `/` line start.
    [/(?<![@#!$&~%*[\]`])\u200B(?!\/)/.test(body), "the user's zero-width character"],
    [ODD_LINE_BREAK.test(body), 'a line break other than \\n'],
  ];
  return problems.filter(([bad]) => bad).map(([, what]) => what);
}

/** What a reader of the rendered GitLab text sees, roughly: our U+200B gone, our escapes decoded. */
export const gitlabShown = (text: string): string =>
  text
    .replace(/\u200B/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');

/**
 * What a Slack mrkdwn text does that it should not; [] when it is inert. Every `<` must open a
 * token of ours: a group mention, a date, or a link to one of `ourLinks` (URL prefixes). No person
 * is ours to mention in these tests.
 */
export function slackProblems(text: string, ourLinks: string[]): string[] {
  const problems: string[] = [];
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const end = text.indexOf('>', at);
    const token = end === -1 ? text.slice(at) : text.slice(at, end + 1);
    const ours =
      /^<!subteam\^S[A-Z0-9]+>$/.test(token) ||
      /^<#[CG][A-Z0-9]+>$/.test(token) ||
      /^<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>]+>$/.test(token) ||
      (/^<[^\s<>|]+\|[^<>]*>$/.test(token) && ourLinks.some((url) => token.startsWith(`<${url}`)));
    if (!ours) problems.push(`a token we did not write: ${token}`);
  }
  if (INVISIBLE.test(text)) problems.push('invisible or bidi character');
  if (ODD_LINE_BREAK.test(text)) problems.push('a line break other than \\n');
  return problems;
}

/** What a Slack reader sees, roughly: the escapes decoded. */
export const slackShown = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** [what it is, the payload, what a GitLab reader must still see of it]. */
export const GITLAB_PAYLOADS: Array<[string, string, string]> = [
  ['a tracking image', '![x](http://t.example/p.png)', 'http://t.example/p.png'],
  ['a reference-style image', '![x][img]\n\n[img]: http://t.example/p.png', 'http://t.example/p.png'],
  ['an <img> tag', '<img src=http://t.example/p.png>', '<img src=http://t.example/p.png>'],
  ['a link whose text is another URL', '[https://good.example](https://evil.example)', 'https://evil.example'],
  ['a reference link and its definition', '[text][1]\n\n[1]: https://evil.example', '[1]: https://evil.example'],
  ['a shortcut reference', 'see [okta.com]\n\n   [okta.com]: https://evil.example "Okta"', 'https://evil.example'],
  ['a definition in a quote', '> [okta.com]\n>\n> [okta.com]: https://evil.example', 'https://evil.example'],
  ['a <details> fold', '<details><summary>Logs</summary>secret text</details>', 'secret text'],
  ['an HTML comment forging our marker', '<!-- tierflow-request: req-x -->', '<!-- tierflow-request: req-x -->'],
  ['an <a href> hiding its target', '<a href="https://evil.example">https://good.example</a>', 'href="https://evil.example"'],
  ['an autolink in angle brackets', '<http://x.example>', '<http://x.example>'],
  ['PlantUML including a remote file', '```plantuml\n!include http://t.example/x.puml\n```', '!include http://t.example/x.puml'],
  ['Mermaid in a tilde fence, capitalised', '~~~ Mermaid\ngraph TD; A-->B\n~~~', 'graph TD; A-->B'],
  ['Graphviz in a quoted fence', '> ```graphviz\n> digraph { a -> b }\n> ```', 'digraph { a -> b }'],
  ['a math fence', '```math\n\\includegraphics{http://t.example/p.png}\n```', '\\includegraphics{http://t.example/p.png}'],
  ['display math', '$$\n\\href{http://t.example}{x}\n$$', '\\href{http://t.example}{x}'],
  ['a newline forging a header line', 'Ada\n**Priority:** P1', '**Priority:** P1'],
  ['a line separator forging a header line', 'Ada\u2028**Priority:** P1', '**Priority:** P1'],
  ['a carriage return before a quick action', 'Ada\r/close', '/close'],
  ['a right-to-left override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
  ['a zero-width space inside a name', 'pay\u200Bpal.com', 'paypal.com'],
  ['a word joiner and a BOM', 'adm\u2060in\uFEFF', 'admin'],
  ['tag characters', 'ok\u{E0049}\u{E0047}\u{E004E}\u{E004F}\u{E0052}\u{E0045}', 'ok'],
  ['bidi isolates and marks', 'abc\u2067\u200Fdef\u2069', 'abcdef'],
  ['an entity that would mention', '&#64;all', '&#64;all'],
];

/** [what it is, the payload, what a Slack reader must still see of it]. Markdown images and links are not here: Slack's mrkdwn has neither. */
export const SLACK_PAYLOADS: Array<[string, string, string]> = [
  ['an <img> tag', '<img src=http://t.example/p.png>', '<img src=http://t.example/p.png>'],
  ['a <details> fold', '<details><summary>Logs</summary>secret text</details>', 'secret text'],
  ['an HTML comment', '<!-- tierflow-request: req-x -->', '<!-- tierflow-request: req-x -->'],
  ['an <a href>', '<a href="https://evil.example">https://good.example</a>', 'href="https://evil.example"'],
  ['an autolink in angle brackets', '<http://x.example>', '<http://x.example>'],
  ['a Slack link whose label hides its target', '<https://evil.example|okta.com>', '<https://evil.example|okta.com>'],
  ['a broadcast mention', '<!channel> help', '<!channel> help'],
  ['a user mention', '<@U0EVIL0001>', '<@U0EVIL0001>'],
  ['a newline forging a line', 'Ada\n*Priority* P1', '*Priority* P1'],
  ['a line separator forging a line', 'Ada\u2028*Priority* P1', '*Priority* P1'],
  ['a right-to-left override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
  ['a zero-width space inside a name', 'pay\u200Bpal.com', 'paypal.com'],
  ['tag characters', 'ok\u{E0049}\u{E0047}\u{E004E}\u{E004F}\u{E0052}\u{E0045}', 'ok'],
  ['bidi isolates and marks', 'abc\u2067\u200Fdef\u2069', 'abcdef'],
  ['control characters', 'a\u0007\u001B[2Jb', 'a[2Jb'],
];
