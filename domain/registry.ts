/**
 * The registry: the systems Corporate Security manages (the seed's table), the tier groups,
 * shadow-IT systems with their owners, and the general Tier 1 guides. Types and pure lookups
 * only; `registry/load.ts` reads and validates the YAML files.
 */
import type { Tier } from './types.js';

/** A self-service guide or runbook offered at Tier 1. */
export interface GuideLink {
  title: string;
  url: string;
  /** General guides only: offered when one of these words appears in the request; none → always offered. */
  keywords?: string[];
}

/** A system managed by Corporate Security (one row of the seed's table). */
export interface SystemEntry {
  /** Stable id, e.g. `okta-sso`. */
  id: string;
  /** Display name, e.g. `Okta SSO`. */
  name: string;
  /** GitLab label in the Corporate Security tracker, e.g. `corpsys::okta-sso`. */
  gitlabLabel: string;
  /** GitLab group of the system owners, e.g. `gitlab-com/gl-security/corp/sys/okta`. */
  gitlabOwners: string;
  /** Slack user group of the system owners, without `@`, e.g. `sysowners-okta-sso`. */
  slackOwners: string;
  /** Issue template for access requests. */
  accessRequestTemplate: string;
  /** Issue template for engineering (change/configuration) issues. */
  issueTemplate: string;
  /** Tier 1 guides and runbooks for this system. */
  guides: GuideLink[];
  /** Other names people use for the system; matched as whole phrases (strong signal). */
  aliases: string[];
  /** Words that hint at the system; matched as whole words (weak signal). */
  keywords: string[];
}

/** The people behind a tier. */
export interface TierGroup {
  tier: Tier;
  name: string;
  /** Slack user group to mention, without `@`. */
  slackGroup: string;
  /** GitLab group to mention, when the tier works in GitLab. */
  gitlabGroup?: string;
  /** Slack channel where the tier is reached, e.g. `#it_help`. */
  channel?: string;
}

/** A system Corporate Security does not manage; requests about it are redirected to its owner. */
export interface ShadowItSystem {
  name: string;
  /** Free text, as found in the tech stack file (business/technical/group owner). */
  owners: string;
  /** Where the owners take questions, when known (tech stack `group_owner_slack_channel`). */
  slackChannel?: string;
}

/** Everything routing and escalation need to know about systems and people. */
export interface Registry {
  systems: SystemEntry[];
  tiers: TierGroup[];
  shadowIt: ShadowItSystem[];
  /** Tier 1 guides that are not tied to one system (the seed's self-service links). */
  generalGuides: GuideLink[];
}

/** The managed system with this exact id. */
export function findSystem(registry: Registry, id: string): SystemEntry | undefined {
  return registry.systems.find((system) => system.id === id);
}

/** Lower-case words separated by single spaces: `"Okta-SSO!"` → `"okta sso"`. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Every name a system answers to: id, name, label suffix and aliases, normalized. */
export function systemNames(system: SystemEntry): string[] {
  const label = system.gitlabLabel.replace(/^corpsys::/, '');
  return [...new Set([system.id, system.name, label, ...system.aliases].map(normalizeText).filter((name) => name !== ''))];
}

/** The managed system a person means by `name` (id, name, label or alias; case and punctuation ignored). */
export function findSystemByName(registry: Registry, name: string): SystemEntry | undefined {
  const wanted = normalizeText(name.replace(/^corpsys::/i, ''));
  return findSystem(registry, name) ?? registry.systems.find((system) => systemNames(system).includes(wanted));
}

/** The shadow-IT system called `name` (case and punctuation ignored). */
export function findShadowIt(registry: Registry, name: string): ShadowItSystem | undefined {
  const wanted = normalizeText(name);
  return registry.shadowIt.find((system) => normalizeText(system.name) === wanted);
}

/** The group behind a tier. */
export function tierGroup(registry: Registry, tier: Tier): TierGroup | undefined {
  return registry.tiers.find((group) => group.tier === tier);
}
