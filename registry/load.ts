/**
 * Loads the registry folder (the only module that reads configuration files): systems, tiers and
 * general guides, SLA policy, coverage calendar, shifts, the Tier 4 automation thresholds and the
 * shadow-IT tech stack. Every file is validated with zod and cross-checked; any problem stops the
 * process at start with a `ConfigError` that names the file, the path inside it, the line and the
 * problem, e.g. `systems.yaml: systems[3].gitlabLabel (line 42): must start with "corpsys::"`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_AUTOMATION_POLICY, type AutomationPolicy } from '../domain/automation-candidates.js';
import type { TierflowConfig } from '../domain/config.js';
import { normalizeText, systemNames, type Registry } from '../domain/registry.js';
import type { ShiftConfig } from '../domain/shifts.js';
import { automationFile, calendarFile, policyFile, shiftsFile, systemsFile, tiersFile } from './schema.js';
import { importTechStack } from './tech-stack.js';

/** The registry folder shipped with tierflow (this folder). */
export const DEFAULT_CONFIG_DIR = dirname(fileURLToPath(import.meta.url));

/** The files of a registry folder. */
export const CONFIG_FILES = {
  systems: 'systems.yaml',
  tiers: 'tiers.yaml',
  policy: 'sla-policy.yaml',
  calendar: 'calendar.yaml',
  shifts: 'shifts.yaml',
  automation: 'automation.yaml',
  techStack: 'tech_stack.yml',
} as const;

/** One problem in one file. */
export interface ConfigIssue {
  file: string;
  /** Where in the file, e.g. `systems[3].gitlabLabel`; `(top level)` for the whole document. */
  path: string;
  line?: number;
  problem: string;
}

