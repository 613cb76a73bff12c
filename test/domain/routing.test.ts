/** Classification against the registry shipped in registry/ (the real aliases and keywords). */
import { describe, expect, it } from 'vitest';
import { findShadowIt, findSystem, findSystemByName, tierGroup, type Registry } from '../../domain/registry.js';
import { classify, type Routing, type RoutingInput } from '../../domain/routing.js';
import { loadConfig } from '../../registry/load.js';

const registry: Registry = loadConfig().registry;

type Expected = Pick<Routing, 'systemId' | 'systemSource' | 'startTier'> & { shadowIt?: string };

describe('classify routes a request to a system and a starting tier', () => {
  it.each<[string, RoutingInput, Expected]>([
    [
      'an explicit registry id wins over the text',
      { system: 'okta-sso', summary: 'Zoom is broken' },
      { systemId: 'okta-sso', systemSource: 'explicit', startTier: 2 },
    ],
    ['an explicit GitLab label is understood', { system: 'corpsys::jamf', summary: 'help' }, { systemId: 'jamf', systemSource: 'explicit', startTier: 2 }],
    [
      'an explicit display name is understood',
      { system: 'Okta Workflows', summary: 'help' },
      { systemId: 'okta-flow', systemSource: 'explicit', startTier: 2 },
    ],
    [
      'an explicit shadow-IT name redirects to its owner at Tier 2',
      { system: 'Salesforce', summary: 'report broken' },
      { systemId: null, systemSource: 'explicit', startTier: 2, shadowIt: 'Salesforce' },
    ],
    [
      'an explicit unknown system falls back to the text',
      { system: 'Mainframe', summary: 'VPN keeps dropping' },
      { systemId: 'nordlayer', systemSource: 'keyword', startTier: 2 },
    ],
    ['a lockout question goes to Okta SSO at Tier 2', { summary: 'Locked out of Okta' }, { systemId: 'okta-sso', systemSource: 'keyword', startTier: 2 }],
    [
      'the longer name wins: Okta Workflows, not Okta',
      { summary: 'My Okta Workflows flow fails every night' },
      { systemId: 'okta-flow', systemSource: 'keyword', startTier: 2 },
    ],
    [
      'a keyword breaks a tie between two names',
      { summary: 'GitLab team member locked out of Okta' },
      { systemId: 'okta-sso', systemSource: 'keyword', startTier: 2 },
    ],
    [
      'an access request stays at Tier 2',
      { type: 'access', summary: 'Need access to the AWS console' },
      { systemId: 'aws', systemSource: 'keyword', startTier: 2 },
    ],
    [
      'a change request starts at Tier 3',
      { type: 'change', summary: 'Add a CNAME record for the status page' },
      { systemId: 'dns', systemSource: 'keyword', startTier: 3 },
    ],
    [
      'a change request for an unknown system goes to Tier 2 triage',
      { type: 'change', summary: 'Please change the printer settings' },
      { systemId: null, systemSource: 'none', startTier: 2 },
    ],
    [
      'a crisis goes straight to Tier 5',
      { type: 'crisis', summary: 'Okta admin account compromised' },
      { systemId: 'okta-sso', systemSource: 'keyword', startTier: 5 },
    ],
    [
      'a crisis about an unknown system still goes to Tier 5',
      { type: 'crisis', summary: 'Suspicious activity everywhere' },
      { systemId: null, systemSource: 'none', startTier: 5 },
    ],
    [
      'Google Groups are not Google Workspace apps',
      { summary: 'Add me to the google group for finance' },
      { systemId: 'goog-groups', systemSource: 'keyword', startTier: 2 },
    ],
    ['Gmail is a Google Workspace app', { summary: 'Gmail is not syncing' }, { systemId: 'goog-apps', systemSource: 'keyword', startTier: 2 }],
    ['SentinelOne by its name', { summary: 'SentinelOne quarantined my build tool' }, { systemId: 'sentinelone', systemSource: 'keyword', startTier: 2 }],
    ['keywords alone find DriveStrike', { summary: 'Lost laptop, please remote wipe it' }, { systemId: 'drivestrike', systemSource: 'keyword', startTier: 2 }],
    [
      'the description is read when the summary says nothing',
      { summary: 'Help please', description: 'My 1Password vault is gone' },
      { systemId: '1password', systemSource: 'keyword', startTier: 2 },
    ],
    [
      'a shadow-IT name beats a managed keyword',
      { summary: "Can't log in to Salesforce" },
      { systemId: null, systemSource: 'keyword', startTier: 2, shadowIt: 'Salesforce' },
    ],
    [
      'a managed name beats a shadow-IT name of the same length',
      { summary: 'Okta tile for Salesforce missing' },
      { systemId: 'okta-sso', systemSource: 'keyword', startTier: 2 },
    ],
    ['an unknown system goes to Tier 2 triage', { summary: 'The printer on floor 3 is jammed' }, { systemId: null, systemSource: 'none', startTier: 2 }],
    ['case and punctuation do not matter', { summary: 'ZOOM-webinar license?' }, { systemId: 'zoom', systemSource: 'keyword', startTier: 2 }],
  ])('%s', (_name, input, expected) => {
    const routing = classify(registry, input);
    expect({ systemId: routing.systemId, systemSource: routing.systemSource, startTier: routing.startTier, shadowIt: routing.shadowIt?.name }).toEqual({
      shadowIt: undefined,
      ...expected,
    });
  });

  it('defaults the type to question', () => {
    expect(classify(registry, { summary: 'How do I use Zoom?' }).type).toBe('question');
  });

  it('explains its decision in one sentence', () => {
    expect(classify(registry, { summary: "Can't log in to Salesforce" }).reason).toMatch(
      /^Salesforce is not managed by Corporate Security: redirect to its owner \(.+\)$/,
    );
    expect(classify(registry, { type: 'change', summary: 'Add a CNAME record' }).reason).toBe(
      'change about Domain Names and DNS (recognised in the text): Tier 3',
    );
  });
});

