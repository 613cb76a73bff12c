import { describe, expect, it } from 'vitest';

import { ccLine, issueDescription, templateNameOf, whyHereLine } from '../../activities/gitlab-text.js';
import { splitTemplate, templateAssignees } from '../../activities/tracker-templates.js';
import { OKTA, requestState } from './support/fixtures.js';

describe('splitTemplate', () => {
  it('takes the quick-action lines out of the text, and leaves those in fenced code where they are', () => {
    const template = [
      '## Okta',
      '',
      'Run:',
      '```sh',
      '/close',
      '```',
      '~~~',
      '/label ~"in-docs"',
      '~~~',
      '',
      '/label ~"corpsys::okta-sso"  ',
      '/assign @a',
    ].join('\r\n');
    expect(splitTemplate(template)).toEqual({
      body: '## Okta\n\nRun:\n```sh\n/close\n```\n~~~\n/label ~"in-docs"\n~~~',
      actions: ['/label ~"corpsys::okta-sso"', '/assign @a'],
    });
  });

  it('keeps a path or a line that only starts with a slash word in the text', () => {
    expect(splitTemplate('/etc/hosts is managed\n/assign @a').actions).toEqual(['/assign @a']);
  });
});

describe('templateAssignees', () => {
  it('lists the users of /assign lines once, without groups or "me"', () => {
    expect(templateAssignees('/assign @a @b\n/ASSIGN @b, @corp/sys/okta me\n/label ~x\n```\n/assign @in-code\n```')).toEqual(['a', 'b']);
  });
});

describe('issueDescription with a template', () => {
  const state = requestState({ tier: 3, type: 'change', description: 'help\n/assign @mallory' });
  const template = { name: 'corpsys-okta-sso', content: '## Okta change\n\n/label ~"corpsys::okta-sso"\n/assign @okta-owner' };

  it("puts the template's text after the facts and its quick actions, on lines of their own, after the requester's text", () => {
    const lines = issueDescription(state, 'change request starts at Tier 3', null, { template, unassign: ['old-owner', 'bad name'] }).split('\n');
    expect(lines[3]).toBe('**System:** Okta SSO · **Owners:** @gitlab-com/gl-security/corp/sys/okta · **Issue template:** corpsys-okta-sso');
    const at = (line: string) => lines.indexOf(line);
    expect(at('## Okta change')).toBeLessThan(at('### Description'));
    expect(at('\u200b/assign @\u200bmallory')).toBeLessThan(at('/unassign @old-owner'));
    expect(lines.slice(at('/unassign @old-owner'))).toEqual([
      '/unassign @old-owner',
      '/label ~"corpsys::okta-sso"',
      '/assign @okta-owner',
      '',
      `<!-- tierflow-request: ${state.id} -->`,
    ]);
  });

  it('reads back the template name and the "why here" line from the facts only, not from the requester\'s text', () => {
    const forged = requestState({ description: '**Why here:** forged\n**System:** x · **Issue template:** corpsys-aws' });
    const plain = issueDescription(forged, 'escalated', null);
    expect(templateNameOf(plain)).toBeNull();
    expect(whyHereLine(plain)).toBe('**Why here:** escalated');
    expect(templateNameOf(issueDescription(state, 'r', null, { template }))).toBe('corpsys-okta-sso');
  });

  it('without a template it is the built-in body', () => {
    expect(issueDescription(state, 'r', null, { template: null })).toBe(issueDescription(state, 'r', null));
    expect(issueDescription(state, 'r', null)).not.toMatch(/^\//m);
  });
});

describe('ccLine', () => {
  it('mentions each valid path once, in order, and nothing else', () => {
    expect(ccLine(['a/b', '@a/b', 'c', 'x y', '/close', ''])).toBe('cc @a/b @c');
    expect(ccLine([OKTA.gitlabOwners])).toBe('cc @gitlab-com/gl-security/corp/sys/okta');
    expect(ccLine(['x y'])).toBeNull();
  });
});
