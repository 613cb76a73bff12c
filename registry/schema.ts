/**
 * zod schemas of the registry files. Each schema parses the YAML as people write it (weekday
 * names, durations such as `4h`) into the domain's plain types, and rejects anything else with
 * an issue whose path points at the offending key.
 */
import { z } from 'zod';
import type { AutomationPolicy } from '../domain/automation-candidates.js';
import type { CoverageCalendar, WeeklyWindow } from '../domain/calendar.js';
import type { Shift } from '../domain/shifts.js';
import type { ClockTargets, SlaPolicy } from '../domain/sla-policy.js';
import { isValidTimeZone, parseLocalDate, parseTimeOfDay } from '../domain/time-zone.js';
import { parseDuration } from '../domain/duration.js';
import { PRIORITIES, type Priority, type Weekday } from '../domain/types.js';

const text = z.string().trim().min(1, { error: 'must not be empty' });

const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `Mon`…`Sun` (or full names, any case) or ISO numbers 1–7. */
export const weekday = z.union([z.number(), z.string()]).transform((value, ctx): Weekday => {
  const index = typeof value === 'number' ? value - 1 : WEEKDAY_NAMES.indexOf(value.trim().slice(0, 3).toLowerCase());
  if (!Number.isInteger(index) || index < 0 || index > 6 || (typeof value === 'string' && !/^[a-z]+$/i.test(value.trim()))) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a weekday (Mon…Sun or 1…7)` });
    return z.NEVER;
  }
  return (index + 1) as Weekday;
});

/** `HH:mm`, 00:00–23:59. */
export const timeOfDay = z
  .string()
  .refine((value) => parseTimeOfDay(value) !== undefined, { error: (issue) => `"${String(issue.input)}" is not a time HH:mm (00:00–23:59)` });

/** `YYYY-MM-DD`, a real date. */
export const localDate = z
  .string()
  .refine((value) => parseLocalDate(value) !== undefined, { error: (issue) => `"${String(issue.input)}" is not a date YYYY-MM-DD` });

/** An IANA time zone. */
export const timeZone = z.string().refine(isValidTimeZone, { error: (issue) => `"${String(issue.input)}" is not an IANA time zone (e.g. UTC, Europe/London)` });

/** A positive duration written like `4h`, `30m`, `2d`, `1h 30m`; parsed to ms. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(String(value));
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a positive duration such as 30m, 4h, 2d or 1h 30m` });
    return z.NEVER;
  }
  return ms;
});

const slackHandle = text.refine((value) => /^[a-z0-9][a-z0-9._-]*$/.test(value), {
  error: 'must be a Slack handle without "@" (lowercase letters, digits, . _ -)',
});
const groupPath = text.refine((value) => /^[\w.-]+(\/[\w.-]+)*$/.test(value), {
  error: 'must be a GitLab group path such as gitlab-com/gl-security/corp/sys/okta (no "@", no URL)',
});

export const guideSchema = z.strictObject({ title: text, url: z.url({ error: 'must be a URL' }), keywords: z.array(text).optional() });

const systemSchema = z.strictObject({
  id: text.refine((value) => /^[a-z0-9][a-z0-9-]*$/.test(value), { error: 'must be lowercase letters, digits and dashes' }),
  name: text,
  gitlabLabel: text.refine((value) => value.startsWith('corpsys::') && value.length > 'corpsys::'.length, { error: 'must start with "corpsys::"' }),
  gitlabOwners: groupPath,
  slackOwners: slackHandle,
  accessRequestTemplate: text,
  issueTemplate: text,
  guides: z.array(guideSchema).default([]),
  aliases: z.array(text).default([]),
  keywords: z.array(text).default([]),
});

/** `systems.yaml`. */
export const systemsFile = z.strictObject({ systems: z.array(systemSchema).min(1, { error: 'must list at least one system' }) });

const tierSchema = z.strictObject({
  tier: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)], { error: 'must be a tier 1…5' }),
  name: text,
  slackGroup: slackHandle,
  gitlabGroup: groupPath.optional(),
  channel: text.optional(),
});

/** `tiers.yaml`: the tier groups and the general (Tier 1) guides. */
export const tiersFile = z.strictObject({ tiers: z.array(tierSchema), generalGuides: z.array(guideSchema).default([]) });

const targetsSchema = z
  .strictObject({ firstResponse: duration, resolution: duration })
  .refine((t) => t.firstResponse <= t.resolution, { error: 'firstResponse must not be longer than resolution', path: ['firstResponse'] })
  .transform((t): ClockTargets => ({ firstResponseMs: t.firstResponse, resolutionMs: t.resolution }));
