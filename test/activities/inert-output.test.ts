/**
 * Finding 5 of issue 9: user text reaches GitLab and Slack inert. Every payload goes into every
 * user-controlled field at once (summary, description, requester name, system name, reason, note,
 * assignee), and each output is checked for what would render, fetch, ping, hide or forge a line,
 * and for the text the user wrote still being there to read.
 */
import { describe, expect, it } from 'vitest';

import { inertGitlab, inertGitlabLine, issueDescription, issueTitle, trackerNoteText } from '../../activities/gitlab-text.js';
import { statusBlocks, statusText, type StatusMessageInput } from '../../activities/slack-blocks.js';
import { linkText, replyText } from '../../activities/slack-text.js';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import type { RequestState } from '../../domain/request.js';
import { toStatusView } from '../../domain/status-view.js';
import { GITLAB_PAYLOADS, gitlabProblems, gitlabShown, SLACK_PAYLOADS, slackProblems, slackShown } from '../support/inert-checks.js';
import { textsOf } from './support/slack-limits.js';
import { OKTA, requestState } from './support/fixtures.js';

const NOW = Date.UTC(2024, 0, 8, 10);
const THREAD = 'https://tierflow-sandbox.slack.com/archives/C0ITHELP/p1';
const OWNERS = '@gitlab-com/gl-security/corp/sys/okta';

/** A state whose every user-controlled field is `payload`. */
const hostileState = (payload: string): RequestState =>
  requestState({
    createdAt: NOW,
    summary: payload,
    description: payload,
    requester: { email: 'ada@example.com', name: payload },
    system: { ...OKTA, name: payload },
    assignee: payload,
  });

const GUIDES_AND_ISSUES = ['https://guides.example/', 'https://gitlab.example.com/'];

