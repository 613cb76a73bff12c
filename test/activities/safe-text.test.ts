import { describe, expect, it } from 'vitest';

import { inertGitlab } from '../../activities/gitlab-text.js';
import { escapeSlack } from '../../activities/slack-text.js';

describe('user text in Slack', () => {
  it.each([
    ['<!channel> help', '&lt;!channel&gt; help'],
    ['<!here>', '&lt;!here&gt;'],
    ['<!subteam^S123|@admins>', '&lt;!subteam^S123|@admins&gt;'],
    ['<https://evil.example|okta.com>', '&lt;https://evil.example|okta.com&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
  ])('makes %s inert', (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });
});

describe('user text in GitLab', () => {
  it('keeps quick-action lines from running and mentions from pinging', () => {
    const text = ['Please help', '/close', '  /assign @someone', '/label ~"corpsys::okta-sso"', 'cc @alice and @group/sub'].join('\n');
    const inert = inertGitlab(text);
    for (const line of inert.split('\n')) expect(line).not.toMatch(/^\s*\//);
    expect(inert).not.toMatch(/@[\w]/);
    expect(inert.replace(/\u200b/g, '')).toBe(text);
  });
});
