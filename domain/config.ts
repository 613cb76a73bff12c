/**
 * The whole configuration tierflow runs with, as loaded and validated from the registry folder
 * by `registry/load.ts` (the only place that reads files). Plain data, safe to pass to workflows.
 */
import type { AutomationPolicy } from './automation-candidates.js';
import type { CoverageCalendar } from './calendar.js';
import type { Registry } from './registry.js';
import type { ShiftConfig } from './shifts.js';
import type { SlaPolicy } from './sla-policy.js';

/** Validated configuration. */
export interface TierflowConfig {
  registry: Registry;
  policy: SlaPolicy;
  calendar: CoverageCalendar;
  /** The calendar of crisis requests (default: around the clock). */
  crisisCalendar: CoverageCalendar;
  shifts: ShiftConfig;
  /** When recurring requests become Tier 4 automation candidates (`automation.yaml`). */
  automation: AutomationPolicy;
  /** Things that were accepted but deserve a look (e.g. tech-stack entries that were skipped). */
  warnings: string[];
}