describe('classify offers Tier 1 guides', () => {
  const urls = (input: RoutingInput) => classify(registry, input).guides.map((g) => g.url);
  const always = [
    'https://handbook.gitlab.com/handbook/security/guides',
    'https://internal.gitlab.com/handbook/security/guides',
    'https://runbooks.gitlab.systems',
  ];

  it('the system’s own guides first, then the seed’s self-service links', () => {
    expect(urls({ summary: 'Locked out of Okta' })).toEqual([...(findSystem(registry, 'okta-sso')?.guides.map((g) => g.url) ?? []), ...always]);
  });

  it('general guides with keywords only when the request mentions them', () => {
    expect(urls({ summary: 'Need access to Zoom webinars' })).toContain(
      'https://handbook.gitlab.com/handbook/it/end-user-services/onboarding-access-requests/access-requests/',
    );
    expect(urls({ summary: 'Zoom webinars keep crashing' })).not.toContain(
      'https://handbook.gitlab.com/handbook/it/end-user-services/onboarding-access-requests/access-requests/',
    );
  });

  it('only the general guides when the system is unknown', () => {
    expect(urls({ summary: 'The printer on floor 3 is jammed' })).toEqual(always);
  });
});

describe('registry lookups', () => {
  it.each([
    ['okta-sso', 'okta-sso'],
    ['Okta SSO', 'okta-sso'],
    ['corpsys::goog-groups', 'goog-groups'],
    ['google groups', 'goog-groups'],
    ['Amazon Web Services (AWS)', 'aws'],
    ['Mainframe', undefined],
  ])('findSystemByName(%j) is %s', (name, id) => {
    expect(findSystemByName(registry, name)?.id).toBe(id);
  });

  it('findSystem matches ids exactly', () => {
    expect(findSystem(registry, 'okta-sso')?.name).toBe('Okta SSO');
    expect(findSystem(registry, 'Okta SSO')).toBeUndefined();
  });

  it('findShadowIt ignores case and tierGroup finds the group of a tier', () => {
    expect(findShadowIt(registry, 'salesforce')?.name).toBe('Salesforce');
    expect(tierGroup(registry, 2)).toMatchObject({ slackGroup: 'it-helpdesk-analysts', channel: '#it_help' });
  });
});
