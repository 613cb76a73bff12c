/** The registry shipped in registry/: complete, exact to the seed, and equal to the built-in defaults. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { findSystem } from '../../domain/registry.js';
import { onShift } from '../../domain/shifts.js';
import { DEFAULT_SLA_POLICY } from '../../domain/sla-policy.js';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../registry/load.js';

const config = loadConfig(DEFAULT_CONFIG_DIR);

/** The seed's table ("Getting Help", Tier 3): system, label, GitLab.com mention, Slack group. */
const SEED_TABLE = [
  ['1Password', 'corpsys::1password', 'gitlab-com/gl-security/corp/sys/1password', '@sysowners-1password'],
  ['Access Control', 'corpsys::accessctl', 'gitlab-com/gl-security/corp/sys/accessctl', '@sysowners-accessctl'],
  ['Amazon Web Services (AWS)', 'corpsys::aws', 'gitlab-com/gl-security/corp/sys/aws', '@sysowners-aws'],
  ['Azure', 'corpsys::azure', 'gitlab-com/gl-security/corp/sys/azure', '@sysowners-azure'],
  ['Domain Names and DNS', 'corpsys::dns', 'gitlab-com/gl-security/corp/sys/dns', '@sysowners-dns'],
  ['DriveStrike', 'corpsys::drivestrike', 'gitlab-com/gl-security/corp/sys/drivestrike', '@sysowners-drivestrike'],
  ['GitLab', 'corpsys::gitlab', 'gitlab-com/gl-security/corp/sys/gitlab', '@sysowners-gitlab'],
  ['Google Cloud Platform (GCP)', 'corpsys::gcp', 'gitlab-com/gl-security/corp/sys/gcp', '@sysowners-gcp'],
  ['Google Workspace (Apps)', 'corpsys::goog-apps', 'gitlab-com/gl-security/corp/sys/goog-apps', '@sysowners-goog-apps'],
  ['Google Workspace (Org/Platform)', 'corpsys::goog-org', 'gitlab-com/gl-security/corp/sys/goog-org', '@sysowners-goog-org'],
  ['Google Workspace (Groups)', 'corpsys::goog-groups', 'gitlab-com/gl-security/corp/sys/goog-groups', '@sysowners-goog-groups'],
  ['Jamf MDM', 'corpsys::jamf', 'gitlab-com/gl-security/corp/sys/jamf', '@sysowners-jamf'],
  ['Nira', 'corpsys::nira', 'gitlab-com/gl-security/corp/sys/nira', '@sysowners-nira'],
  ['NordLayer VPN', 'corpsys::nordlayer', 'gitlab-com/gl-security/corp/sys/nordlayer', '@sysowners-nordlayer'],
  ['Okta SSO', 'corpsys::okta-sso', 'gitlab-com/gl-security/corp/sys/okta', '@sysowners-okta-sso'],
  ['Okta Workflows', 'corpsys::okta-flow', 'gitlab-com/gl-security/corp/sys/okta', '@sysowners-okta-flow'],
  ['Sandbox Cloud', 'corpsys::sandbox-cloud', 'gitlab-com/gl-security/corp/sys/sandbox-cloud', '@sysowners-sandbox-cloud'],
  ['SentinelOne EDR', 'corpsys::sentinelone', 'gitlab-com/gl-security/corp/sys/sentinelone', '@sysowners-sentinelone'],
  ['Slack', 'corpsys::slack', 'gitlab-com/gl-security/corp/sys/slack', '@sysowners-slack'],
  ['Zoom', 'corpsys::zoom', 'gitlab-com/gl-security/corp/sys/zoom', '@sysowners-zoom'],
] as const;

describe('the shipped registry', () => {
  it('holds exactly the 20 systems of the seed, in its order', () => {
    expect(config.registry.systems.map((s) => s.name)).toEqual(SEED_TABLE.map(([name]) => name));
  });

  it.each(SEED_TABLE)('%s has the seed’s label %s, GitLab group %s and Slack group %s', (name, label, gitlabGroup, slackGroup) => {
    const system = findSystem(config.registry, label.replace('corpsys::', ''));
    expect(system).toMatchObject({ name, gitlabLabel: label, gitlabOwners: gitlabGroup, slackOwners: slackGroup.slice(1) });
    expect(system?.guides.length).toBeGreaterThan(0);
    expect(system?.accessRequestTemplate).not.toBe('');
    expect(system?.issueTemplate).not.toBe('');
  });

  it('has a group for every tier, with Tier 2 in #it_help', () => {
    expect(config.registry.tiers.map((t) => t.tier)).toEqual([1, 2, 3, 4, 5]);
    expect(config.registry.tiers.find((t) => t.tier === 2)?.channel).toBe('#it_help');
  });

  it('offers the seed’s three Tier 1 self-service links with every request', () => {
    const always = config.registry.generalGuides.filter((g) => !g.keywords?.length).map((g) => g.title);
    expect(always).toEqual(['Public Handbook Security Guides', 'Internal Handbook Security Guides', 'Systems Runbooks']);
  });

  it('equals the built-in SLA policy and calendar, so code defaults and YAML never drift', () => {
    expect(config.policy).toEqual(DEFAULT_SLA_POLICY);
    expect(config.calendar).toEqual(DEFAULT_CALENDAR);
  });

  it('imports shadow-IT systems from tech_stack.yml and reports the entries it skipped', () => {
    expect(config.registry.shadowIt.map((s) => s.name)).toEqual(['Salesforce', 'Zendesk', 'Marketo', 'Workday', 'Greenhouse', 'Tableau']);
    expect(config.warnings).toEqual([
      'tech_stack.yml: skipped [6] "Figma": no owner (technical_owner, business_owner and group_owner are all missing)',
      'tech_stack.yml: skipped [7]: no title',
      'tech_stack.yml: skipped [8] "Okta": managed by Corporate Security as okta-sso (see systems.yaml)',
      'tech_stack.yml: skipped [9] "Zoom": managed by Corporate Security as zoom (see systems.yaml)',
      'tech_stack.yml: skipped [10] "Salesforce": duplicate title',
    ]);
  });

  it.each([
    ['a January week', Date.UTC(2024, 0, 8)],
    ['a July week (summer time in London and New York)', Date.UTC(2024, 6, 8)],
    ['a March week when only the US has changed clocks', Date.UTC(2024, 2, 11)],
    ['an October week when Europe has changed back but the US has not', Date.UTC(2024, 9, 28)],
  ])('staffs every half hour of the 24x5 UTC window with a follow-the-sun shift in %s', (_name, monday) => {
    const uncovered: string[] = [];
    for (let t = monday; t < monday + 5 * 86_400_000; t += 30 * 60_000) {
      if (onShift(config.shifts, t).length === 0) uncovered.push(new Date(t).toISOString());
    }
    expect(uncovered).toEqual([]);
  });
});