/** The configuration cannot be used; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.file}: ${i.path}${i.line === undefined ? '' : ` (line ${i.line})`}: ${i.problem}`).join('\n'));
  }
}

type Path = ReadonlyArray<PropertyKey>;

/** `['systems', 3, 'gitlabLabel']` → `systems[3].gitlabLabel`. */
export function formatPath(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

interface YamlFile {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** The line of the node at `path`, when the document has one there. */
function lineOf(source: YamlFile, path: Path): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = source.doc.getIn(path.slice(0, length) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return source.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Collects issues across all files so one start-up attempt reports everything. */
class Issues {
  readonly list: ConfigIssue[] = [];
  add(source: YamlFile | string, path: Path, problem: string): void {
    const file = typeof source === 'string' ? source : source.file;
    const line = typeof source === 'string' ? undefined : lineOf(source, path);
    this.list.push({ file, path: formatPath(path), ...(line === undefined ? {} : { line }), problem });
  }
}

function readYaml(dir: string, file: string, issues: Issues, optional = false): YamlFile | undefined {
  const fullPath = join(dir, file);
  if (!existsSync(fullPath)) {
    if (!optional) issues.add(file, [], `file not found in ${dir}`);
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(fullPath, 'utf8'), { lineCounter: lines });
  for (const error of doc.errors) {
    const line = error.linePos?.[0]?.line;
    const problem = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    issues.list.push({ file, path: '(yaml syntax)', ...(line === undefined ? {} : { line }), problem });
  }
  return doc.errors.length > 0 ? undefined : { file, doc, lines };
}

/** Parses one file with its schema, recording issues; `undefined` when invalid. */
function validate<S extends z.ZodType>(source: YamlFile | undefined, schema: S, issues: Issues): z.output<S> | undefined {
  if (!source) return undefined;
  const result = schema.safeParse(source.doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.add(source, [...issue.path, key], 'unknown key');
    } else if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
      issues.add(source, issue.path, `is required (${issue.expected})`);
    } else {
      issues.add(source, issue.path, issue.message);
    }
  }
  return undefined;
}

/** Duplicate ids, labels and names across systems; tiers 2–5 present once; shift names unique. */
function crossCheck(
  files: Record<'systems' | 'tiers' | 'shifts', YamlFile | undefined>,
  registry: Registry | undefined,
  shifts: ShiftConfig | undefined,
  issues: Issues,
): void {
  const claimedBy = new Map<string, number>();
  registry?.systems.forEach((system, i) => {
    const claims: Array<[string, string, Path]> = [
      ['id', system.id, ['systems', i, 'id']],
      ['label', system.gitlabLabel, ['systems', i, 'gitlabLabel']],
      ...systemNames(system).map((name): [string, string, Path] => {
        const alias = system.aliases.findIndex((a) => normalizeText(a) === name);
        return ['name or alias', name, alias >= 0 ? ['systems', i, 'aliases', alias] : ['systems', i, 'name']];
      }),
    ];
    for (const [kind, value, path] of claims) {
      const key = `${kind}:${value}`;
      const other = claimedBy.get(key);
      if (other === undefined) claimedBy.set(key, i);
      else if (other !== i && files.systems)
        issues.add(files.systems, path, `duplicate ${kind} "${value}", already used by systems[${other}] (${registry.systems[other]?.id})`);
    }
  });
  const tiers = registry?.tiers ?? [];
  if (files.tiers && registry) {
    tiers.forEach((group, i) => {
      if (tiers.findIndex((g) => g.tier === group.tier) !== i) issues.add(files.tiers as YamlFile, ['tiers', i, 'tier'], `duplicate tier ${group.tier}`);
    });
    for (const tier of [2, 3, 4, 5]) if (!tiers.some((g) => g.tier === tier)) issues.add(files.tiers, ['tiers'], `missing tier ${tier}`);
  }
  shifts?.shifts.forEach((shift, i, all) => {
    if (all.findIndex((s) => s.name === shift.name) !== i && files.shifts) issues.add(files.shifts, ['shifts', i, 'name'], `duplicate shift "${shift.name}"`);
  });
}

/**
 * The automation policy: `automation.yaml` when there is one (else the built-in thresholds), its
 * `gitlabGroup` defaulting to Tier 4's group in `tiers.yaml`.
 */
function automationPolicy(
  source: YamlFile | undefined,
  file: z.output<typeof automationFile> | undefined,
  registry: Registry | undefined,
  issues: Issues,
): AutomationPolicy | undefined {
  const tier4Group = registry?.tiers.find((t) => t.tier === 4)?.gitlabGroup;
  if (!source) return { ...DEFAULT_AUTOMATION_POLICY, gitlabGroup: tier4Group ?? DEFAULT_AUTOMATION_POLICY.gitlabGroup };
  if (!file) return undefined;
  const gitlabGroup = file.gitlabGroup ?? tier4Group;
  if (gitlabGroup === undefined) {
    if (registry) issues.add(source, ['gitlabGroup'], `is required: ${CONFIG_FILES.tiers} names no gitlabGroup for Tier 4`);
    return undefined;
  }
  return { ...file, gitlabGroup };
}

/**
 * Loads and validates the registry folder `dir`. Throws a {@link ConfigError} listing every
 * problem found; `tech_stack.yml` is optional and parsed leniently (skipped entries become warnings).
 */
export function loadConfig(dir: string = DEFAULT_CONFIG_DIR): TierflowConfig {
  const issues = new Issues();
  const files = {
    systems: readYaml(dir, CONFIG_FILES.systems, issues),
    tiers: readYaml(dir, CONFIG_FILES.tiers, issues),
    policy: readYaml(dir, CONFIG_FILES.policy, issues),
    calendar: readYaml(dir, CONFIG_FILES.calendar, issues),
    shifts: readYaml(dir, CONFIG_FILES.shifts, issues),
    automation: readYaml(dir, CONFIG_FILES.automation, issues, true),
    techStack: readYaml(dir, CONFIG_FILES.techStack, issues, true),
  };
  const systems = validate(files.systems, systemsFile, issues);
  const tiers = validate(files.tiers, tiersFile, issues);
  const policy = validate(files.policy, policyFile, issues);
  const calendars = validate(files.calendar, calendarFile, issues);
  const shifts = validate(files.shifts, shiftsFile, issues);
  const registry: Registry | undefined =
    systems && tiers ? { systems: systems.systems, tiers: tiers.tiers, shadowIt: [], generalGuides: tiers.generalGuides } : undefined;
  crossCheck(files, registry, shifts, issues);
  const automation = automationPolicy(files.automation, validate(files.automation, automationFile, issues), registry, issues);

  const warnings: string[] = [];
  if (!existsSync(join(dir, CONFIG_FILES.automation))) warnings.push(`${CONFIG_FILES.automation}: not found; built-in Tier 4 automation thresholds`);
  if (!existsSync(join(dir, CONFIG_FILES.techStack))) warnings.push(`${CONFIG_FILES.techStack}: not found; no shadow-IT systems`);
  if (files.techStack) {
    const imported = importTechStack(files.techStack.doc.toJS(), systems?.systems ?? []);
    if (!imported) issues.add(files.techStack, [], 'expected a list of tech stack entries (- title: …)');
    else {
      if (registry) registry.shadowIt = imported.shadowIt;
      warnings.push(...imported.skipped.map((line) => `${CONFIG_FILES.techStack}: skipped ${line}`));
    }
  }
  if (issues.list.length > 0 || !registry || !policy || !calendars || !shifts || !automation) throw new ConfigError(issues.list);
  return { registry, policy, calendar: calendars.calendar, crisisCalendar: calendars.crisis, shifts, automation, warnings };
}
