/** Registry lookups on a small hand-made registry: names people use for systems, shadow IT and tier groups. */
import { describe, expect, it } from 'vitest';

import { findShadowIt, findSystem, findSystemByName, normalizeText, systemNames, tierGroup, type Registry, type SystemEntry } from '../../domain/registry.js';
import { classify } from '../../domain/routing.js';

const system = (id: string, more: Partial<SystemEntry> = {}): SystemEntry => ({
  id,
  name: id,
  gitlabLabel: `corpsys::${id}`,
  gitlabOwners: `corp/sys/${id}`,
  slackOwners: `sysowners-${id}`,
  accessRequestTemplate: `access-request-${id}`,
  issueTemplate: `corpsys-${id}`,
  guides: [],
  aliases: [],
  keywords: [],
  ...more,
});

const okta = system('okta-sso', {
  name: 'Okta SSO',
  gitlabLabel: 'corpsys::okta-login',
  aliases: ['Okta', '!!!', 'single sign-on'],
  keywords: ['mfa', 'locked out'],
});
const vpn = system('vpn', { name: 'NordLayer', aliases: ['vpn'], keywords: ['tunnel', '--'] });
const mail = system('mail', {
  name: 'Mail',
  keywords: ['tunnel'],
  guides: [
    { title: 'Mail guide', url: 'https://guides/mail' },
    { title: 'Shared', url: 'https://guides/shared' },
  ],
});

const registry: Registry = {
  systems: [okta, vpn, mail],
  tiers: [
    { tier: 2, name: 'Helpdesk', slackGroup: 'helpdesk', channel: '#it_help' },
    { tier: 3, name: 'Engineering', slackGroup: 'engineers' },
  ],
  shadowIt: [{ name: 'Sales Force', owners: 'Sales Ops', slackChannel: '#sales-ops' }],
  generalGuides: [
    { title: 'Always', url: 'https://guides/always' },
    { title: 'Also always', url: 'https://guides/also', keywords: [] },
    { title: 'Shared', url: 'https://guides/shared' },
    { title: 'Access requests', url: 'https://guides/access', keywords: ['access request'] },
  ],
};

describe('normalizeText', () => {
  it.each([
    ['Okta-SSO!', 'okta sso'],
    ['  Okta -- SSO  ', 'okta sso'],
    ['OKTA', 'okta'],
    ['***', ''],
    ['1Password vault', '1password vault'],
  ])('%j reads as %j', (text, normalized) => {
    expect(normalizeText(text)).toBe(normalized);
  });
});

describe('the names of a system', () => {
  it('are its id, name, label without corpsys:: and aliases, normalized, once each, none empty', () => {
    expect(systemNames(okta)).toEqual(['okta sso', 'okta login', 'okta', 'single sign on']);
  });

  it.each([
    ['its exact id', 'okta-sso', 'okta-sso'],
    ['its name in another case', 'OKTA sso', 'okta-sso'],
    ['its label', 'corpsys::okta-login', 'okta-sso'],
    ['its label with CORPSYS in capitals', 'CORPSYS::okta-login', 'okta-sso'],
    ['an alias', 'Single Sign-On', 'okta-sso'],
    ['something that only normalizes to nothing', '???', undefined],
    ['an unknown name', 'mainframe', undefined],
  ])('find the system by %s', (_name, name, id) => {
    expect(findSystemByName(registry, name)?.id).toBe(id);
  });

  it('findSystem matches an id exactly, and nothing else', () => {
    expect(findSystem(registry, 'vpn')).toBe(vpn);
    expect(findSystem(registry, 'NordLayer')).toBeUndefined();
  });
});

describe('shadow IT and tier groups', () => {
  it('finds a shadow-IT system by its name, case and punctuation ignored', () => {
    expect(findShadowIt(registry, 'sales-force')?.owners).toBe('Sales Ops');
    expect(findShadowIt(registry, 'salesforce')).toBeUndefined();
  });

  it.each([
    [2, 'helpdesk'],
    [3, 'engineers'],
    [4, undefined],
  ] as const)('the group behind Tier %i is %s', (tier, group) => {
    expect(tierGroup(registry, tier)?.slackGroup).toBe(group);
  });
});

describe('classify on a small registry', () => {
  it('a tie in names and hits goes to the system listed first', () => {
    expect(classify(registry, { summary: 'The tunnel is down' }).systemId).toBe('vpn');
  });

  it('the longest name found wins over more keyword hits', () => {
    expect(classify(registry, { summary: 'single sign-on through the vpn tunnel' }).systemId).toBe('okta-sso');
  });

  it('more keyword hits break a tie of equally long names', () => {
    expect(classify(registry, { summary: 'vpn or okta? mfa says locked out' }).systemId).toBe('okta-sso');
  });

  it('a keyword or alias that normalizes to nothing never matches, not even an empty text', () => {
    expect(classify(registry, { summary: '---', description: '' })).toMatchObject({ systemId: null, systemSource: 'none', startTier: 2 });
  });

  it('an explicit unknown system with nothing recognisable in the text is unknown, not explicit', () => {
    expect(classify(registry, { system: 'mainframe', summary: 'it is broken' })).toMatchObject({
      systemId: null,
      systemSource: 'none',
      reason: 'question about an unknown system: Tier 2 triage',
    });
  });

  it('a blank explicit system is ignored in favour of the text', () => {
    expect(classify(registry, { system: '  ', summary: 'vpn drops' })).toMatchObject({ systemId: 'vpn', systemSource: 'keyword' });
  });

  it('an explicit system is named in the reason as such', () => {
    expect(classify(registry, { system: 'vpn', type: 'access', summary: 'please' }).reason).toBe('access about NordLayer (named in the request): Tier 2');
  });

  it('an explicit shadow-IT system redirects to its owner', () => {
    expect(classify(registry, { system: 'Sales Force', summary: 'report broken' })).toMatchObject({
      systemId: null,
      systemSource: 'explicit',
      shadowIt: { name: 'Sales Force' },
      reason: 'Sales Force is not managed by Corporate Security: redirect to its owner (Sales Ops)',
    });
  });

  it('a crisis about an unknown system goes to Tier 5 without triage', () => {
    expect(classify(registry, { type: 'crisis', summary: 'everything is down' }).reason).toBe('crisis about an unknown system: Tier 5');
  });

  it('offers the system’s guides, then general ones without keywords or with a keyword in the summary or description, each once', () => {
    const urls = (summary: string, description?: string) =>
      classify(registry, { summary, ...(description === undefined ? {} : { description }) }).guides.map((g) => g.url);
    expect(urls('Mail bounces')).toEqual(['https://guides/mail', 'https://guides/shared', 'https://guides/always', 'https://guides/also']);
    expect(urls('Mail bounces', 'this is an access request')).toContain('https://guides/access');
    expect(urls('nothing known')).toEqual(['https://guides/always', 'https://guides/also', 'https://guides/shared']);
  });
});
