/**
 * Routing: which system a request is about, which tier it starts at and which Tier 1 guides
 * answer it at once. Pure and deterministic: the same registry and text always route the same way.
 *
 * System, in order: the explicit `system` field (id, name, label or alias of a managed system,
 * else the name of a shadow-IT system); else the text (summary first, then description): the
 * longest whole-phrase match among managed systems' names/aliases and shadow-IT names (a managed
 * system wins a tie, and among managed systems the most name and keyword hits win), else the
 * managed system with the most keyword hits; else unknown.
 *
 * Two refinements of what the text says: a pasted link (`https://gitlab.com/…`) tells where
 * something lives, not what the request is about, so each text is read without its links first,
 * and with them only when nothing else names a system. And the same words are not evidence for
 * two systems: a keyword found only inside a longer name or keyword found at the same place is
 * not a hit (`laptop` inside DriveStrike's `laptop was stolen` is no hit for Jamf's `laptop`).
 *
 * Tier: question and access → 2; change → 3 (GitLab issue with the system's label); crisis → 5.
 * An unknown system goes to Tier 2 triage, and so does a shadow-IT system (the desk redirects the
 * requester to the system owner); a crisis goes to Tier 5 whatever the system.
 */
import {
  findShadowIt,
  findSystemByName,
  normalizeText,
  systemNames,
  type GuideLink,
  type Registry,
  type ShadowItSystem,
  type SystemEntry,
} from './registry.js';
import type { RequestType, Tier } from './types.js';

/** Where a request goes and what it is offered at intake. */
export interface Routing {
  systemId: string | null;
  /** How the system was found (for a shadow-IT match too); `none` when unknown. */
  systemSource: 'explicit' | 'keyword' | 'none';
  /** Set when the request is about a system Corporate Security does not manage. */
  shadowIt: ShadowItSystem | null;
  type: RequestType;
  startTier: Tier;
  /** Tier 1 guides: the system's own, then the matching general ones. */
  guides: GuideLink[];
  /** One sentence on why, for the timeline. */
  reason: string;
}

/** What routing looks at. */
export interface RoutingInput {
  system?: string;
  type?: RequestType;
  summary: string;
  description?: string;
}

const TIER_BY_TYPE: Record<RequestType, Tier> = { question: 2, access: 2, change: 3, crisis: 5 };

type Span = [start: number, end: number];

/** Where `phrase` occurs as whole words in normalized text padded with spaces: character spans. */
function spansOf(padded: string, phrase: string): Span[] {
  const normalized = normalizeText(phrase);
  const spans: Span[] = [];
  if (normalized === '') return spans;
  const needle = ` ${normalized} `;
  for (let at = padded.indexOf(needle); at >= 0; at = padded.indexOf(needle, at + 1)) spans.push([at + 1, at + 1 + normalized.length]);
  return spans;
}

/** Whole-phrase test on normalized text padded with spaces. */
const has = (padded: string, phrase: string): boolean => spansOf(padded, phrase).length > 0;

/** A pasted link, up to whitespace (or to the `|label>` of a Slack link). */
const LINK = /\bhttps?:\/\/[^\s|>]+/gi;

const wordCount = (phrase: string): number => normalizeText(phrase).split(' ').length;

interface Match<T> {
  item: T;
  /** Words in the longest name or alias found in the text. */
  longest: number;
  /** Names, aliases and keywords found in the text. */
  hits: number;
}

/**
 * The best match: longest name/alias phrase first, then most hits (names + keywords that
 * `counts`), then registry order. So "Okta Workflows" beats "Okta", and "a GitLab team member
 * locked out of Okta" goes to Okta SSO (the keyword "locked out" breaks the GitLab/Okta tie).
 */
