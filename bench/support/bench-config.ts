/**
 * The registry the benchmark and the fault harness run with: the built-in one, with an always-open
 * coverage calendar (coverage time = wall time, so clocks fire during the run whatever the day) and
 * short targets where a scenario needs breaches. Plain data, handed to the worker child as JSON.
 */
import type { CoverageCalendar } from '../../domain/calendar.js';
import type { TierflowConfig } from '../../domain/config.js';
import type { ClockTargets } from '../../domain/sla-policy.js';
import { loadConfig } from '../../registry/load.js';

/** Open all week: every instant is coverage time. */
export const ALWAYS_OPEN: CoverageCalendar = {
  timezone: 'UTC',
  windows: ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ start: { day, time: '00:00' }, end: { day: ((day % 7) + 1) as 1, time: '00:00' } })),
  holidays: [],
};

export interface BenchConfigOptions {
  /** Tier 2 P1 targets (ms of coverage time): the clocks the scenarios watch fire. */
  tier2P1: ClockTargets;
  /** Wall-clock ms a resolved request stays reopenable before it closes (short, so lifecycles end). */
  reopenWindowMs: number;
  /** Warning fraction of every clock (default the policy's). */
  warningFraction?: number;
}

/**
 * The built-in registry on an always-open calendar. Only Tier 2 P1 is shortened: other priorities
 * keep their hours-long targets, so a P3 lifecycle is the typical one, without warnings.
 * @example benchConfig({ tier2P1: { firstResponseMs: 60_000, resolutionMs: 3_600_000 }, reopenWindowMs: 2_000 })
 */
export function benchConfig(opts: BenchConfigOptions): TierflowConfig {
  const base = loadConfig();
  const targets = { ...base.policy.targets, '2': { ...base.policy.targets['2'], P1: opts.tier2P1 } };
  return {
    ...base,
    calendar: ALWAYS_OPEN,
    policy: { ...base.policy, targets, reopenWindowMs: opts.reopenWindowMs, warningFraction: opts.warningFraction ?? base.policy.warningFraction },
  };
}
