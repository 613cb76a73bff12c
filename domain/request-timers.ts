/**
 * Clock-driven events of a request: the warning at the warning fraction of each SLA clock, the
 * breach at its target (escalating one tier, reason recorded), and reminders after a breach at the
 * top tier, repeated at the policy's interval and only ever inside the coverage window.
 */
import { addCoverage, formatDuration, formatInstant, isOpen, nextOpening, type CoverageCalendar } from './calendar.js';
import { clockDueAt, clockWarnAt, markBreached, markWarned, remainingCoverage, type SlaClock } from './sla-clock.js';
import { heldLine, hold, holdOutsideCoverage, isHolding } from './coverage-hold.js';
import { announce, escalate, isActive, record, tierPage, withEffects, type Decision, type DecisionContext, type RequestState } from './request.js';

/** The next thing due and when, for the workflow's timer (and its summary in the Temporal UI). */
export interface WakeUp {
  at: number;
  summary: string;
}

const KIND_NAME: Record<SlaClock['kind'], string> = { first_response: 'first response', resolution: 'resolution' };

/** The earliest warning, breach or reminder still to come; null when nothing is due. */
export function nextWakeUp(state: RequestState, calendar: CoverageCalendar): WakeUp | null {
  if (!isActive(state)) return null;
  const candidates: WakeUp[] = [];
  for (const clock of state.clocks) {
    const warnAt = clockWarnAt(clock, calendar);
    if (warnAt !== null) candidates.push({ at: warnAt, summary: `SLA warning: ${KIND_NAME[clock.kind]}, Tier ${clock.tier}` });
    const dueAt = clockDueAt(clock, calendar);
    if (dueAt !== null) candidates.push({ at: dueAt, summary: `SLA breach: ${KIND_NAME[clock.kind]}, Tier ${clock.tier}` });
  }
  if (state.nextReminderAt !== null && state.status !== 'waiting_on_requester') {
    candidates.push({ at: state.nextReminderAt, summary: `breach reminder #${state.remindersSent + 1}` });
  }
  if (state.held) candidates.push({ at: state.held.at, summary: state.held.escalation ? 'coverage opens: held escalation' : 'coverage opens: held mentions' });
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0] ?? null;
}

/** The next reminder instant: a reminder interval of coverage time later, never outside the window. */
export function nextReminder(calendar: CoverageCalendar, from: number, intervalMs: number): number {
  const at = addCoverage(calendar, from, intervalMs);
  return isOpen(calendar, at) ? at : (nextOpening(calendar, at) ?? at);
}

function overdue(state: RequestState, ctx: DecisionContext): string {
  const late = state.clocks.filter((c) => c.state === 'breached').map((c) => -remainingCoverage(c, ctx.calendar, ctx.now));
  return late.length > 0 ? `${formatDuration(Math.max(...late))} of coverage time overdue` : 'SLA breached';
}

/**
 * Handles everything due at `ctx.now`: what was held for coverage first, then warnings, a breach
 * (one escalation; held for the opening when coverage is closed) and a reminder. Outside coverage
 * the mentions of what it announces are held too ({@link holdOutsideCoverage}).
 */
export function onTimersDue(state: RequestState, ctx: DecisionContext): Decision {
  return holdOutsideCoverage(timersDue(state, ctx), ctx);
}

/** Coverage opened: the held escalation (if the request is still at the tier that breached), and the held mentions. */
function releaseHeld(state: RequestState, ctx: DecisionContext): Decision {
  const held = state.held!;
  let next: RequestState = { ...state, held: null };
  const paged = new Set<string>();
  const out: Decision = { state: next, effects: [], events: [] };
  if (held.escalation && held.escalation.tier === next.tier && next.tier < 5) {
    const escalated = escalate(next, 'tierflow', held.escalation.reason, ctx, 'sla_breach');
    for (const effect of escalated.effects) if ('mentions' in effect && effect.mentions) effect.mentions.forEach((m) => paged.add(m));
    next = { ...escalated.state, held: null };
    out.effects.push(...escalated.effects);
    out.events.push(...escalated.events);
  }
  const page = { slack: held.slack.filter((m) => !paged.has(m)), gitlab: held.gitlab.filter((m) => !paged.has(m)) };
  if (page.slack.length > 0 || page.gitlab.length > 0) {
    next = record(next, { at: ctx.now, actor: 'tierflow', action: 'coverage_opened', note: `paging ${[...page.slack, ...page.gitlab].join(', ')}` });
    const d = withEffects(next, announce(next, 'coverage_opened', undefined, page));
    next = d.state;
    out.effects.push(...d.effects);
  }
  return { ...out, state: next };
}

