import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_POLICY, targetsFor } from '../../domain/sla-policy.js';
import { PRIORITIES, TIERS } from '../../domain/types.js';
import { loadConfig } from '../../registry/load.js';
import { HOUR } from './support/time.js';

describe('the SLA policy', () => {
  it('built in is the team’s registry/sla-policy.yaml, target for target', () => {
    expect(DEFAULT_SLA_POLICY).toEqual(loadConfig().policy);
  });

  it('reminds at 75% of a target, repeats reminders every 2 coverage hours and keeps a request reopenable for 7 days', () => {
    expect(DEFAULT_SLA_POLICY).toMatchObject({ defaultPriority: 'P3', warningFraction: 0.75, reminderIntervalMs: 2 * HOUR, reopenWindowMs: 7 * 24 * HOUR });
  });

  it.each([
    [3, 'P1', HOUR, 8 * HOUR],
    [4, 'P2', 24 * HOUR, 5 * 24 * HOUR],
    [5, 'P1', HOUR / 4, 4 * HOUR],
  ] as const)('looks up Tier %i %s by its own tier', (tier, priority, firstResponseMs, resolutionMs) => {
    expect(targetsFor(DEFAULT_SLA_POLICY, tier, priority)).toEqual({ firstResponseMs, resolutionMs });
  });

  it('gives a P2 at Tier 2 a first response of 4 coverage hours (the design’s example)', () => {
    expect(targetsFor(DEFAULT_SLA_POLICY, 2, 'P2').firstResponseMs).toBe(4 * HOUR);
  });

  it.each(PRIORITIES)('uses the Tier 2 targets for Tier 1 self-service at %s', (priority) => {
    expect(targetsFor(DEFAULT_SLA_POLICY, 1, priority)).toEqual(targetsFor(DEFAULT_SLA_POLICY, 2, priority));
  });

  it.each(TIERS.flatMap((tier) => PRIORITIES.map((priority) => [tier, priority] as const)))(
    'has a first response no longer than the resolution at Tier %d %s',
    (tier, priority) => {
      const targets = targetsFor(DEFAULT_SLA_POLICY, tier, priority);
      expect(targets.firstResponseMs).toBeGreaterThan(0);
      expect(targets.firstResponseMs).toBeLessThanOrEqual(targets.resolutionMs);
    },
  );

  it.each([2, 3, 4, 5] as const)('makes more urgent priorities faster at Tier %d', (tier) => {
    const firstResponses = PRIORITIES.map((priority) => targetsFor(DEFAULT_SLA_POLICY, tier, priority).firstResponseMs);
    expect([...firstResponses].sort((a, b) => a - b)).toEqual(firstResponses);
  });
});
