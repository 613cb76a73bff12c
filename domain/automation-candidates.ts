/**
 * Tier 4 automation candidates: recently resolved requests grouped by system and similar summary.
 * A kind of request that keeps coming back ("Reset my Okta MFA", "okta mfa reset please", "MFA
 * reset for Okta") is worth automating; the handbook's Tier 4 takes it on "as time allows", so a
 * candidate carries no SLA clock, only the count and the coverage time the requests cost.
 *
 * Summaries are compared as sets of word stems (lowercase, URLs, e-mail addresses, numbers,
 * punctuation and filler words removed, plural and verb endings cut), and two requests of one
 * system are similar when the Jaccard index of their sets reaches the threshold; a group is a
 * connected set of similar requests (single link). Pure and independent of the input's order.
 */
import type { AutomationCandidate } from './sla-report.js';

/** When a recurring kind of request becomes a Tier 4 candidate, and how its tracker issue is labelled (`registry/automation.yaml`). */
export interface AutomationPolicy {
  /** Requests of one group, within the window, that make it a candidate. */
  minRequests: number;
  /** How far back resolved requests are read, in days. */
  windowDays: number;
  /** Jaccard index (0..1] of two summaries' word stems at which they are similar. */
  similarity: number;
  /** The label of automation issues, e.g. `automation::candidate`. */
  label: string;
  /** The tier label they carry too, e.g. `tier::4`. */
  tierLabel: string;
  /** The Tier 4 GitLab group cc'd on them (no `@`). */
  gitlabGroup: string;
}

/** Built-in policy, equal to `registry/automation.yaml`. */
export const DEFAULT_AUTOMATION_POLICY: AutomationPolicy = {
  minRequests: 3,
  windowDays: 30,
  similarity: 0.5,
  label: 'automation::candidate',
  tierLabel: 'tier::4',
  gitlabGroup: 'gitlab-com/gl-security/corp/automation',
};

/** What grouping needs of a resolved request (a visibility row such as `RequestListItem` fits). */
export interface ResolvedRequestRow {
  id: string;
  /** The system's registry id; null or `unknown` when none was recognised. */
  system: string | null;
  summary: string | null;
  /** Time to resolution in coverage time, seconds. */
  resolutionSeconds: number | null;
  /** ISO instant it was resolved; rows without one are not resolved and are left out. */
  resolvedAt: string | null;
}

/** One request of a group, as the tracker issue lists it. */
export interface GroupMember {
  id: string;
  summary: string;
  resolutionSeconds: number;
  resolvedAt: string;
}

/** A group of similar requests of one system, with what its tracker issue needs. */
export interface RequestGroup {
  system: string;
  /** The group's name: its most common words, e.g. "okta mfa reset". */
  summary: string;
  /** The stems the name is made of, sorted: what an automation issue is found again by. */
  stems: string[];
  /** Members, oldest resolution first (then by id). */
  members: GroupMember[];
  coverageSeconds: number;
}

/** The system key of requests without a recognised system. */
export const UNKNOWN_SYSTEM = 'unknown';

// English function words and what people add to a help request without saying what it is about.
const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any anyone are as at be been before being but by can cannot cant could did do does doing done ' +
    'for from get gets getting got had has have having hello help hey hi how i im in into is issue issues it its just me my need needed needs ' +
    'no not now of on or our out over please pls plz problem problems request requests same should so some someone still thank thanks that the ' +
    'their them then there these they this those to today too trying unable up urgent asap us via want wanted was we were what when where which ' +
    'who why will with work working would you your'
  ).split(' '),
);

const URLS = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/gi;
const EMAILS = /\S+@\S+/g;
const WORD_SPLIT = /[^\p{L}\p{N}]+/u;

/**
 * A word's stem, by a few suffix rules (no dictionary): plurals, `-ing`, `-ed`, a doubled final
 * consonant and a final `e`, so "resets", "resetting" and "reset" meet, as do "expires" and "expired".
 * @example stem('resetting') // 'reset'
 * @example stem('licenses') // 'licens'
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (/([bdgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** One word of a summary: its stem and the word as written (lowercase). */
export interface SummaryWord {
  stem: string;
  word: string;
}

