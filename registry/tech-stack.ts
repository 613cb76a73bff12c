/**
 * Shadow-IT systems from a file in the format of GitLab's public `data/tech_stack.yml`: a list of
 * entries with `title`, `business_owner`, `technical_owner`, `group_owner`,
 * `group_owner_slack_channel` and many other keys. Parsed leniently: owners are free text (or
 * lists), keys may be missing or `null`; an entry that cannot be used is skipped and reported,
 * never fatal. Systems Corporate Security manages are skipped too: they are routed to their
 * system owners through `systems.yaml`.
 */
import { findSystemByName, normalizeText, type ShadowItSystem, type SystemEntry } from '../domain/registry.js';

/** Shadow-IT systems found, and one line per skipped entry. */
export interface TechStackImport {
  shadowIt: ShadowItSystem[];
  skipped: string[];
}

const UNKNOWN = new Set(['', 'null', 'tbd', 'unknown', 'n/a', 'na', 'none', '-']);

/** A free-text field as a string: strings trimmed, lists joined, placeholders (`null`, `TBD`) dropped. */
function freeText(value: unknown): string | undefined {
  const parts = (Array.isArray(value) ? value : [value])
    .filter((part): part is string | number => typeof part === 'string' || typeof part === 'number')
    .map((part) => String(part).trim())
    .filter((part) => !UNKNOWN.has(part.toLowerCase()));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const OWNER_FIELDS = [
  ['technical_owner', 'technical owner'],
  ['business_owner', 'business owner'],
  ['group_owner', 'group'],
] as const;

/**
 * Reads the parsed YAML document of a tech stack file. Returns `undefined` when the document is
 * not a list at all (a broken file, which the loader reports as an error).
 */
export function importTechStack(doc: unknown, managed: SystemEntry[]): TechStackImport | undefined {
  if (doc === null || doc === undefined) return { shadowIt: [], skipped: [] };
  if (!Array.isArray(doc)) return undefined;
  const registry = { systems: managed, tiers: [], shadowIt: [], generalGuides: [] };
  const shadowIt: ShadowItSystem[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  doc.forEach((entry: unknown, index) => {
    const where = `[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      skipped.push(`${where}: not a mapping`);
      return;
    }
    const fields = entry as Record<string, unknown>;
    const name = freeText(fields.title);
    if (name === undefined) {
      skipped.push(`${where}: no title`);
      return;
    }
    const label = `${where} "${name}"`;
    const system = findSystemByName(registry, name);
    if (system) {
      skipped.push(`${label}: managed by Corporate Security as ${system.id} (see systems.yaml)`);
      return;
    }
    if (seen.has(normalizeText(name))) {
      skipped.push(`${label}: duplicate title`);
      return;
    }
    const owners = OWNER_FIELDS.flatMap(([key, role]) => {
      const value = freeText(fields[key]);
      return value === undefined ? [] : [`${role}: ${value}`];
    });
    if (owners.length === 0) {
      skipped.push(`${label}: no owner (technical_owner, business_owner and group_owner are all missing)`);
      return;
    }
    seen.add(normalizeText(name));
    const slackChannel = freeText(fields.group_owner_slack_channel);
    shadowIt.push({ name, owners: owners.join('; '), ...(slackChannel === undefined ? {} : { slackChannel }) });
  });
  return { shadowIt, skipped };
}
