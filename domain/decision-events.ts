/**
 * What a decision of the request state machine did to its SLA clocks and tiers, typed and emitted
 * where the domain decides: warnings, breaches (with how late their timer was handled), escalations
 * (and why), reminders, and clocks stopped with the coverage time they ran. The workflow maps them
 * to metrics; nothing downstream has to read it back out of states or timeline text.
 */
import type { ClockKind, SlaClock } from './sla-clock.js';
import type { Tier } from './types.js';

export type DecisionEvent =
  | { kind: 'sla_warning'; tier: Tier; clock: ClockKind }
  /** `handledAt` is null when the breach was recorded by a late answer or stop, not by its timer. */
  | { kind: 'sla_breached'; tier: Tier; clock: ClockKind; dueAt: number; handledAt: number | null }
  | { kind: 'escalated'; from: Tier; to: Tier; cause: EscalationCause }
  | { kind: 'reminder'; tier: Tier }
  | { kind: 'clock_stopped'; tier: Tier; clock: ClockKind; elapsedMs: number; outcome: 'met' | 'breached' };

/** Why a request moved up a tier: its SLA breached, or someone escalated it by hand. */
export type EscalationCause = 'sla_breach' | 'manual';

/** True once a clock counts no more: met, stopped, or breached and no longer running or paused. */
export function hasStopped(clock: SlaClock): boolean {
  if (clock.state === 'met' || clock.state === 'stopped') return true;
  return clock.state === 'breached' && clock.runningSince === null && clock.pauses.every((p) => p.to !== null);
}

/**
 * The events of clocks that `before → after` stopped: each clock that stopped met or breached (not
 * one cancelled or superseded in time), and the breach of a clock whose target passed before its
 * timer fired. `kinds` limits which clocks count as answered (a resolution is only one on resolve).
 */
export function clockStopEvents(before: readonly SlaClock[], after: readonly SlaClock[], kinds: readonly ClockKind[]): DecisionEvent[] {
  const events: DecisionEvent[] = [];
  for (const clock of before) {
    const now = after.find((c) => c.kind === clock.kind && c.tier === clock.tier);
    if (!now || hasStopped(clock) || !hasStopped(now)) continue;
    if (now.state === 'breached' && clock.state !== 'breached' && now.breachedAt !== null) {
      events.push({ kind: 'sla_breached', tier: now.tier, clock: now.kind, dueAt: now.breachedAt, handledAt: null });
    }
    if (now.state !== 'stopped' && kinds.includes(now.kind)) {
      events.push({
        kind: 'clock_stopped',
        tier: now.tier,
        clock: now.kind,
        elapsedMs: Math.max(0, Math.round(now.elapsedMs)),
        outcome: now.state === 'met' ? 'met' : 'breached',
      });
    }
  }
  return events;
}
