/**
 * Properties of the coverage edges, over random requests driven through every timer they set:
 * outside coverage nothing pages anyone and nothing escalates; whatever was held goes out at an
 * instant the window is open; an SLA breach escalates at its instant or at the first opening after it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALENDAR, isOpen, nextOpening } from '../../domain/calendar.js';
import { nextWakeUp, onTimersDue } from '../../domain/request-timers.js';
import type { Effect, RequestState } from '../../domain/request.js';
import { PRIORITIES } from '../../domain/types.js';
import { act, ctxAt, DAY, HOUR, open } from './support/requests.js';

const cal = DEFAULT_CALENDAR;
/** Fri 20 Nov 2026 00:00 UTC: three weeks of instants from here cover weekends and both edges. */
const START = Date.UTC(2026, 10, 20);
const paged = (effects: Effect[]) => effects.some((e) => 'mentions' in e && e.mentions !== undefined && e.mentions.length > 0);

const arbitraryRequest = fc.record({
  // Whole quarter hours, so instants land exactly on window edges often.
  openedAt: fc.integer({ min: 0, max: 21 * 96 }).map((q) => START + q * 15 * 60_000),
  priority: fc.constantFrom(...PRIORITIES),
  type: fc.constantFrom('question' as const, 'access' as const, 'change' as const),
  // When (hours after opening) an analyst acknowledges, if at all: it lets the resolution clock run out.
  acknowledgeAfterH: fc.option(fc.integer({ min: 1, max: 60 })),
});

describe('coverage edges (property)', () => {
  it('nothing pages or escalates while the window is closed; held pages go out at an opening', () => {
    fc.assert(
      fc.property(arbitraryRequest, ({ openedAt, priority, type, acknowledgeAfterH }) => {
        let state: RequestState = open(openedAt, { priority, type, startTier: type === 'change' ? 3 : 2 });
        if (!isOpen(cal, openedAt)) expect(state.held?.at).toBe(nextOpening(cal, openedAt));
        let acknowledged = acknowledgeAfterH === null;
        let breachedAt: number | null = null;
        for (let step = 0; step < 40; step += 1) {
          const wake = nextWakeUp(state, cal);
          if (wake === null || wake.at > openedAt + 60 * DAY) break;
          if (!acknowledged && state.status === 'open' && openedAt + acknowledgeAfterH! * HOUR <= wake.at) {
            acknowledged = true;
            const at = openedAt + acknowledgeAfterH! * HOUR;
            const decision = act(state, 'acknowledge', {}, at);
            if (!isOpen(cal, at)) expect(paged(decision.effects)).toBe(false);
            state = decision.state;
            continue;
          }
          const heldBefore = state.held ?? null;
          const decision = onTimersDue(state, ctxAt(wake.at));
          const open_ = isOpen(cal, wake.at);
          if (!open_) {
            expect(paged(decision.effects)).toBe(false);
            expect(decision.events.filter((e) => e.kind === 'escalated')).toEqual([]);
          }
          if (heldBefore && heldBefore.at <= wake.at) expect(open_).toBe(true);
          for (const event of decision.events) {
            if (event.kind === 'sla_breached' && event.handledAt !== null && breachedAt === null) breachedAt = event.handledAt;
            if (event.kind === 'escalated' && event.cause === 'sla_breach' && breachedAt !== null) {
              expect([breachedAt, nextOpening(cal, breachedAt)]).toContain(wake.at);
              breachedAt = null;
            }
          }
          state = decision.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