/**
 * The words of a summary that say what it is about, in order, each stem once.
 * @example summaryWords('Please reset my Okta MFA (ticket 4411) https://x.example/a').map((w) => w.stem) // ['reset', 'okta', 'mfa']
 */
export function summaryWords(summary: string): SummaryWord[] {
  const words = summary
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(URLS, ' ')
    .replace(EMAILS, ' ')
    .split(WORD_SPLIT);
  const seen = new Set<string>();
  const out: SummaryWord[] = [];
  for (const word of words) {
    // Numbers, ids and hashes (three digits or more) say nothing about the kind of request.
    if (word.length < 2 || !/\p{L}/u.test(word) || /\p{N}.*\p{N}.*\p{N}/u.test(word) || STOP_WORDS.has(word)) continue;
    const s = stem(word);
    if (s.length < 2 || STOP_WORDS.has(s) || seen.has(s)) continue;
    seen.add(s);
    out.push({ stem: s, word });
  }
  return out;
}

/**
 * Jaccard index of two stem sets: shared stems over all stems; 0 when both are empty.
 * @example jaccard(new Set(['okta', 'mfa', 'reset']), new Set(['okta', 'mfa'])) // 0.666…
 */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

interface Item {
  row: GroupMember;
  words: SummaryWord[];
  stems: Set<string>;
}

const byResolution = (a: GroupMember, b: GroupMember) => a.resolvedAt.localeCompare(b.resolvedAt) || a.id.localeCompare(b.id);

/** Connected components of the similarity graph (union-find), each sorted by id. */
function components(items: readonly Item[], threshold: number): Item[][] {
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < items.length; i += 1) {
    for (let j = i + 1; j < items.length; j += 1) {
      if (jaccard(items[i]!.stems, items[j]!.stems) >= threshold) parent[root(i)] = root(j);
    }
  }
  const groups = new Map<number, Item[]>();
  items.forEach((item, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), item]));
  return [...groups.values()];
}

const MAX_NAME_WORDS = 5;

/**
 * A group's name: the stems at least half its members share, most common first, then by where they
 * stand in the summaries, then alphabetically; each shown as the word most often written for it.
 */
function nameOf(items: readonly Item[]): { summary: string; stems: string[] } {
  const stats = new Map<string, { count: number; positions: number; words: Map<string, number> }>();
  for (const item of items) {
    item.words.forEach(({ stem: s, word }, position) => {
      const stat = stats.get(s) ?? { count: 0, positions: 0, words: new Map<string, number>() };
      stat.count += 1;
      stat.positions += position;
      stat.words.set(word, (stat.words.get(word) ?? 0) + 1);
      stats.set(s, stat);
    });
  }
  const ranked = [...stats].sort(([a, x], [b, y]) => y.count - x.count || x.positions / x.count - y.positions / y.count || (a < b ? -1 : a > b ? 1 : 0));
  const common = ranked.filter(([, stat]) => stat.count * 2 >= items.length);
  const chosen = (common.length > 0 ? common : ranked.slice(0, 3)).slice(0, MAX_NAME_WORDS);
  const shown = chosen.map(([, stat]) => [...stat.words].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))[0]![0]);
  return { summary: shown.join(' '), stems: chosen.map(([s]) => s).sort() };
}

/** Options of {@link groupSimilarRequests}. */
export interface GroupingOptions {
  /** Jaccard index at which two summaries are similar (0..1]. */
  similarity: number;
  /** Leave out requests resolved before this instant (epoch ms). */
  since?: number;
}

/**
 * Every group of similar resolved requests (of any size), largest first. A request is in at most
 * one group; one without a summary, a resolution or any meaningful word is in none.
 * @example groupSimilarRequests(rows, { similarity: 0.5 })[0] // { system: 'okta-sso', summary: 'mfa okta reset', members: [...], ... }
 */
