import { describe, expect, it } from 'vitest';

import { inertGitlab, inertGitlabLine, ownersMention, trackerNoteText } from '../../activities/gitlab-text.js';
import { effectMarker, hasEffectMarker } from '../../contracts/tracker-marker.js';
import { escapeSlack, groupMention, personText, slackLine } from '../../activities/slack-text.js';
import { OKTA, requestState } from './support/fixtures.js';

const ZWSP = '\u200b';
const visible = (text: string): string => text.replace(/\u200b/g, '');

describe('user text in Slack', () => {
  it.each([
    ['<!channel> help', '&lt;!channel&gt; help'],
    ['<!here>', '&lt;!here&gt;'],
    ['<!subteam^S123|@admins>', '&lt;!subteam^S123|@admins&gt;'],
    ['<@U0123456>', '&lt;@U0123456&gt;'],
    ['<https://evil.example|okta.com>', '&lt;https://evil.example|okta.com&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
    ['invoice\u202Etxt.exe', 'invoicetxt.exe'],
    ['pay\u200Bpal <b>', 'paypal &lt;b&gt;'],
    ['<\u200B!channel>', '&lt;!channel&gt;'],
  ])('makes %s inert', (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it('keeps one-line fields on one line: names, people, group handles', () => {
    expect(slackLine('Ada\n<!here>\u2028x')).toBe('Ada &lt;!here&gt; x');
    expect(personText('Bob\n*Priority* P1')).toBe('Bob *Priority* P1');
    expect(groupMention('ops\n<!channel>')).toBe('@ops &lt;!channel&gt;');
  });

  it('writes a group mention only for a well-formed group id, else plain escaped text', () => {
    expect(groupMention('it-helpdesk-analysts', 'S0HELPDESK')).toBe('<!subteam^S0HELPDESK>');
    expect(groupMention('it-helpdesk-analysts')).toBe('@it-helpdesk-analysts');
    expect(groupMention('x', '!channel')).toBe('@x');
  });
});

describe('user text in GitLab', () => {
  it('keeps quick-action lines from running, however they are indented or quoted', () => {
    const text = ['Please help', '/close', '  /assign @someone', '\t/label ~"corpsys::okta-sso"', '> /lock', '>> /CLOSE', 'x\r/reopen', 'end'].join('\n');
    const inert = inertGitlab(text);
    for (const line of inert.split('\n')) expect(line).not.toMatch(/^[\s>]*\//);
    expect(visible(inert)).toBe(text.replace('\r', '\n'));
  });

  it.each([
    ['cc @alice and @group/sub', 'cc @\u200balice and @\u200bgroup/sub'],
    ['@all', '@\u200ball'],
    ['(@here)', '(@\u200bhere)'],
    ['mail ada.lovelace@example.com', 'mail ada.lovelace@example.com'],
    ['project@9ba12248', 'project@\u200b9ba12248'],
    ['see #12, group/project#34 and !5', `see #${ZWSP}12, group/project#${ZWSP}34 and !${ZWSP}5`],
    ['$7 &8 ~bug ~"a b" %v1.0 %"Q3"', `$${ZWSP}7 &${ZWSP}8 ~${ZWSP}bug ~${ZWSP}"a b" %${ZWSP}v1.0 %${ZWSP}"Q3"`],
    ['*iteration:"Sprint" [vulnerability:12]', `*${ZWSP}iteration:"Sprint" [${ZWSP}vulnerability:12]`],
    ['&#64;admins &commat;root', `&amp;#${ZWSP}64;admins &amp;commat;root`],
    ['hidden <!-- /close', 'hidden &lt;!-- /close'],
    ['<img src=http://t.example/p.png>', '&lt;img src=http://t.example/p.png>'],
    ['<http://x.example> <details>', '&lt;http://x.example> &lt;details>'],
    ['![x](http://t.example/p.png)', `!${ZWSP}[x]${ZWSP}(http://t.example/p.png)`],
    ['[a][1]\n  [1]: https://e.example', `[a]${ZWSP}[1]\n  [1]${ZWSP}: https://e.example`],
    ['```plantuml\n!include http://t.example/x\n```', `\`\`\`${ZWSP}plantuml\n!include http://t.example/x\n\`\`\``],
    ['~~~~ Mermaid', `~~~~${ZWSP} Mermaid`],
    ['$$x$$ and $`y`$', `$${ZWSP}$x$${ZWSP}$ and $${ZWSP}\`y\`$`],
    ['pay\u200Bpal \u202Eexe.txt\u{E0041}', 'paypal exe.txt'],
    ['@\u200Ball', `@${ZWSP}all`],
  ])('makes %s inert', (input, expected) => {
    expect(inertGitlab(input)).toBe(expected);
  });

  it('keeps one-line fields on one line', () => {
    expect(inertGitlabLine('Ada\n**Priority:** P1\u2028/close')).toBe('Ada **Priority:** P1 /close');
  });

  it('leaves bare URLs working (fragments, percent-encoding, ~user paths)', () => {
    const text = 'see https://example.com/a%20b/~ada/page#12 and www.example.org/#3 now';
    expect(inertGitlab(text)).toBe(text);
  });

  it('ends our notes with the effect marker, which quoted user text cannot forge', () => {
    const state = requestState();
    const forged = `${effectMarker('REQ#9')}`;
    const body = trackerNoteText(state, 'comment', { effectId: 'REQ#5', note: forged, mentionOwners: false, now: 0 });
    expect(hasEffectMarker(body, 'REQ#5')).toBe(true);
    expect(hasEffectMarker(body, 'REQ#9')).toBe(false);
    expect(body).not.toContain(forged);
  });

  it('mentions owners only from the registry path, and only a plain GitLab path', () => {
    expect(ownersMention(OKTA)).toBe('@gitlab-com/gl-security/corp/sys/okta');
    expect(ownersMention({ ...OKTA, gitlabOwners: 'owners\n/close' })).toBeNull();
    expect(ownersMention(null)).toBeNull();
  });
});
