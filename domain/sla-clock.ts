/**
 * SLA clocks: a first-response or resolution target for one tier, measured in coverage time.
 * A clock is plain data; every function returns a new clock and never mutates its argument.
 *
 * The clock stores the coverage time accumulated up to `runningSince` (`elapsedMs`) and the
 * instant it last started counting, so any question ("how much has elapsed?", "when is it
 * due?") is one calendar computation, and pausing or re-targeting never loses elapsed time.
 *
 * States: `running` (counting, not breached) ⇄ `paused` (waiting on the requester);
 * `breached` (target reached; keeps counting until stopped so the overdue time shows, and can
 * still be paused and resumed); `met` and `stopped` are final.
 */
import { addCoverage, coverageBetween, type CoverageCalendar } from './calendar.js';
import type { Tier } from './types.js';

/** Which target a clock measures. */
export type ClockKind = 'first_response' | 'resolution';

/** Where a clock stands; see the module comment for the transitions. */
export type ClockState = 'running' | 'paused' | 'met' | 'breached' | 'stopped';

/** An SLA clock (plain, serializable). */
export interface SlaClock {
  kind: ClockKind;
  tier: Tier;
  /** Target in coverage ms. */
  targetMs: number;
  /** Fraction of the target at which the thread is reminded, in (0, 1). */
  warningFraction: number;
  startedAt: number;
  /** Coverage ms accumulated before `runningSince` (or in total, when not counting). */
  elapsedMs: number;
  /** Instant the clock last started counting; null while paused or stopped. */
  runningSince: number | null;
  /** Paused stretches, wall-clock instants; the last one is open (`to: null`) while paused. */
  pauses: Array<{ from: number; to: number | null }>;
  state: ClockState;
  /** True once the warning has been given for the current target. */
  warned: boolean;
  breachedAt: number | null;
}

/** What a clock measures and its target, as taken from the SLA policy. */
export interface ClockSpec {
  kind: ClockKind;
  tier: Tier;
  targetMs: number;
  warningFraction: number;
}

/** A clock counting from `now`. */
export function startClock(spec: ClockSpec, now: number): SlaClock {
  return { ...spec, startedAt: now, elapsedMs: 0, runningSince: now, pauses: [], state: 'running', warned: false, breachedAt: null };
}

/** True while the clock accumulates coverage time (running, or breached and not paused). */
export function isCounting(clock: SlaClock): boolean {
  return clock.runningSince !== null;
}

/** Coverage time elapsed on the clock at `now`. */
export function elapsedCoverage(clock: SlaClock, cal: CoverageCalendar, now: number): number {
  return clock.runningSince === null ? clock.elapsedMs : clock.elapsedMs + coverageBetween(cal, clock.runningSince, now);
}

/** Coverage time left at `now`: target minus elapsed; negative once overdue. */
export function remainingCoverage(clock: SlaClock, cal: CoverageCalendar, now: number): number {
  return clock.targetMs - elapsedCoverage(clock, cal, now);
}

/**
 * Stops counting (the request waits on the requester), keeping the elapsed time.
 * A clock that is not counting is returned unchanged.
 */
export function pauseClock(clock: SlaClock, cal: CoverageCalendar, now: number): SlaClock {
  if (clock.runningSince === null) return clock;
  return {
    ...clock,
    elapsedMs: elapsedCoverage(clock, cal, now),
    runningSince: null,
    pauses: [...clock.pauses, { from: now, to: null }],
    state: clock.state === 'breached' ? 'breached' : 'paused',
  };
}

/** The pauses with the open one (there is at most one, the last) closed at `now`. */
function closePause(pauses: SlaClock['pauses'], now: number): SlaClock['pauses'] {
  return pauses.map((pause) => (pause.to === null ? { ...pause, to: now } : pause));
}