export function groupSimilarRequests(rows: readonly ResolvedRequestRow[], opts: GroupingOptions): RequestGroup[] {
  // One row per id (visibility lists each request once; a caller's duplicate must not count twice).
  const byId = new Map<string, ResolvedRequestRow>();
  for (const row of rows) {
    const other = byId.get(row.id);
    if (!other || (row.resolvedAt ?? '') > (other.resolvedAt ?? '') || (row.resolvedAt === other.resolvedAt && (row.summary ?? '') > (other.summary ?? ''))) {
      byId.set(row.id, row);
    }
  }
  const bySystem = new Map<string, Item[]>();
  for (const row of byId.values()) {
    if (row.summary === null || row.resolvedAt === null) continue;
    const at = Date.parse(row.resolvedAt);
    if (!Number.isFinite(at) || (opts.since !== undefined && at < opts.since)) continue;
    const words = summaryWords(row.summary);
    if (words.length === 0) continue;
    const system = row.system && row.system.trim() ? row.system : UNKNOWN_SYSTEM;
    const seconds = row.resolutionSeconds !== null && Number.isFinite(row.resolutionSeconds) && row.resolutionSeconds > 0 ? row.resolutionSeconds : 0;
    const item: Item = {
      row: { id: row.id, summary: row.summary, resolutionSeconds: seconds, resolvedAt: new Date(at).toISOString() },
      words,
      stems: new Set(words.map((w) => w.stem)),
    };
    bySystem.set(system, [...(bySystem.get(system) ?? []), item]);
  }
  const groups: RequestGroup[] = [];
  for (const [system, items] of bySystem) {
    // Sorted first: the components do not depend on the order, the arithmetic below must not either.
    const sorted = [...items].sort((a, b) => a.row.id.localeCompare(b.row.id));
    for (const component of components(sorted, opts.similarity)) {
      const members = component.map((item) => item.row).sort(byResolution);
      groups.push({ system, ...nameOf(component), members, coverageSeconds: members.reduce((sum, m) => sum + m.resolutionSeconds, 0) });
    }
  }
  return groups.sort(
    (a, b) =>
      b.members.length - a.members.length ||
      b.coverageSeconds - a.coverageSeconds ||
      a.system.localeCompare(b.system) ||
      a.summary.localeCompare(b.summary) ||
      a.members[0]!.id.localeCompare(b.members[0]!.id),
  );
}

/** A group as the SLA report shows it. */
export function candidateOf(group: RequestGroup, issueUrl?: string | null): AutomationCandidate {
  return {
    system: group.system,
    summary: group.summary,
    count: group.members.length,
    coverageSeconds: group.coverageSeconds,
    requestIds: group.members.map((m) => m.id),
    ...(issueUrl === undefined ? {} : { issueUrl }),
  };
}

/** The groups that recur often enough: at least `minRequests` requests. */
export function recurringGroups(
  rows: readonly ResolvedRequestRow[],
  policy: Pick<AutomationPolicy, 'minRequests' | 'similarity'>,
  since?: number,
): RequestGroup[] {
  const opts = since === undefined ? { similarity: policy.similarity } : { similarity: policy.similarity, since };
  return groupSimilarRequests(rows, opts).filter((g) => g.members.length >= policy.minRequests);
}

/**
 * The Tier 4 automation candidates among resolved requests: groups of similar requests of one
 * system with at least `minRequests` requests, largest first.
 * @example
 * findAutomationCandidates(rows, { minRequests: 3, similarity: 0.5 })
 * // [{ system: 'okta-sso', summary: 'mfa okta reset', count: 3, coverageSeconds: 5400, requestIds: ['req-1', 'req-2', 'req-3'] }]
 */
export function findAutomationCandidates(
  rows: readonly ResolvedRequestRow[],
  policy: Pick<AutomationPolicy, 'minRequests' | 'similarity'>,
  since?: number,
): AutomationCandidate[] {
  return recurringGroups(rows, policy, since).map((g) => candidateOf(g));
}