function timersDue(state: RequestState, ctx: DecisionContext): Decision {
  if (!isActive(state)) return { state, effects: [], events: [] };
  let next = state;
  const effects: Decision['effects'] = [];
  const events: Decision['events'] = [];
  const emit = (d: Decision) => {
    next = d.state;
    effects.push(...d.effects);
    events.push(...d.events);
  };
  if (next.held && next.held.at <= ctx.now) emit(releaseHeld(next, ctx));

  const warned = next.clocks.filter((c) => {
    const at = clockWarnAt(c, ctx.calendar);
    return at !== null && at <= ctx.now;
  });
  for (const clock of warned) {
    const due = clockDueAt(clock, ctx.calendar);
    const note = `${KIND_NAME[clock.kind]} at Tier ${clock.tier} due ${due === null ? 'soon' : formatInstant(ctx.calendar, due)} — ${formatDuration(Math.max(0, remainingCoverage(clock, ctx.calendar, ctx.now)))} of coverage left`;
    next = record(
      { ...next, clocks: next.clocks.map((c) => (c === clock ? markWarned(c) : c)) },
      { at: ctx.now, actor: 'tierflow', action: 'sla_warning', note },
    );
    emit(
      withEffects(next, announce(next, 'sla_warning', note, tierPage(ctx, next.tier, next.system)), [
        { kind: 'sla_warning', tier: clock.tier, clock: clock.kind },
      ]),
    );
  }

  const due = next.clocks.filter((c) => {
    const at = clockDueAt(c, ctx.calendar);
    return at !== null && at <= ctx.now;
  });
  if (due.length > 0) {
    const reason = `${due.map((c) => KIND_NAME[c.kind]).join(' and ')} SLA breached at Tier ${next.tier}`;
    next = record(
      { ...next, slaBreached: true, clocks: next.clocks.map((c) => (due.includes(c) ? markBreached(c, ctx.now) : c)) },
      { at: ctx.now, actor: 'tierflow', action: 'sla_breached', note: reason },
    );
    for (const clock of due)
      events.push({ kind: 'sla_breached', tier: clock.tier, clock: clock.kind, dueAt: clockDueAt(clock, ctx.calendar)!, handledAt: ctx.now });
    if (next.tier < 5 && isHolding(ctx)) {
      // The clock ran out as coverage closed: the breach stands at its instant; the escalation (and
      // its pages) waits for the window to open.
      next = hold(next, ctx, { escalation: { reason, tier: next.tier } });
      next = record(next, { at: ctx.now, actor: 'tierflow', action: 'escalation_held', note: heldLine(next.held!, ctx) });
    } else if (next.tier < 5) {
      emit(escalate(next, 'tierflow', reason, ctx, 'sla_breach'));
    } else {
      next = { ...next, nextReminderAt: nextReminder(ctx.calendar, ctx.now, ctx.policy.reminderIntervalMs) };
      emit(withEffects(next, announce(next, 'sla_breached', reason, tierPage(ctx, 5, next.system))));
    }
    return { state: next, effects, events };
  }

  if (next.nextReminderAt !== null && next.nextReminderAt <= ctx.now && next.status !== 'waiting_on_requester') {
    const note = overdue(next, ctx);
    next = record(
      { ...next, remindersSent: next.remindersSent + 1, nextReminderAt: nextReminder(ctx.calendar, ctx.now, ctx.policy.reminderIntervalMs) },
      { at: ctx.now, actor: 'tierflow', action: 'reminder', note },
    );
    emit(withEffects(next, announce(next, 'reminder', note, tierPage(ctx, next.tier, next.system)), [{ kind: 'reminder', tier: next.tier }]));
  }
  return { state: next, effects, events };
}