describe('user text in GitLab is inert', () => {
  it.each(GITLAB_PAYLOADS)('%s', (_name, payload, shows) => {
    const state = hostileState(payload);
    const description = issueDescription(state, payload, THREAD);
    const title = issueTitle(state);
    const note = trackerNoteText(state, 'reassigned', { effectId: `${state.id}#3`, note: payload, mentionOwners: false, now: NOW });

    for (const text of [description, title, note]) {
      expect(gitlabProblems(text, [OWNERS]), text).toEqual([]);
      expect(gitlabShown(text)).toContain(shows);
    }
    // One line stays one line: the facts header has exactly our labels, the title and the headline one line each.
    const header = description
      .slice(0, description.indexOf('\n### Description'))
      .split('\n')
      .filter((line) => line !== '');
    expect(header.map((line) => /^\*\*([A-Za-z ]+):\*\* /.exec(line)?.[1])).toEqual(['Request', 'Requester', 'Type', 'System', 'Why here', 'Slack thread']);
    expect(header[2]).toBe('**Type:** access · **Priority:** P3 · **Tier:** 2 (helpdesk)');
    expect(title).not.toContain('\n');
    const [headline, quoted, marker, ...rest] = note.split('\n\n');
    expect(headline).toMatch(/^\*\*Reassigned to [^\n]+\*\*$/);
    expect(quoted?.split('\n').every((line) => line.startsWith('>'))).toBe(true);
    expect(marker).toBe(`<!-- tierflow-effect: ${state.id}#3 -->`);
    expect(rest).toEqual([]);
    // The only hidden comment in the description is ours, last.
    expect(description.match(/<!--/g)).toHaveLength(1);
    expect(description.endsWith(`<!-- tierflow-request: ${state.id} -->`)).toBe(true);
  });

  it('removes the user’s invisible characters before breaking sequences, so ours survive and theirs do not', () => {
    const state = hostileState('pay\u200Bpal /close @\u200Ball ![x](http://t.example/p.png)');
    const description = issueDescription(state, 'r', null);
    expect(description).toContain('paypal');
    expect(description).toContain('@\u200Ball');
    expect(description).toContain('!\u200B[x]\u200B(http://t.example/p.png)');
    expect(description).not.toMatch(/@all/);
  });

  it('keeps a multi-line description multi-line, each line inert', () => {
    const state = requestState({ description: 'line one\n<img src=x>\n\n```plantuml\n!include http://t.example/x\n```' });
    const body = issueDescription(state, 'r', null);
    const section = body.slice(body.indexOf('### Description\n\n') + '### Description\n\n'.length, body.lastIndexOf('\n\n<!--'));
    expect(section).toBe('line one\n&lt;img src=x>\n\n```\u200Bplantuml\n!include http://t.example/x\n```');
  });

  it.each([
    ['backticks', '`'.repeat(100_000)],
    ['tildes', '~'.repeat(100_000)],
    ['fences', '``` '.repeat(25_000)],
    ['fences and punctuation', '```{{'.repeat(20_000)],
    ['brackets', '![]('.repeat(25_000)],
    ['dollars', '$'.repeat(100_000)],
  ])('stays linear on 100 KB of %s (no catastrophic backtracking)', (_name, text) => {
    const started = performance.now();
    inertGitlab(text);
    inertGitlabLine(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('leaves an ordinary code fence and bare URLs alone', () => {
    const state = requestState({ description: '```js\nconst a = 1;\n```\nsee https://okta.example.com/a#12' });
    expect(issueDescription(state, 'r', null)).toContain('```js\nconst a = 1;\n```\nsee https://okta.example.com/a#12');
  });
});

describe('user text in Slack is inert', () => {
  it.each(SLACK_PAYLOADS)('%s', (_name, payload, shows) => {
    const state = hostileState(payload);
    const input: StatusMessageInput = { state, view: toStatusView(state, DEFAULT_CALENDAR, NOW), owners: null, shadowItOwner: payload };
    const blocks = statusBlocks(input);
    const text = statusText(input);
    const comment = replyText(state, 'comment', { note: payload, mentions: [], now: NOW });
    const reassigned = replyText(state, 'reassigned', { mentions: [], now: NOW });
    const waiting = replyText(state, 'waiting_on_requester', { mentions: [], now: NOW });

    for (const out of [...textsOf({ text, blocks }), comment, reassigned, waiting]) expect(slackProblems(out, GUIDES_AND_ISSUES), out).toEqual([]);

    // One line stays one line: summary, requester, system, assignee and headlines each keep theirs.
    const section = (id: string) => {
      const block = blocks.find((b) => b.block_id === id);
      return block?.type === 'section' ? block : undefined;
    };
    const summary = section('tierflow_summary')?.text?.text.split('\n') ?? [];
    expect(summary).toHaveLength(2);
    expect(summary[0]).toMatch(/^\*[^\n]+\*$/);
    expect(summary[1]).toMatch(new RegExp(`^Request \`${state.id}\` from [^\\n]+$`));
    const fields = section('tierflow_fields')?.fields?.map((f) => f.text.split('\n')) ?? [];
    expect(fields.map((lines) => lines.length)).toEqual([2, 2, 2, 2, 2]);
    expect(section('tierflow_shadow_it')?.text?.text).not.toContain('\n');
    const fallback = text.split('\n');
    expect(fallback[2]).toMatch(/^P3 · [^\n]+ · Tier 2 \(helpdesk\) · Open$/);
    expect(fallback.slice(4, -1).every((line) => line.startsWith('>'))).toBe(true);
    expect(fallback.at(-1)).toMatch(/^This system is not managed by Corporate Security; its System Owner is [^\n]+\.$/);
    expect(reassigned).not.toContain('\n');
    expect(
      comment
        .split('\n')
        .slice(1)
        .every((line) => line.startsWith('>')),
    ).toBe(true);
    expect(waiting.split('\n')).toHaveLength(2);

    // And the text is still there to read.
    expect(slackShown(summary[0] ?? '')).toContain(shows);
    expect(slackShown(comment)).toContain(shows);
  });

  it('removes the user’s invisible characters from the quoted note and the headline alike', () => {
    const state = hostileState('x');
    const reply = replyText({ ...state, system: { ...OKTA, name: 'Ok\u202Eta' } }, 'reassigned', { note: 'pay\u200Bpal\u2066', mentions: [], now: NOW });
    expect(reply).toBe(':twisted_rightwards_arrows: *Reassigned to Okta*\n>paypal');
  });
});

describe('Slack links are ours alone', () => {
  it('every link in the status message goes where our code said, whatever the user wrote', () => {
    const hostile = '<https://evil.example|okta.com> [okta.com](https://evil.example) <https://evil.example>';
    const state = { ...hostileState(hostile), links: { ...requestState().links, gitlabIssue: 'https://gitlab.example.com/t/-/issues/7', gitlabIssueIid: 7 } };
    const guides = [{ title: 'Reset MFA|<https://evil.example|okta.com>', url: 'https://guides.example/okta-mfa' }];
    const input: StatusMessageInput = { state, view: toStatusView(state, DEFAULT_CALENDAR, NOW), owners: null, guides };
    const links: string[] = [];
    for (const out of textsOf({ text: statusText(input), blocks: statusBlocks(input) })) {
      expect(slackProblems(out, GUIDES_AND_ISSUES), out).toEqual([]);
      for (const m of out.matchAll(/<(https?:[^|>]*)\|/g)) links.push(m[1]!);
    }
    expect(new Set(links)).toEqual(new Set(['https://guides.example/okta-mfa', 'https://gitlab.example.com/t/-/issues/7']));
  });

  it('a link label cannot close the link early or open another', () => {
    expect(linkText('https://guides.example/a', 'Okta|<https://evil.example|x>\nmore')).toBe(
      '<https://guides.example/a|Okta|&lt;https://evil.example|x&gt; more>',
    );
    expect(linkText('https://guides.example/a b|c>\u200B', 'x')).toBe('<https://guides.example/abc|x>');
  });
});
