/**
 * What `tierflow config check` found in a registry folder: systems (and shadow-IT entries), tiers
 * and their groups, the SLA targets, the coverage calendars, the shifts and their holidays. Pure.
 */
import type { TierflowConfig } from '../domain/config.js';
import type { CoverageCalendar } from '../domain/calendar.js';
import { formatDuration } from '../domain/duration.js';
import type { TargetTier } from '../domain/sla-policy.js';
import { PRIORITIES, type WeeklyWindow } from '../domain/types.js';
import { paint } from './format.js';

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * A weekly window in words; an end equal to its start is the whole week.
 * @example windowText({ start: { day: 1, time: '00:00' }, end: { day: 6, time: '00:00' } }) // 'Mon 00:00 – Sat 00:00'
 */
export function windowText(window: WeeklyWindow): string {
  if (window.start.day === window.end.day && window.start.time === window.end.time) return 'around the clock';
  return `${DAYS[window.start.day]} ${window.start.time} – ${DAYS[window.end.day]} ${window.end.time}`;
}

const calendarText = (calendar: CoverageCalendar) =>
  `${calendar.timezone}, ${calendar.windows.map(windowText).join(' and ')}; ${calendar.holidays.length} holiday${calendar.holidays.length === 1 ? '' : 's'}`;

const TARGET_TIERS: readonly TargetTier[] = ['2', '3', '4', '5'];

/** The summary as lines (labels padded, one fact per line). */
export function registryLines(dir: string, config: TierflowConfig, opts: { colour?: boolean } = {}): string[] {
  const colour = opts.colour ?? false;
  const { registry, policy, shifts } = config;
  const label = (text: string) => `  ${text.padEnd(13)}`;
  const more = ' '.repeat(15);
  const lines = [paint(`Registry ${dir}: valid`, 'bold', colour), ''];
  lines.push(`${label('Systems')}${registry.systems.length} managed, ${registry.shadowIt.length} shadow-IT (tech_stack.yml)`);
  registry.tiers
    .slice()
    .sort((a, b) => a.tier - b.tier)
    .forEach((group, i) => {
      const groups = [`@${group.slackGroup}`, ...(group.gitlabGroup ? [`@${group.gitlabGroup}`] : []), ...(group.channel ? [group.channel] : [])];
      lines.push(`${i === 0 ? label('Tiers') : more}${group.tier} ${group.name}: ${groups.join(', ')}`);
    });
  lines.push(
    `${label('SLA targets')}default ${policy.defaultPriority}; warning at ${Math.round(policy.warningFraction * 100)}%; reminders every ${formatDuration(policy.reminderIntervalMs)}; reopen window ${formatDuration(policy.reopenWindowMs)}`,
  );
  for (const tier of TARGET_TIERS) {
    const targets = PRIORITIES.map(
      (p) => `${p} ${formatDuration(policy.targets[tier][p].firstResponseMs)}/${formatDuration(policy.targets[tier][p].resolutionMs)}`,
    );
    lines.push(`${more}Tier ${tier}: ${targets.join(' · ')}`);
  }
  lines.push(`${more}(first response / resolution, in coverage time; Tier 1 uses Tier 2's)`);
  lines.push(`${label('Calendar')}${calendarText(config.calendar)}`, `${more}crisis: ${calendarText(config.crisisCalendar)}`);
  const holidays = shifts.shifts.reduce((n, s) => n + (s.holidays?.length ?? 0), 0);
  lines.push(`${label('Shifts')}${shifts.shifts.length} shift${shifts.shifts.length === 1 ? '' : 's'}, ${holidays} holiday${holidays === 1 ? '' : 's'}`);
  for (const shift of shifts.shifts) {
    lines.push(
      `${more}${shift.name}: ${shift.start}–${shift.end} ${shift.timezone}, ${shift.days.map((d) => DAYS[d]).join(' ')}, @${shift.slackGroup}, ${shift.holidays?.length ?? 0} holidays`,
    );
  }
  if (config.warnings.length > 0) {
    lines.push(`${label('Warnings')}${config.warnings[0]}`, ...config.warnings.slice(1).map((w) => `${more}${w}`));
  }
  return lines;
}

/** The summary as JSON: counts and the parts people check. */
export function registryJson(dir: string, config: TierflowConfig) {
  const { registry, policy, shifts } = config;
  return {
    dir,
    valid: true,
    systems: registry.systems.length,
    systemIds: registry.systems.map((s) => s.id),
    shadowIt: registry.shadowIt.length,
    tiers: registry.tiers.map((t) => ({
      tier: t.tier,
      name: t.name,
      slackGroup: t.slackGroup,
      gitlabGroup: t.gitlabGroup ?? null,
      channel: t.channel ?? null,
    })),
    policy,
    calendar: config.calendar,
    crisisCalendar: config.crisisCalendar,
    shifts: shifts.shifts.map((s) => ({
      name: s.name,
      timezone: s.timezone,
      start: s.start,
      end: s.end,
      slackGroup: s.slackGroup,
      holidays: s.holidays?.length ?? 0,
    })),
    holidays: shifts.shifts.reduce((n, s) => n + (s.holidays?.length ?? 0), 0),
    warnings: config.warnings,
  };
}
