/**
 * SLA metrics of a request: the typed events of each decision (`Decision.events`: warnings,
 * breaches with how late their timer was handled, escalations, reminders, clocks stopped with the
 * coverage time they ran) mapped to counters and histograms. `slaObservations` is pure (tested
 * without Temporal); `recordSlaMetrics` emits through the workflow `metricMeter`, which skips
 * replays, so a metric is counted once however often the history is replayed. Emitting metrics adds
 * no command to history: calling this from the workflow needs no patch.
 */
import { metricMeter } from '@temporalio/workflow';
import type { MetricMeter } from '@temporalio/common';

import type { DecisionEvent } from '../domain/decision-events.js';
import type { RequestState } from '../domain/request.js';

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
export type SlaObservation = { kind: 'counter'; name: string; tags: Tags } | { kind: 'histogram'; name: string; valueMs: number; tags: Tags };

/**
 * The metrics of one decision's events, tagged with the request's system and priority as they were
 * when it was taken.
 * @example slaObservations([{ kind: 'reminder', tier: 5 }], state) // [{ kind: 'counter', name: 'tierflow_sla_reminders', ... }]
 */
export function slaObservations(events: readonly DecisionEvent[], before: Pick<RequestState, 'system' | 'priority'>): SlaObservation[] {
  const tagged = (tier: number, more: Tags = {}): Tags => ({ tier: String(tier), system: before.system?.id ?? 'unknown', priority: before.priority, ...more });
  return events.flatMap((event): SlaObservation[] => {
    switch (event.kind) {
      case 'sla_warning':
        return [{ kind: 'counter', name: SLA_METRICS.warnings, tags: tagged(event.tier, { clock: event.clock }) }];
      case 'sla_breached': {
        const tags = tagged(event.tier, { clock: event.clock });
        const counted: SlaObservation = { kind: 'counter', name: SLA_METRICS.breaches, tags };
        if (event.handledAt === null) return [counted];
        return [counted, { kind: 'histogram', name: SLA_METRICS.timerLateness, valueMs: event.handledAt - event.dueAt, tags }];
      }
      case 'escalated':
        return [{ kind: 'counter', name: SLA_METRICS.escalations, tags: tagged(event.from, { to: String(event.to), cause: event.cause }) }];
      case 'reminder':
        return [{ kind: 'counter', name: SLA_METRICS.reminders, tags: tagged(event.tier) }];
      case 'clock_stopped': {
        const name = event.clock === 'first_response' ? SLA_METRICS.firstResponse : SLA_METRICS.resolution;
        return [{ kind: 'histogram', name, valueMs: event.elapsedMs, tags: tagged(event.tier, { outcome: event.outcome }) }];
      }
    }
  });
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

/** Emits the SLA metrics of one decision's events; `meter` is for tests. */
export function recordSlaMetrics(events: readonly DecisionEvent[], before: Pick<RequestState, 'system' | 'priority'>, meter: MetricMeter = metricMeter): void {
  for (const o of slaObservations(events, before)) {
    if (o.kind === 'counter') meter.createCounter(o.name, undefined, DESCRIPTIONS[o.name]).add(1, o.tags);
    else meter.createHistogram(o.name, 'int', 'ms', DESCRIPTIONS[o.name]).record(o.valueMs, o.tags);
  }
}
