/** Tier 4 automation candidates: resolved requests grouped by system and similar summary. */
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_AUTOMATION_POLICY,
  findAutomationCandidates,
  groupSimilarRequests,
  jaccard,
  stem,
  summaryWords,
  type ResolvedRequestRow,
} from '../../domain/automation-candidates.js';

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10)).toISOString();

let n = 0;
function row(summary: string | null, overrides: Partial<ResolvedRequestRow> = {}): ResolvedRequestRow {
  n += 1;
  return { id: `req-${String(n).padStart(3, '0')}`, system: 'okta-sso', summary, resolutionSeconds: 600, resolvedAt: at((n % 28) + 1), ...overrides };
}

const policy = { minRequests: 3, similarity: 0.5 };

describe('summaryWords keeps what a summary is about', () => {
  it.each([
    ['Reset my Okta MFA', ['reset', 'okta', 'mfa']],
    ['okta mfa reset please', ['okta', 'mfa', 'reset']],
    ['MFA reset for Okta', ['mfa', 'reset', 'okta']],
    ['Zoom license', ['zoom', 'licens']],
    ['Zoom licenses!!', ['zoom', 'licens']],
    ['Please help: resetting Okta MFA, ticket 44812 (see https://okta.example/x?id=9) cc ada@example.com', ['reset', 'okta', 'mfa', 'ticket', 'see', 'cc']],
    ['Café VPN déconnecté', ['cafe', 'vpn', 'deconnect']],
    ['2FA codes expired', ['2fa', 'code', 'expir']],
    ['?? !!', []],
  ])('%j → %j', (summary, stems) => {
    expect(summaryWords(summary).map((w) => w.stem)).toEqual(stems);
  });

  it.each([
    ['resets', 'reset'],
    ['resetting', 'reset'],
    ['expires', 'expir'],
    ['expired', 'expir'],
    ['policies', 'policy'],
    ['access', 'access'],
    ['status', 'status'],
    ['keys', 'key'],
  ])('stem(%s) = %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('measures similarity as shared stems over all stems', () => {
    expect(jaccard(new Set(['okta', 'mfa', 'reset']), new Set(['okta', 'mfa']))).toBeCloseTo(2 / 3);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });
});

describe('findAutomationCandidates', () => {
  it('groups the handbook-like MFA resets of Okta into one candidate named by their common words; a Zoom license does not join', () => {
    const rows = [
      row('Reset my Okta MFA', { resolutionSeconds: 1_200 }),
      row('okta mfa reset please', { resolutionSeconds: 1_800 }),
      row('Zoom license'),
      row('MFA reset for Okta', { resolutionSeconds: 2_400 }),
    ];
    const candidates = findAutomationCandidates(rows, policy);
    expect(candidates).toEqual([
      { system: 'okta-sso', summary: 'mfa okta reset', count: 3, coverageSeconds: 5_400, requestIds: [rows[0]!.id, rows[1]!.id, rows[3]!.id] },
    ]);
  });

  it('keeps systems apart: the same words about two systems are two groups', () => {
    const rows = [
      ...['Reset my password', 'password reset', 'reset password please'].map((s) => row(s, { system: 'okta-sso' })),
      ...['Reset my password', 'password reset', 'reset password please'].map((s) => row(s, { system: '1password' })),
    ];
    expect(findAutomationCandidates(rows, policy).map((c) => [c.system, c.count])).toEqual([
      ['1password', 3],
      ['okta-sso', 3],
    ]);
  });

  it('a group under the threshold is no candidate; requests without a system group under "unknown"', () => {
    const rows = [row('printer jammed', { system: null }), row('printer jammed again', { system: null })];
    expect(findAutomationCandidates(rows, policy)).toEqual([]);
    expect(findAutomationCandidates([...rows, row('the printer is jammed', { system: null })], policy)[0]).toMatchObject({ system: 'unknown', count: 3 });
  });

  it('leaves out requests that are not resolved, have no summary or no meaningful word, or were resolved before the window', () => {
    const rows = [
      row('Reset my Okta MFA'),
      row('okta mfa reset please'),
      row('MFA reset for Okta', { resolvedAt: null }),
      row(null),
      row('please help!!'),
      row('Okta MFA reset', { resolvedAt: '2026-10-01T00:00:00Z' }),
    ];
    const since = Date.parse('2026-10-15T00:00:00Z');
    expect(findAutomationCandidates(rows, policy, since)).toEqual([]);
    expect(
      findAutomationCandidates(rows, { ...policy, minRequests: 2 }, since)[0]
        ?.requestIds.slice()
        .sort(),
    ).toEqual([rows[0]!.id, rows[1]!.id].sort());
    // Without a window, the October request counts too.
    expect(findAutomationCandidates(rows, policy)[0]?.requestIds).toContain(rows[5]!.id);
  });

  it('links similar summaries in a chain (single link), and the name takes the words most of them share', () => {
    const groups = groupSimilarRequests([row('okta mfa reset'), row('okta mfa reset yubikey'), row('okta yubikey reset'), row('okta yubikey lost')], {
      similarity: 0.5,
    });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ summary: 'okta yubikey reset mfa', stems: ['mfa', 'okta', 'reset', 'yubikey'] });
  });

  it('counts a request listed twice once, and costs nothing for a resolution without a time', () => {
    const twice = row('Reset my Okta MFA');
    const rows = [twice, { ...twice }, row('okta mfa reset please', { resolutionSeconds: null }), row('MFA reset for Okta')];
    expect(findAutomationCandidates(rows, policy)[0]).toMatchObject({ count: 3, coverageSeconds: 1_200 });
  });

  it('a higher similarity threshold splits what a lower one joins', () => {
    const rows = [row('vpn drops every hour'), row('vpn drops'), row('nordlayer vpn drops on wifi')];
    expect(findAutomationCandidates(rows, { minRequests: 3, similarity: 0.4 })).toHaveLength(1);
    expect(findAutomationCandidates(rows, { minRequests: 3, similarity: 0.9 })).toHaveLength(0);
  });

  it('the built-in policy is the registry’s defaults', () => {
    expect(DEFAULT_AUTOMATION_POLICY).toMatchObject({ minRequests: 3, windowDays: 30, similarity: 0.5, label: 'automation::candidate' });
  });
});