function bestMatch<T>(
  items: T[],
  names: (item: T) => string[],
  keywords: (item: T) => string[],
  padded: string,
  counts: (keyword: string) => boolean,
): Match<T> | null {
  let best: Match<T> | null = null;
  for (const item of items) {
    const found = names(item).filter((name) => has(padded, name));
    const longest = Math.max(0, ...found.map(wordCount));
    const hits = found.length + keywords(item).filter(counts).length;
    const better = best === null || longest > best.longest || (longest === best.longest && hits > best.hits);
    if (hits > 0 && better) best = { item, longest, hits };
  }
  return best;
}

type Found = { system: SystemEntry; shadow?: never } | { shadow: ShadowItSystem; system?: never } | null;

/** Finds the system in words (see the module comment). */
function fromWords(registry: Registry, text: string): Found {
  const padded = ` ${normalizeText(text)} `;
  const phrases = [...registry.systems.flatMap((system) => [...systemNames(system), ...system.keywords]), ...registry.shadowIt.map((system) => system.name)];
  const found = phrases.flatMap((phrase) => spansOf(padded, phrase));
  const covered = ([start, end]: Span) => found.some(([s, e]) => s <= start && e >= end && e - s > end - start);
  const counts = (keyword: string) => spansOf(padded, keyword).some((span) => !covered(span));
  const managed = bestMatch(registry.systems, systemNames, (system) => system.keywords, padded, counts);
  const shadow = bestMatch(
    registry.shadowIt,
    (system) => [system.name],
    () => [],
    padded,
    counts,
  );
  if (shadow && (!managed || shadow.longest > managed.longest)) return { shadow: shadow.item };
  return managed ? { system: managed.item } : null;
}

/** Finds the system in one text: its words outside links first, then with its links. */
function fromText(registry: Registry, text: string): Found {
  const withoutLinks = text.replace(LINK, ' ');
  return fromWords(registry, withoutLinks) ?? (withoutLinks === text ? null : fromWords(registry, text));
}

/** Guides for a request: the system's own, then general guides whose keywords match (or that have none). */
function guidesFor(registry: Registry, system: SystemEntry | null, text: string): GuideLink[] {
  const padded = ` ${normalizeText(text)} `;
  const general = registry.generalGuides.filter((guide) => !guide.keywords?.length || guide.keywords.some((k) => has(padded, k)));
  const seen = new Set<string>();
  return [...(system?.guides ?? []), ...general].filter((guide) => !seen.has(guide.url) && seen.add(guide.url));
}

/**
 * Classifies a request: system (explicit, by keyword, or none), shadow IT, type (default
 * `question`), starting tier and Tier 1 guides.
 * @example classify(registry, { summary: 'Locked out of Okta' }) // { systemId: 'okta-sso', startTier: 2, … }
 */
export function classify(registry: Registry, input: RoutingInput): Routing {
  const type = input.type ?? 'question';
  const text = `${input.summary}\n${input.description ?? ''}`;
  let found: Found = null;
  let source: Routing['systemSource'] = 'none';
  if (input.system !== undefined && input.system.trim() !== '') {
    const system = findSystemByName(registry, input.system);
    const shadow = system ? undefined : findShadowIt(registry, input.system);
    found = system ? { system } : shadow ? { shadow } : null;
    if (found) source = 'explicit';
  }
  if (!found) {
    found = fromText(registry, input.summary) ?? fromText(registry, input.description ?? '');
    if (found) source = 'keyword';
  }
  const system = found?.system ?? null;
  const shadowIt = found?.shadow ?? null;
  const startTier: Tier = type === 'crisis' ? 5 : system ? TIER_BY_TYPE[type] : 2;
  const reason = shadowIt
    ? `${shadowIt.name} is not managed by Corporate Security: redirect to its owner (${shadowIt.owners})`
    : system
      ? `${type} about ${system.name} (${source === 'explicit' ? 'named in the request' : 'recognised in the text'}): Tier ${startTier}`
      : `${type} about an unknown system: Tier ${startTier}${type === 'crisis' ? '' : ' triage'}`;
  return { systemId: system?.id ?? null, systemSource: source, shadowIt, type, startTier, guides: guidesFor(registry, system, text), reason };
}