/** Counts again from `now`, closing the open pause. Returns the clock unchanged unless it is paused. */
export function resumeClock(clock: SlaClock, now: number): SlaClock {
  if (clock.runningSince !== null || clock.state === 'met' || clock.state === 'stopped') return clock;
  return { ...clock, runningSince: now, pauses: closePause(clock.pauses, now), state: clock.state === 'breached' ? 'breached' : 'running' };
}

/**
 * Stops the clock for good at `now`: `met` (the response or resolution happened) or `stopped`
 * (cancelled, superseded). A breached clock stays `breached` with its first `breachedAt`; either
 * outcome coming after the target has been reached is recorded as a breach at the instant it was
 * due, so what a clock records never depends on whether its breach timer fired first (a late
 * answer is never counted as met, a late cancel never hides the breach). Final clocks are unchanged.
 */
export function stopClock(clock: SlaClock, cal: CoverageCalendar, now: number, outcome: 'met' | 'stopped'): SlaClock {
  if (clock.state === 'met' || clock.state === 'stopped') return clock;
  const elapsedMs = elapsedCoverage(clock, cal, now);
  const stopped = { ...clock, elapsedMs, runningSince: null, pauses: closePause(clock.pauses, now) };
  if (clock.state === 'breached') return stopped;
  if (elapsedMs >= clock.targetMs) {
    const due = clockDueAt(clock, cal);
    return { ...stopped, state: 'breached', breachedAt: due === null ? now : Math.min(due, now) };
  }
  return { ...stopped, state: outcome };
}

/**
 * Changes the target (a priority change), keeping the elapsed time: the new deadline counts from
 * the time already spent, not from the creation time. The warning is re-armed for the new target
 * (if its warning point has already passed, {@link clockWarnAt} returns that past instant, so the
 * workflow warns at once). A breach already recorded stays recorded. A `met` or `stopped` clock
 * keeps the target it was measured against.
 */
export function retargetClock(clock: SlaClock, targetMs: number): SlaClock {
  if (targetMs === clock.targetMs || clock.state === 'met' || clock.state === 'stopped') return clock;
  return { ...clock, targetMs, warned: clock.state === 'breached' ? clock.warned : false };
}

/** The instant the clock's coverage reaches `thresholdMs`, if it keeps counting. */
function reachesAt(clock: SlaClock, cal: CoverageCalendar, thresholdMs: number): number | null {
  if (clock.runningSince === null) return null;
  const left = thresholdMs - clock.elapsedMs;
  return left <= 0 ? clock.runningSince : addCoverage(cal, clock.runningSince, left);
}

/**
 * The breach instant: when elapsed coverage reaches the target. Null unless the clock is
 * `running` (a paused clock has no deadline; a breached or final one needs no timer).
 * If the target was already reached before the clock last resumed, that resume instant.
 */
export function clockDueAt(clock: SlaClock, cal: CoverageCalendar): number | null {
  return clock.state === 'running' ? reachesAt(clock, cal, clock.targetMs) : null;
}

/** Coverage ms at which the warning is due: `round(targetMs × warningFraction)`. */
export function warningThresholdMs(clock: SlaClock): number {
  return Math.round(clock.targetMs * clock.warningFraction);
}

/** The warning instant; null unless the clock is `running` and has not warned for its target. */
export function clockWarnAt(clock: SlaClock, cal: CoverageCalendar): number | null {
  return clock.state === 'running' && !clock.warned ? reachesAt(clock, cal, warningThresholdMs(clock)) : null;
}

/** Records that the warning has been given. */
export function markWarned(clock: SlaClock): SlaClock {
  return clock.warned ? clock : { ...clock, warned: true };
}

/**
 * Records the breach at `now`. The clock keeps counting (so the overdue time shows) until it is
 * stopped. Only a running or paused clock can breach; others are returned unchanged.
 */
export function markBreached(clock: SlaClock, now: number): SlaClock {
  if (clock.state !== 'running' && clock.state !== 'paused') return clock;
  return { ...clock, state: 'breached', breachedAt: now };
}
