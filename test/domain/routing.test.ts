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

/** `[request as written in #it_help, expected system id (null: none), starting tier, shadow-IT system]`. */
type Case = [RoutingInput, string | null, Routing['startTier'], string?];
const ask = (summary: string, more: Partial<RoutingInput> = {}): RoutingInput => ({ summary, ...more });

/** One or more questions per system of registry/systems.yaml. */
const BY_SYSTEM: Case[] = [
  [ask("Can't find the shared vault in 1Password"), '1password', 2],
  [ask('1Password asks for my secret key on my new laptop'), '1password', 2],
  [ask('Who can share a password manager vault with a contractor?'), '1password', 2],
  [ask('Role based access for the new Finance role is missing entitlements'), 'accessctl', 2],
  [ask('need access to the AWS prod account', { type: 'access' }), 'aws', 2],
  [ask('Lost access to our S3 bucket after the IAM role change'), 'aws', 2],
  [ask("Can't sign in to the Azure portal"), 'azure', 2],
  [ask('Need an Azure subscription for the ML experiments', { type: 'access' }), 'azure', 2],
  [ask('Who can change nameservers at our domain registrar?'), 'dns', 2],
  [ask('TXT record for domain verification of the new marketing site', { type: 'change' }), 'dns', 3],
  [ask('laptop stolen'), 'drivestrike', 2],
  [ask('my laptop was stolen at the airport'), 'drivestrike', 2],
  [ask('lost my laptop'), 'drivestrike', 2],
  [ask('My MacBook was stolen from my car'), 'drivestrike', 2],
  [ask('I think I left my laptop on the train'), 'drivestrike', 2],
  [ask('DriveStrike agent will not install on my Linux laptop'), 'drivestrike', 2],
  [ask('My personal access token for GitLab expired'), 'gitlab', 2],
  [ask('Please add me as a maintainer on the security repo', { type: 'access' }), 'gitlab', 2],
  [ask('GCP project for the data team'), 'gcp', 2],
  [ask('Who pays the GCP billing account for our project?'), 'gcp', 2],
  [ask('Need a new Google Cloud project with billing enabled', { type: 'access' }), 'gcp', 2],
  [ask('Gmail is not syncing on my phone'), 'goog-apps', 2],
  [ask("Can't share a Google Doc with an external reviewer"), 'goog-apps', 2],
  [ask('My calendar invites are not showing up'), 'goog-apps', 2],
  [ask('Move my Google account to the right organizational unit'), 'goog-org', 2],
  [ask('add me to a Google group', { type: 'access' }), 'goog-groups', 2],
  [ask('Jamf enrollment failed'), 'jamf', 2],
  [ask('Self Service app will not install Docker'), 'jamf', 2],
  [ask('My MacBook will not update to the latest macOS'), 'jamf', 2],
  [ask('Got a Nira alert about a public link on my doc'), 'nira', 2],
  [ask("VPN won't connect"), 'nordlayer', 2],
  [ask('NordLayer keeps disconnecting on hotel wifi'), 'nordlayer', 2],
  [ask("can't log in to Okta after MFA reset"), 'okta-sso', 2],
  [ask('Okta Verify push not arriving on my new phone'), 'okta-sso', 2],
  [ask('My YubiKey was stolen, how do I sign in?'), 'okta-sso', 2],
  [ask('Okta workflow failing'), 'okta-flow', 2],
  [ask('The offboarding flow in Okta Workflows did not remove Zoom'), 'okta-flow', 2],
  [ask('Need an AWS sandbox for a customer demo', { type: 'access' }), 'sandbox-cloud', 2],
  [ask('Need a sandbox AWS account for a customer demo', { type: 'access' }), 'sandbox-cloud', 2],
  [ask('SentinelOne quarantined my file'), 'sentinelone', 2],
  [ask('EDR flagged my Python script as malware'), 'sentinelone', 2],
  [ask('Slack guest account for a contractor', { type: 'access' }), 'slack', 2],
  [ask('Please create a private channel for the incident review'), 'slack', 2],
  [ask('Zoom webinar license', { type: 'access' }), 'zoom', 2],
  [ask('My Zoom recordings are missing'), 'zoom', 2],
];

/** The handbook's tier rules. */
const BY_TIER_RULE: Case[] = [
  // An access request stays at Tier 2 with its system (the access-request template).
  [ask('Requesting read-only access to the billing S3 bucket', { type: 'access' }), 'aws', 2],
  // Change and configuration: Tier 3, a GitLab issue with the system's label.
  [ask('DNS record for new subdomain', { type: 'change' }), 'dns', 3],
  [ask('Change the access control policy for contractors', { type: 'change' }), 'accessctl', 3],
  [ask('Please create a mailing list for the APAC sales team', { type: 'change' }), 'goog-groups', 3],
  [ask('Change the Slack message retention for private channels', { type: 'change' }), 'slack', 3],
  // A crisis goes to Tier 5 whatever the system.
  [ask('I entered my Okta password on a phishing site', { type: 'crisis' }), 'okta-sso', 5],
  [ask('Ransomware note found on a shared drive', { type: 'crisis' }), 'goog-apps', 5],
  [ask('Suspicious logins on several accounts at once', { type: 'crisis' }), null, 5],
  // Unknown: Tier 2 triage, for any type but crisis.
  [ask('The office printer prints blank pages'), null, 2],
  [ask('My external monitor flickers'), null, 2],
  [ask('Please change the badge reader hours on floor 2', { type: 'change' }), null, 2],
  // Shadow IT (registry/tech_stack.yml): Tier 2 redirects to the system owner.
  [ask("Can't log in to Workday"), null, 2, 'Workday'],
  [ask('Tableau dashboard will not load'), null, 2, 'Tableau'],
  [ask('Need a Greenhouse seat for a new recruiter', { type: 'access' }), null, 2, 'Greenhouse'],
  [ask('Zendesk macros disappeared'), null, 2, 'Zendesk'],
];

describe('requests phrased the way team members write them reach the right system and tier', () => {
  it.each<Case>([...BY_SYSTEM, ...BY_TIER_RULE])('%j', (input, systemId, startTier, shadowIt) => {
    const routing = classify(registry, input);
    expect({ systemId: routing.systemId, startTier: routing.startTier, shadowIt: routing.shadowIt?.name }).toEqual({ systemId, startTier, shadowIt });
  });

  it('the table has a request for every system of the registry', () => {
    const asked = new Set(BY_SYSTEM.map(([, systemId]) => systemId));
    expect(registry.systems.map((system) => system.id).filter((id) => !asked.has(id))).toEqual([]);
  });
});

describe('what counts in the text', () => {
  it('a pasted link does not name the system: an Okta question linking a gitlab.com issue goes to Okta', () => {
    expect(classify(registry, ask('Okta tile broken, see https://gitlab.com/gitlab-com/gl-security/corp/issue-tracker/-/issues/123')).systemId).toBe(
      'okta-sso',
    );
    expect(classify(registry, ask('App tile gone, details in <https://gitlab.com/gitlab-com/team/-/issues/9|issue 9>')).systemId).toBe('okta-sso');
  });

  it('a link is read when nothing else names a system', () => {
    expect(classify(registry, ask('https://zoom.us/j/123 will not open'))).toMatchObject({ systemId: 'zoom', systemSource: 'keyword' });
  });

  it('words inside a longer phrase found at the same place count once: laptop in "laptop was stolen" is not a Jamf hit', () => {
    expect(classify(registry, ask('my MacBook laptop was stolen')).systemId).toBe('drivestrike');
    expect(classify(registry, ask('my laptop will not boot')).systemId).toBe('jamf');
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
