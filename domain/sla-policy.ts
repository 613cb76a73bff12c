/**
 * The SLA policy: per tier and priority, a first-response and a resolution target in coverage
 * time, plus the warning fraction, the reminder interval after breach and the reopen window.
 * The team's copy lives in `registry/sla-policy.yaml`; this module holds the types, the lookup
 * and the built-in default (kept equal to that file by a test).
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, type Priority, type Tier } from './types.js';

/** First-response and resolution targets, in coverage ms. */
export interface ClockTargets {
  firstResponseMs: number;
  resolutionMs: number;
}

/** Tiers that carry their own targets (Tier 1 is self-service and uses Tier 2's). */
export type TargetTier = '2' | '3' | '4' | '5';

/** The SLA policy. */
export interface SlaPolicy {
  /** Priority of a request that does not state one. */
  defaultPriority: Priority;
  /** Fraction of a target at which the thread is reminded, in (0, 1); default 0.75. */
  warningFraction: number;
  /** After a breach, how often (coverage ms) the reminder repeats. */
  reminderIntervalMs: number;
  /** Wall-clock ms after resolution during which the requester may reopen; after it the request is closed. */
  reopenWindowMs: number;
  targets: Record<TargetTier, Record<Priority, ClockTargets>>;
}

/** The targets for a tier and priority; Tier 1 uses Tier 2's targets. */
export function targetsFor(policy: SlaPolicy, tier: Tier, priority: Priority): ClockTargets {
  const key: TargetTier = tier === 1 ? '2' : (String(tier) as TargetTier);
  return policy.targets[key][priority];
}

const t = (firstResponseMs: number, resolutionMs: number): ClockTargets => ({ firstResponseMs, resolutionMs });
const m = MINUTE_MS;
const h = HOUR_MS;
const d = DAY_MS;

/**
 * Built-in policy, equal to `registry/sla-policy.yaml`. A P2 at Tier 2 must get a first response
 * within 4 coverage hours (the design's example: opened Friday 22:00 UTC, due Monday 02:00 UTC).
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  defaultPriority: 'P3',
  warningFraction: 0.75,
  reminderIntervalMs: 2 * h,
  reopenWindowMs: 7 * d,
  targets: {
    '2': { P1: t(30 * m, 4 * h), P2: t(4 * h, 2 * d), P3: t(8 * h, 5 * d), P4: t(1 * d, 10 * d) },
    '3': { P1: t(1 * h, 8 * h), P2: t(8 * h, 3 * d), P3: t(1 * d, 10 * d), P4: t(2 * d, 20 * d) },
    '4': { P1: t(2 * h, 1 * d), P2: t(1 * d, 5 * d), P3: t(2 * d, 15 * d), P4: t(5 * d, 30 * d) },
    '5': { P1: t(15 * m, 4 * h), P2: t(2 * h, 1 * d), P3: t(1 * d, 5 * d), P4: t(2 * d, 10 * d) },
  },
};
