/**
 * `automation.yaml`: the Tier 4 automation thresholds, validated field by field; the Tier 4 group
 * of `tiers.yaml` is cc'd unless the file names another.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_AUTOMATION_POLICY } from '../../domain/automation-candidates.js';
import { ConfigError, DEFAULT_CONFIG_DIR, loadConfig } from '../../registry/load.js';
import { registryWith, removeFixtures, type FileChange } from './support/fixture.js';

afterAll(removeFixtures);

function errorOf(changes: Record<string, FileChange>): ConfigError {
  try {
    loadConfig(registryWith(changes));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted a broken registry');
}

describe('the automation thresholds', () => {
  it('ship equal to the built-in policy, cc’ing the Tier 4 group of tiers.yaml', () => {
    const config = loadConfig(DEFAULT_CONFIG_DIR);
    expect(config.automation).toEqual(DEFAULT_AUTOMATION_POLICY);
    expect(config.automation.gitlabGroup).toBe(config.registry.tiers.find((t) => t.tier === 4)?.gitlabGroup);
  });

  it('default the GitLab group to Tier 4’s when the file names none', () => {
    const dir = registryWith({
      'automation.yaml': (d) => void delete d.gitlabGroup,
      'tiers.yaml': (d) => void (d.tiers.find((t: { tier: number }) => t.tier === 4).gitlabGroup = 'corp/robots'),
    });
    expect(loadConfig(dir).automation.gitlabGroup).toBe('corp/robots');
  });

  it('fall back to the built-in thresholds without the file, and say so', () => {
    const config = loadConfig(registryWith({ 'automation.yaml': null }));
    expect(config.automation).toEqual(DEFAULT_AUTOMATION_POLICY);
    expect(config.warnings).toContain('automation.yaml: not found; built-in Tier 4 automation thresholds');
  });

  it.each<[string, FileChange, RegExp]>([
    [
      'a threshold of one request',
      (d) => void (d.minRequests = 1),
      /^automation\.yaml: minRequests \(line \d+\): must be at least 2 \(one request is not a pattern\)$/m,
    ],
    ['a fractional threshold', (d) => void (d.minRequests = 2.5), /^automation\.yaml: minRequests \(line \d+\): must be a whole number$/m],
    ['a window written as words', (d) => void (d.windowDays = 'thirty'), /^automation\.yaml: windowDays \(line \d+\): must be a whole number of days$/m],
    ['a window over a year', (d) => void (d.windowDays = 400), /^automation\.yaml: windowDays \(line \d+\): must be 1 to 365 days$/m],
    ['a similarity of 0', (d) => void (d.similarity = 0), /^automation\.yaml: similarity \(line \d+\): must be above 0 and at most 1$/m],
    ['a similarity over 1', (d) => void (d.similarity = 1.5), /^automation\.yaml: similarity \(line \d+\): must be above 0 and at most 1$/m],
    [
      'a label that is not scoped',
      (d) => void (d.label = 'automation'),
      /^automation\.yaml: label \(line \d+\): must be a scoped GitLab label such as automation::candidate/m,
    ],
    ['a label with a comma', (d) => void (d.tierLabel = 'tier::4,x'), /^automation\.yaml: tierLabel \(line \d+\): must be a scoped GitLab label/m],
    [
      'a group written as a mention',
      (d) => void (d.gitlabGroup = '@corp/automation'),
      /^automation\.yaml: gitlabGroup \(line \d+\): must be a GitLab group path/m,
    ],
    ['a missing threshold', (d) => void delete d.minRequests, /^automation\.yaml: minRequests \(line \d+\): is required \(number\)$/m],
    ['a misspelt key', (d) => void (d.minRequest = 3), /^automation\.yaml: minRequest \(line \d+\): unknown key$/m],
  ])('refuse %s, naming the field', (_, change, message) => {
    expect(errorOf({ 'automation.yaml': change }).message).toMatch(message);
  });

  it('need a GitLab group when neither the file nor Tier 4 names one', () => {
    const error = errorOf({
      'automation.yaml': (d) => void delete d.gitlabGroup,
      'tiers.yaml': (d) => void delete d.tiers.find((t: { tier: number }) => t.tier === 4).gitlabGroup,
    });
    expect(error.issues).toEqual([
      { file: 'automation.yaml', path: 'gitlabGroup', line: expect.any(Number), problem: 'is required: tiers.yaml names no gitlabGroup for Tier 4' },
    ]);
  });
});
