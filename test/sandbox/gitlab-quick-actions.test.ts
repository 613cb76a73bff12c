import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { applyQuickActions, extractQuickActions } from '../../sandbox/gitlab-quick-actions.js';
import { addLabels } from '../../sandbox/gitlab-store.js';

const NAMES = ['close', 'reopen', 'open', 'label', 'labels', 'unlabel', 'remove_label', 'assign', 'unassign', 'title'];

/**
 * The oracle: GitLab's extractor as one backtracking regular expression (fence, inline code, HTML
 * block, `>>>` quote, command), slow on long texts but plainly what GitLab matches. The emulator's
 * one-pass scanner must agree with it on every text.
 */
function oracle(text: string): { text: string; commands: string[] } {
  const fence = '```';
  const pattern = new RegExp(
    [
      `^${fence}.+?\\n${fence}$`,
      '^.*`\\n*.+?\\n*`$',
      '^<[^>]+?>\\n.+?\\n<\\/[^>]+?>$',
      '^>>>.+?\\n>>>$',
      `^\\/(?<cmd>${NAMES.join('|')})(?:[ ](?<arg>[^\\n]*))?(?:\\s*\\n|$)`,
    ].join('|'),
    'gims',
  );
  const commands: string[] = [];
  const kept = text.replace(/\r/g, '').replace(pattern, (match: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as { cmd?: string };
    if (!groups.cmd) return match;
    commands.push(groups.cmd.toLowerCase());
    return '';
  });
  return { text: kept.trimEnd(), commands };
}

const KIND: Record<string, string> = { open: 'reopen', labels: 'label', remove_label: 'unlabel' };
const kinds = (text: string) => extractQuickActions(text).actions.map((a) => a.kind);

describe('quick actions in the emulator', () => {
  it.each([
    ['runs a command at a line start and removes its line', 'Hi\n/close\nthere', ['close'], 'Hi\nthere'],
    ['runs any case', '/CLOSE', ['close'], ''],
    ['does not run an indented, quoted or zero-width-broken command', ' /close\n> /close\n\u200b/close', [], ' /close\n> /close\n\u200b/close'],
    ['keeps an unknown command', '/lock\n/close', ['close'], '/lock'],
    ['does not run a command inside a fenced block', '```\n/close\n```', [], '```\n/close\n```'],
    ['does not run a command inside an HTML block', '<details>\n/close\n</details>', [], '<details>\n/close\n</details>'],
    ['does not run a command inside a >>> quote', '>>>\n/close\n>>>', [], '>>>\n/close\n>>>'],
    ['does not run a command followed by a line ending in a code span (GitLab spans lines)', '/close\nI ran `okta verify`', [], '/close\nI ran `okta verify`'],
    ['runs a command after the last line ending in a code span', 'I ran `okta verify`\n/close', ['close'], 'I ran `okta verify`'],
    ['removes the blank lines after a command', '/label ~a\n\n\nrest', ['label'], 'rest'],
  ])('%s', (_name, text, expected, stored) => {
    const out = extractQuickActions(text);
    expect(out.actions.map((a) => a.kind)).toEqual(expected);
    expect(out.text).toBe(stored);
  });

  it('parses labels, users, titles and the argument-less forms', () => {
    expect(extractQuickActions('/label ~bug ~"corpsys::okta-sso" plain\n/assign @ada @gitlab-com/owners grace,me\n/title  New title ').actions).toEqual([
      { kind: 'label', labels: ['bug', 'corpsys::okta-sso', 'plain'] },
      { kind: 'assign', usernames: ['ada', 'grace', 'me'] },
      { kind: 'title', title: 'New title' },
    ]);
    expect(extractQuickActions('/unlabel\n/unassign').actions).toEqual([
      { kind: 'unlabel', labels: 'all' },
      { kind: 'unassign', usernames: 'all' },
    ]);
  });

  it('applies actions in order: assign adds, unassign and unlabel remove, scoped labels evict their scope', () => {
    const target = { labels: ['tier::2', 'keep'], assignees: ['old'], state: 'opened' as const, title: 't' };
    const { actions } = extractQuickActions('/label ~tier::3 ~x\n/unlabel ~keep\n/assign @a me\n/unassign @old\n/close\n/title Renamed');
    expect(applyQuickActions(target, actions, { actor: 'bot', addLabel: (labels, label) => addLabels(labels, [label]) })).toEqual({
      labels: ['tier::3', 'x'],
      assignees: ['a', 'bot'],
      state: 'closed',
      title: 'Renamed',
    });
  });

  const agrees = (text: string) => {
    const expected = oracle(text);
    const out = extractQuickActions(text);
    expect(out.text).toBe(expected.text);
    expect(out.actions.map((a) => a.kind)).toEqual(expected.commands.map((c) => KIND[c] ?? c));
  };

  it("agrees with GitLab's extractor pattern on texts made of lines that open and close its regions", () => {
    const line = fc.constantFrom(
      ...['', ' ', '/close', '/close ', '/close\t', '/Label ~y', '/assign @z x', '/nope', ' /close', '> /close', 'x', '```', '``', '```js', '`a`', 'x `', '`'],
      ...['<a>', '<>', '<a', 'b>', '</a>', '</>', '</a> x', '>>>', '>>> x'],
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => agrees(lines.join(eol))),
      { numRuns: 5000 },
    );
  });

  it("agrees with GitLab's extractor pattern on any text", () => {
    const piece = fc.constantFrom('\n', '`', '```', '<a>', '</a>', '<', '>', '/', '>>>', ' ', 'x', '/close', '/label ~y', '\t', '\r');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => agrees(pieces.join(''))),
      { numRuns: 3000 },
    );
  });

  it('stays fast on a long hostile text (the backtracking pattern takes minutes on it)', () => {
    const text = `${'`a\n'.repeat(3000)}/close`;
    const started = Date.now();
    expect(kinds(text)).toEqual(['close']);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
