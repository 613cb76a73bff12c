/**
 * SLA metrics of a request, read off one state transition of the request state machine: warnings,
 * breaches (with how late the timer fired), escalations, reminders, and the coverage time to a
 * tier's first response and to resolution. `slaObservations` is pure (tested without Temporal);
 * `recordSlaMetrics` emits them through the workflow `metricMeter`, which skips replays, so a
 * metric is counted once however often the history is replayed. Emitting metrics adds no
 * command to history: calling this from the workflow needs no patch.
 */
import { metricMeter } from '@temporalio/workflow';
import type { MetricMeter } from '@temporalio/common';

import type { CoverageCalendar } from '../domain/calendar.js';
import { isRequester } from '../domain/request-actions.js';
import type { RequestState, TimelineEntry } from '../domain/request.js';
import { clockDueAt, clockWarnAt, elapsedCoverage, type SlaClock } from '../domain/sla-clock.js';

/** Metric names, as exported (the runtime may add its `temporal_` prefix). */
export const SLA_METRICS = {
  warnings: 'tierflow_sla_warnings',
  breaches: 'tierflow_sla_breaches',
  escalations: 'tierflow_escalations',
  reminders: 'tierflow_sla_reminders',
  firstResponse: 'tierflow_time_to_first_response',
  resolution: 'tierflow_time_to_resolution',
  timerLateness: 'tierflow_sla_timer_lateness',
} as const;

type Tags = Record<string, string>;

/** One thing to count or record, with its tags. */
export type SlaObservation =
  | { kind: 'counter'; name: string; tags: Tags }
  | { kind: 'histogram'; name: string; valueMs: number; tags: Tags };

const sameClock = (a: SlaClock) => (b: SlaClock) => a.kind === b.kind && a.tier === b.tier;

/** True once a clock has stopped for good (met, stopped, or breached and no longer counting or paused). */
function hasStopped(clock: SlaClock): boolean {
  if (clock.state === 'met' || clock.state === 'stopped') return true;
  return clock.state === 'breached' && clock.runningSince === null && clock.pauses.every((p) => p.to !== null);
}

/**
 * The metrics a transition `before → after` implies.
 * @example slaObservations(open, acknowledged, calendar) // [{ kind: 'histogram', name: 'tierflow_time_to_first_response', valueMs: 600000, ... }]
 */
export function slaObservations(before: RequestState, after: RequestState, calendar: CoverageCalendar): SlaObservation[] {
  // The timeline is bounded (old entries drop out), so what a decision added is counted by totals.
  const addedCount = after.timelineTotal - before.timelineTotal;
  const added: TimelineEntry[] = addedCount > 0 ? after.timeline.slice(-addedCount) : [];
  const base = (tier: number): Tags => ({ tier: String(tier), system: before.system?.id ?? 'unknown', priority: before.priority });
  const out: SlaObservation[] = [];
  const firstOf = (action: string) => added.find((e) => e.action === action);

  // Warnings and breaches fired by timers: the clocks the state machine found due at that instant.
  const warning = firstOf('sla_warning');
  if (warning) {
    for (const clock of before.clocks) {
      const at = clockWarnAt(clock, calendar);
      if (at !== null && at <= warning.at) out.push({ kind: 'counter', name: SLA_METRICS.warnings, tags: { ...base(clock.tier), clock: clock.kind } });
    }
  }
  const breach = firstOf('sla_breached');
  for (const clock of before.clocks) {
    const due = clockDueAt(clock, calendar);
    if (breach && due !== null && due <= breach.at) {
      out.push({ kind: 'counter', name: SLA_METRICS.breaches, tags: { ...base(clock.tier), clock: clock.kind } });
      out.push({ kind: 'histogram', name: SLA_METRICS.timerLateness, valueMs: breach.at - due, tags: { ...base(clock.tier), clock: clock.kind } });
      continue;
    }
    // An answer after the target, before the breach timer fired: the clock records the breach itself.
    const now = after.clocks.find(sameClock(clock));
    if (!breach && now?.state === 'breached' && clock.state !== 'breached') {
      out.push({ kind: 'counter', name: SLA_METRICS.breaches, tags: { ...base(clock.tier), clock: clock.kind } });
    }
  }

  const escalation = firstOf('escalated');
  if (escalation) {
    const cause = escalation.actor === 'tierflow' ? 'sla_breach' : 'manual';
    out.push({ kind: 'counter', name: SLA_METRICS.escalations, tags: { ...base(before.tier), to: String(after.tier), cause } });
  }
  if (firstOf('reminder')) out.push({ kind: 'counter', name: SLA_METRICS.reminders, tags: base(after.tier) });

  // Coverage time on the clock when it stopped: the tier's first response, or the resolution.
  for (const clock of before.clocks) {
    if (hasStopped(clock)) continue;
    const now = after.clocks.find(sameClock(clock));
    let elapsedMs: number | null = null;
    let outcome: string = 'met';
    if (now && hasStopped(now) && now.state !== 'stopped') {
      elapsedMs = now.elapsedMs;
      outcome = now.state;
    } else if (!now && clock.kind === 'first_response' && escalation && escalation.actor !== 'tierflow' && !isRequester(before, escalation.actor)) {
      // Escalating by hand answers the request, and replaces the tier's clocks in the same step.
      elapsedMs = elapsedCoverage(clock, calendar, escalation.at);
      outcome = elapsedMs >= clock.targetMs || clock.state === 'breached' ? 'breached' : 'met';
    }
    if (elapsedMs === null) continue;
    if (clock.kind === 'resolution' && after.status !== 'resolved') continue;
    const name = clock.kind === 'first_response' ? SLA_METRICS.firstResponse : SLA_METRICS.resolution;
    out.push({ kind: 'histogram', name, valueMs: Math.max(0, Math.round(elapsedMs)), tags: { ...base(clock.tier), outcome } });
  }
  return out;
}

const DESCRIPTIONS: Record<string, string> = {
  [SLA_METRICS.warnings]: 'SLA warnings given, by tier, system, priority and clock',
  [SLA_METRICS.breaches]: 'SLA clocks breached, by tier, system, priority and clock',
  [SLA_METRICS.escalations]: 'Tier escalations, by tier left, tier reached and cause',
  [SLA_METRICS.reminders]: 'Breach reminders at the top tier',
  [SLA_METRICS.firstResponse]: 'Coverage time from a tier taking the request to its first response',
  [SLA_METRICS.resolution]: 'Coverage time on the resolution clock of the tier that resolved the request',
  [SLA_METRICS.timerLateness]: 'How long after its due time an SLA breach timer was handled',
};

/**
 * Emits the SLA metrics of one transition. Call it from the workflow with the state before and
 * after each decision; `meter` is for tests.
 */
export function recordSlaMetrics(before: RequestState, after: RequestState, calendar: CoverageCalendar, meter: MetricMeter = metricMeter): void {
  if (before === after) return;
  for (const o of slaObservations(before, after, calendar)) {
    if (o.kind === 'counter') meter.createCounter(o.name, undefined, DESCRIPTIONS[o.name]).add(1, o.tags);
    else meter.createHistogram(o.name, 'int', 'ms', DESCRIPTIONS[o.name]).record(o.valueMs, o.tags);
  }
}
