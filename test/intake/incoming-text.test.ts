/**
 * Text entering a request (finding 5 of issue 9): invisible and bidi characters are removed and a
 * summary or a name is one line, whether it comes from Slack, GitLab or the JSON API, so the
 * request's state and the Temporal UI show what the sender really wrote.
 */
import { describe, expect, it } from 'vitest';

import { clip, slackToPlainText, summaryOf } from '../../intake/incoming-text.js';
import { gitlabRequester, slackRequester } from '../../intake/requesters.js';
import { actionBodySchema, helpRequestBodySchema } from '../../intake/schemas.js';
import { recordingGateway } from './support/gateway.js';
import { issueHook, noteHook, slackMessageEvent } from './support/payloads.js';
import { postEvent, postGitlab, signedApp } from './support/signed-app.js';

describe('Slack text into plain request text', () => {
  it.each([
    ['a zero-width space inside a word', 'pay\u200Bpal', 'paypal'],
    ['a right-to-left override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
    ['a zero-width character inside a token', '<!chan\u200Bnel> <https://evil.example|ok\u200Bta.com>', '@channel okta.com (https://evil.example)'],
    ['a mailto link whose label is another address', '<mailto:evil@x.example|ceo@corp.example>', 'ceo@corp.example (evil@x.example)'],
    ['tag characters', 'ok\u{E0049}\u{E0047}', 'ok'],
  ])('removes what hides: %s', (_name, input, output) => {
    expect(slackToPlainText(input)).toBe(output);
  });
});

describe('the summary of free text', () => {
  it.each([
    ['a newline forging a line', 'Locked out\n**Priority:** P1', 'Locked out'],
    ['a line separator', 'Locked out\u2028**Priority:** P1', 'Locked out'],
    ['a paragraph separator, NEL, VT, FF, a lone CR', 'a\u2029b\u0085c\vd\fe\rf', 'a'],
    ['a first line of invisible characters only', '\u200B\u202E\n  real line', 'real line'],
    ['tabs and runs of spaces', 'tab\tand   spaces', 'tab and spaces'],
    ['bidi controls within the line', 'Reset \u2066MFA\u2069 please\u200F', 'Reset MFA please'],
  ])('is one clean line: %s', (_name, text, summary) => {
    expect(summaryOf(text, 'fallback')).toBe(summary);
  });

  it('cleans the fallback too, and cuts within 200 characters', () => {
    expect(summaryOf('\u200B', 'Slack\u202E message\nx')).toBe('Slack message x');
    expect(summaryOf('y'.repeat(300), 'x')).toHaveLength(200);
  });
});

describe('clip', () => {
  it('removes invisible characters from a description or note, keeping its lines', () => {
    expect(clip('line\u200B one\r\nline \u202Etwo', 100)).toBe('line one\nline two');
  });

  it('never leaves half a surrogate pair at the cut', () => {
    expect(clip('a😀bcd', 3)).toBe('a…');
    expect(clip('ab😀cd', 4)).toBe('ab…');
  });
});

describe('requesters', () => {
  it.each([
    ['a newline forging a line', 'Ada\n**Priority:** P1', 'Ada **Priority:** P1'],
    ['a right-to-left override', 'Ada\u202E Lovelace', 'Ada Lovelace'],
    ['invisible characters only', '\u200B\u3164\u202E', undefined],
  ])('keep a clean one-line name: %s', (_name, name, expected) => {
    expect(slackRequester('U123ABC', name).name).toBe(expected);
    expect(gitlabRequester({ username: 'ada', name }).name).toBe(expected);
  });

  it('cut a long name within 200 UTF-16 units without leaving half a character', () => {
    const name = slackRequester('U123ABC', `${'x'.repeat(199)}😀`).name ?? '';
    expect(name).toBe('x'.repeat(199));
  });
});

describe('the JSON API body', () => {
  const body = {
    requester: { email: 'ada@example.com', name: 'Ada\u202E\n**Priority:** P1' },
    summary: 'Locked out\n**Priority:** P1',
    description: 'line\u200B one\nline two',
  };

  it('keeps the summary and the name on one line, without invisible characters, and the description multi-line', () => {
    const parsed = helpRequestBodySchema.parse(body);
    expect(parsed.summary).toBe('Locked out **Priority:** P1');
    expect(parsed.requester.name).toBe('Ada **Priority:** P1');
    expect(parsed.description).toBe('line one\nline two');
  });

  it('refuses a summary with nothing visible in it, naming the field', () => {
    const parsed = helpRequestBodySchema.safeParse({ ...body, summary: '\u200B\u202E ' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['summary']);
  });

  it('cleans action notes and reasons the same way', () => {
    const parsed = actionBodySchema.parse({ note: 'see\u200B\nthis', reason: 'breach\n**Priority:** P1' });
    expect(parsed).toMatchObject({ note: 'see\nthis', reason: 'breach **Priority:** P1' });
  });
});

describe('through the intake', () => {
  it('a Slack message starts a request whose summary is one clean line', async () => {
    const { gateway, started } = recordingGateway();
    const text = 'Locked out\u2028**Priority:** P1 of pay\u200Bpal\u202E\nmore';
    const res = await postEvent(signedApp(gateway), slackMessageEvent({ text }));
    expect(res.statusCode).toBe(200);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ summary: 'Locked out', description: 'Locked out\n**Priority:** P1 of paypal\nmore' });
  });

  it('a GitLab issue starts a request with a one-line summary and a clean requester name and description', async () => {
    const { gateway, started } = recordingGateway();
    const hook = issueHook('open', { iid: 23, title: 'VPN route\u202E\n**Priority:** P1', description: 'add pay\u200Bpal\nplease' });
    hook.user.name = 'Grace\n**Priority:** P1';
    const res = await postGitlab(signedApp(gateway), hook, { key: 'k-inert-1' });
    expect(res.statusCode).toBe(200);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ summary: 'VPN route', description: 'add paypal\nplease', requester: { name: 'Grace **Priority:** P1' } });
  });

  it('a GitLab note becomes a comment without invisible characters', async () => {
    const { gateway, acts } = recordingGateway({}, { trackerIssues: { '1000#7': 'req-gitlab-1000-7' } });
    const res = await postGitlab(signedApp(gateway), noteHook('pay\u200Bpal \u202Eexe.txt', { iid: 7 }), { key: 'k-inert-2', event: 'Note Hook' });
    expect(res.statusCode).toBe(200);
    expect(acts).toHaveLength(1);
    expect(acts[0]?.args).toMatchObject({ note: 'paypal exe.txt' });
  });
});
