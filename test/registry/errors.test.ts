/**
 * A bad registry stops tierflow at start with a ConfigError naming the file, the path inside it,
 * the line and the problem. Each case copies the shipped registry to a temporary folder and
 * breaks one thing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../registry/load.js';
import { registryWith, removeFixtures, type FileChange } from './support/fixture.js';

afterAll(removeFixtures);

/** Loads a broken registry and returns the ConfigError it must throw. */
function errorOf(changes: Record<string, FileChange>): ConfigError {
  const dir = registryWith(changes);
  try {
    loadConfig(dir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted a broken registry');
}

describe('a bad registry file is refused with file, path, line and problem', () => {
  it.each<[string, Record<string, FileChange>, RegExp]>([
    // systems.yaml
    [
      'a label without corpsys::',
      { 'systems.yaml': (d) => void (d.systems[3].gitlabLabel = 'azure') },
      /^systems\.yaml: systems\[3\]\.gitlabLabel \(line \d+\): must start with "corpsys::"$/m,
    ],
    [
      'a missing Slack group',
      { 'systems.yaml': (d) => void delete d.systems[0].slackOwners },
      /^systems\.yaml: systems\[0\]\.slackOwners \(line \d+\): is required \(string\)$/m,
    ],
    [
      'a Slack group written with @',
      { 'systems.yaml': (d) => void (d.systems[14].slackOwners = '@sysowners-okta-sso') },
      /^systems\.yaml: systems\[14\]\.slackOwners \(line \d+\): must be a Slack handle without "@"/m,
    ],
    [
      'a misspelt key',
      { 'systems.yaml': (d) => void (d.systems[2].gitlablabel = 'x') },
      /^systems\.yaml: systems\[2\]\.gitlablabel \(line \d+\): unknown key$/m,
    ],
    [
      'a duplicate id',
      { 'systems.yaml': (d) => void (d.systems[5].id = 'dns') },
      /^systems\.yaml: systems\[5\]\.id \(line \d+\): duplicate id "dns", already used by systems\[4\] \(dns\)$/m,
    ],
    [
      'a duplicate label',
      { 'systems.yaml': (d) => void (d.systems[15].gitlabLabel = 'corpsys::okta-sso') },
      /^systems\.yaml: systems\[15\]\.gitlabLabel \(line \d+\): duplicate label "corpsys::okta-sso", already used by systems\[14\] \(okta-sso\)$/m,
    ],
    [
      'an alias claimed by two systems',
      { 'systems.yaml': (d) => void d.systems[15].aliases.push('Okta') },
      /^systems\.yaml: systems\[15\]\.aliases\[4\] \(line \d+\): duplicate name or alias "okta", already used by systems\[14\] \(okta-sso\)$/m,
    ],
    [
      'a guide that is not a URL',
      { 'systems.yaml': (d) => void (d.systems[0].guides[0].url = 'handbook page') },
      /^systems\.yaml: systems\[0\]\.guides\[0\]\.url \(line \d+\): must be a URL$/m,
    ],
    [
      'a YAML syntax error',
      { 'systems.yaml': 'systems:\n  - id: zoom\n    name: [Zoom\n' },
      /^systems\.yaml: \(yaml syntax\) \(line 4\): Flow sequence in block collection must be sufficiently indented and end with a \]$/m,
    ],
    // tiers.yaml
    [
      'a missing tier',
      { 'tiers.yaml': (d) => void (d.tiers = d.tiers.filter((t: { tier: number }) => t.tier !== 4)) },
      /^tiers\.yaml: tiers \(line \d+\): missing tier 4$/m,
    ],
    ['a tier that does not exist', { 'tiers.yaml': (d) => void (d.tiers[0].tier = 6) }, /^tiers\.yaml: tiers\[0\]\.tier \(line \d+\): must be a tier 1…5$/m],
    // sla-policy.yaml
    [
      'a warning fraction of 1.5',
      { 'sla-policy.yaml': (d) => void (d.warningFraction = 1.5) },
      /^sla-policy\.yaml: warningFraction \(line \d+\): must be between 0 and 1 \(exclusive\)$/m,
    ],
    [
      'a warning fraction of 0',
      { 'sla-policy.yaml': (d) => void (d.warningFraction = 0) },
      /^sla-policy\.yaml: warningFraction \(line \d+\): must be between 0 and 1 \(exclusive\)$/m,
    ],
    [
      'a duration in words',
      { 'sla-policy.yaml': (d) => void (d.targets.tier2.P2.firstResponse = 'four hours') },
      /^sla-policy\.yaml: targets\.tier2\.P2\.firstResponse \(line \d+\): "four hours" is not a positive duration such as 30m, 4h, 2d or 1h 30m$/m,
    ],
    [
      'a first response longer than the resolution',
      { 'sla-policy.yaml': (d) => void (d.targets.tier3.P1.firstResponse = '9h') },
      /^sla-policy\.yaml: targets\.tier3\.P1\.firstResponse \(line \d+\): firstResponse must not be longer than resolution$/m,
    ],
    [
      'a missing priority',
      { 'sla-policy.yaml': (d) => void delete d.targets.tier5.P4 },
      /^sla-policy\.yaml: targets\.tier5\.P4 \(line \d+\): is required \(object\)$/m,
    ],
    [
      'an unknown default priority',
      { 'sla-policy.yaml': (d) => void (d.defaultPriority = 'P0') },
      /^sla-policy\.yaml: defaultPriority \(line \d+\): Invalid option: expected one of "P1"\|"P2"\|"P3"\|"P4"$/m,
    ],
    // calendar.yaml
    [
      'an unknown time zone',
      { 'calendar.yaml': (d) => void (d.timezone = 'Europe/Londres') },
      /^calendar\.yaml: timezone \(line \d+\): "Europe\/Londres" is not an IANA time zone/m,
    ],
    [
      'a time of 24:00',
      { 'calendar.yaml': (d) => void (d.windows[0].end.time = '24:00') },
      /^calendar\.yaml: windows\[0\]\.end\.time \(line \d+\): "24:00" is not a time HH:mm \(00:00–23:59\)$/m,
    ],
    [
      'a time without leading zero',
      { 'calendar.yaml': (d) => void (d.windows[0].start.time = '9:00') },
      /^calendar\.yaml: windows\[0\]\.start\.time \(line \d+\): "9:00" is not a time HH:mm/m,
    ],
    [
      'a day that is not a weekday',
      { 'calendar.yaml': (d) => void (d.windows[0].start.day = 'Funday') },
      /^calendar\.yaml: windows\[0\]\.start\.day \(line \d+\): "Funday" is not a weekday \(Mon…Sun or 1…7\)$/m,
    ],
    [
      'a holiday that is not a date',
      { 'calendar.yaml': (d) => void (d.holidays = ['2024-12-25', '2024-02-30']) },
      /^calendar\.yaml: holidays\[1\] \(line \d+\): "2024-02-30" is not a date YYYY-MM-DD$/m,
    ],
    [
      'no window at all',
      { 'calendar.yaml': (d) => void (d.windows = []) },
      /^calendar\.yaml: windows \(line \d+\): needs at least one window, or SLA clocks would never run$/m,
    ],
    // shifts.yaml
    [
      'a shift in an unknown zone',
      { 'shifts.yaml': (d) => void (d.shifts[1].timezone = 'Europe/Atlantis') },
      /^shifts\.yaml: shifts\[1\]\.timezone \(line \d+\): "Europe\/Atlantis" is not an IANA time zone/m,
    ],
    [
      'a shift with an empty rotation',
      { 'shifts.yaml': (d) => void (d.shifts[2].rotation = []) },
      /^shifts\.yaml: shifts\[2\]\.rotation \(line \d+\): needs at least one week of analysts$/m,
    ],
    [
      'two shifts with one name',
      { 'shifts.yaml': (d) => void (d.shifts[2].name = 'APAC') },
      /^shifts\.yaml: shifts\[2\]\.name \(line \d+\): duplicate shift "APAC"$/m,
    ],
    [
      'a shift holiday that is not a date',
      { 'shifts.yaml': (d) => void (d.shifts[0].holidays = ['2026-12-25', '25/12/2026']) },
      /^shifts\.yaml: shifts\[0\]\.holidays\[1\] \(line \d+\): "25\/12\/2026" is not a date YYYY-MM-DD$/m,
    ],
    // files
    ['a missing file', { 'calendar.yaml': null }, /^calendar\.yaml: \(top level\): file not found in /m],
    [
      'a tech stack that is not a list',
      { 'tech_stack.yml': 'title: Salesforce\n' },
      /^tech_stack\.yml: \(top level\) \(line 1\): expected a list of tech stack entries/m,
    ],
  ])('%s', (_name, changes, message) => {
    expect(errorOf(changes).message).toMatch(message);
  });

  it('reports every problem in every file at once, one per line', () => {
    const error = errorOf({
      'calendar.yaml': (d) => void (d.timezone = 'Nowhere/Land'),
      'sla-policy.yaml': (d) => void (d.warningFraction = 2),
    });
    expect(error.issues.map((i) => `${i.file}: ${i.path}`)).toEqual(['sla-policy.yaml: warningFraction', 'calendar.yaml: timezone']);
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('points at the line of the offending key', () => {
    const error = errorOf({
      'calendar.yaml': 'timezone: UTC\nwindows:\n  - start: { day: Mon, time: "00:00" }\n    end: { day: Sat, time: "25:00" }\nholidays: []\n',
    });
    expect(error.issues).toEqual([{ file: 'calendar.yaml', path: 'windows[0].end.time', line: 4, problem: '"25:00" is not a time HH:mm (00:00–23:59)' }]);
  });

  it('accepts a registry without tech_stack.yml, with a warning', () => {
    const config = loadConfig(registryWith({ 'tech_stack.yml': null }));
    expect(config.registry.shadowIt).toEqual([]);
    expect(config.warnings).toEqual(['tech_stack.yml: not found; no shadow-IT systems']);
  });
});
