/**
 * Respecting the coverage window at its edges: outside coverage nobody is paged. A decision taken
 * while the window is closed (a clock that runs out exactly at the close, a request opened at the
 * weekend, an engineer's Saturday comment) still posts its announcements, but without mentions;
 * the mentions, and the escalation of a breach, are held until the window next opens and go out
 * then. A crisis runs on an always-open calendar, so nothing of a crisis is ever held.
 */
import { formatInstant, isOpen, nextOpening, type CoverageCalendar } from './calendar.js';
import type { Tier } from './types.js';

// Structural types, so this module does not import the request module that uses it.

/** What holding needs of a decision's context (a `DecisionContext` is one). */
export interface HoldContext {
  now: number;
  calendar: CoverageCalendar;
  legacy?: { announceOutsideCoverage?: boolean };
}

/** An effect as holding sees it: its mentions, if it has any. */
interface MaybeMentions {
  kind: string;
  mentions?: string[];
}

/** A state that can hold announcements. */
interface Holder {
  held?: Held | null;
}

/** What waits for coverage to open. */
export interface Held {
  /** When coverage opens: the instant the held announcements go out. */
  at: number;
  /** Slack user-group handles held back from announcements made while coverage was closed. */
  slack: string[];
  /** GitLab group paths held back the same way. */
  gitlab: string[];
  /** A breach's escalation: its reason, and the tier it breached at (a request that moved since is not escalated again). */
  escalation: { reason: string; tier: Tier } | null;
}

const unique = (items: string[]): string[] => [...new Set(items)];

/** True when the rules of this request hold announcements outside coverage and the window is closed now. */
export function isHolding(ctx: HoldContext): boolean {
  return !ctx.legacy?.announceOutsideCoverage && !isOpen(ctx.calendar, ctx.now) && nextOpening(ctx.calendar, ctx.now) !== null;
}

/** Adds to what is held, opening at the next opening after `ctx.now`. */
export function hold<S extends Holder>(state: S, ctx: HoldContext, more: Partial<Omit<Held, 'at'>>): S {
  const at = nextOpening(ctx.calendar, ctx.now) ?? ctx.now;
  const held = state.held ?? { at, slack: [], gitlab: [], escalation: null };
  return {
    ...state,
    held: {
      at: Math.min(held.at, at),
      slack: unique([...held.slack, ...(more.slack ?? [])]),
      gitlab: unique([...held.gitlab, ...(more.gitlab ?? [])]),
      escalation: more.escalation ?? held.escalation,
    },
  };
}

/**
 * A decision as it may go out now: outside coverage its effects lose their mentions, which are
 * held for the opening. Inside coverage (or under a request's legacy rules) it is unchanged.
 */
export function holdOutsideCoverage<E extends MaybeMentions, D extends { state: Holder; effects: E[] }>(decision: D, ctx: HoldContext): D {
  if (!isHolding(ctx)) return decision;
  const slack: string[] = [];
  const gitlab: string[] = [];
  const effects = decision.effects.map((effect): E => {
    if (!effect.mentions || effect.mentions.length === 0) return effect;
    // Slack handles on thread posts, GitLab group paths on tracker notes.
    (effect.kind === 'sync_tracker' ? gitlab : slack).push(...effect.mentions);
    return { ...effect, mentions: [] };
  });
  if (slack.length === 0 && gitlab.length === 0) return { ...decision, effects };
  return { ...decision, state: hold(decision.state, ctx, { slack, gitlab }), effects };
}

/** The one line saying what waits, for the timeline and the Temporal UI. */
export function heldLine(held: Held, ctx: Pick<HoldContext, 'calendar'>): string {
  const what = held.escalation ? `escalation from Tier ${held.escalation.tier}` : 'mentions';
  return `outside coverage: ${what} held until coverage opens ${formatInstant(ctx.calendar, held.at)}`;
}