const byPriority = z.strictObject(Object.fromEntries(PRIORITIES.map((p) => [p, targetsSchema])) as Record<Priority, typeof targetsSchema>);

/** `sla-policy.yaml`. */
export const policyFile = z
  .strictObject({
    defaultPriority: z.enum(PRIORITIES),
    warningFraction: z.number().gt(0, { error: 'must be between 0 and 1 (exclusive)' }).lt(1, { error: 'must be between 0 and 1 (exclusive)' }),
    reminderInterval: duration,
    reopenWindow: duration,
    targets: z.strictObject({ tier2: byPriority, tier3: byPriority, tier4: byPriority, tier5: byPriority }),
  })
  .transform((p): SlaPolicy => ({
    defaultPriority: p.defaultPriority,
    warningFraction: p.warningFraction,
    reminderIntervalMs: p.reminderInterval,
    reopenWindowMs: p.reopenWindow,
    targets: { '2': p.targets.tier2, '3': p.targets.tier3, '4': p.targets.tier4, '5': p.targets.tier5 },
  }));

const weekTime = z.strictObject({ day: weekday, time: timeOfDay });

const calendarShape = {
  timezone: timeZone,
  windows: z.array(z.strictObject({ start: weekTime, end: weekTime })).min(1, { error: 'needs at least one window, or SLA clocks would never run' }),
  holidays: z.array(localDate).default([]),
};
const toCalendar = (c: { timezone: string; windows: WeeklyWindow[]; holidays: string[] }): CoverageCalendar => ({
  timezone: c.timezone,
  windows: c.windows,
  holidays: c.holidays,
});

/** Around the clock: the crisis calendar when `calendar.yaml` names none (a window whose end equals its start is the whole week). */
export const ALWAYS_OPEN: CoverageCalendar = { timezone: 'UTC', windows: [{ start: { day: 1, time: '00:00' }, end: { day: 1, time: '00:00' } }], holidays: [] };

/**
 * `calendar.yaml`: the coverage window, and under `crisis:` the calendar of crisis requests (their
 * clocks run around the clock by default: a crisis does not wait for Monday).
 */
export const calendarFile = z
  .strictObject({ ...calendarShape, crisis: z.strictObject(calendarShape).optional() })
  .transform((c): { calendar: CoverageCalendar; crisis: CoverageCalendar } => ({
    calendar: toCalendar(c),
    crisis: c.crisis ? toCalendar(c.crisis) : ALWAYS_OPEN,
  }));

const shiftSchema = z.strictObject({
  name: text,
  timezone: timeZone,
  start: timeOfDay,
  end: timeOfDay,
  days: z.array(weekday).min(1, { error: 'must list at least one weekday' }),
  slackGroup: slackHandle,
  rotation: z.array(z.array(text).min(1, { error: 'a rotation week needs at least one analyst' })).min(1, { error: 'needs at least one week of analysts' }),
  rotationStart: localDate,
  /** Local dates (in the shift's zone) on which the shift does not start. */
  holidays: z.array(localDate).optional(),
});

/** `shifts.yaml`. */
export const shiftsFile = z.strictObject({ shifts: z.array(shiftSchema) satisfies z.ZodType<Shift[]> });

const scopedLabel = text.refine((value) => /^[^,\n~"]+::[^,\n~"]+$/.test(value), {
  error: 'must be a scoped GitLab label such as automation::candidate (no commas or quotes)',
});

/**
 * `automation.yaml`: when a recurring kind of request becomes a Tier 4 automation candidate, and how
 * its tracker issue is labelled. `gitlabGroup` defaults to Tier 4's group in `tiers.yaml`.
 */
export const automationFile = z.strictObject({
  minRequests: z
    .int({ error: (issue) => (issue.input === undefined ? undefined : 'must be a whole number') })
    .min(2, { error: 'must be at least 2 (one request is not a pattern)' })
    .max(1000, { error: 'must be at most 1000' }),
  windowDays: z
    .int({ error: (issue) => (issue.input === undefined ? undefined : 'must be a whole number of days') })
    .min(1, { error: 'must be 1 to 365 days' })
    .max(365, { error: 'must be 1 to 365 days' }),
  similarity: z.number().gt(0, { error: 'must be above 0 and at most 1' }).lte(1, { error: 'must be above 0 and at most 1' }),
  label: scopedLabel,
  tierLabel: scopedLabel,
  gitlabGroup: groupPath.optional(),
}) satisfies z.ZodType<Omit<AutomationPolicy, 'gitlabGroup'> & { gitlabGroup?: string | undefined }>;
