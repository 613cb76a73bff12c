/**
 * "Who is on call": the shifts on duty and until when, the next shift and from when, and the
 * regions off today for a holiday, from the shifts registry's shape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { onCallSummary } from '../../domain/on-call.js';
import { nextShift, onShift, type Shift, type ShiftConfig } from '../../domain/shifts.js';
import type { Weekday } from '../../domain/types.js';
import { ZONES } from './support/arbitraries.js';
import { propertyRuns } from './support/property-runs.js';
import { at, show } from './support/time.js';

const WEEKDAYS: Weekday[] = [1, 2, 3, 4, 5];

/** The registry's follow-the-sun shifts (registry/shifts.yaml), fixed here so the cases stay put. */
const config: ShiftConfig = {
  shifts: [
    {
      name: 'APAC',
      timezone: 'Asia/Singapore',
      start: '08:00',
      end: '16:00',
      days: WEEKDAYS,
      slackGroup: 'it-helpdesk-apac',
      rotation: [
        ['aiko.tanaka', 'ravi.menon'],
        ['mei.lin', 'josh.carter'],
      ],
      rotationStart: '2024-01-01',
      holidays: ['2026-12-25', '2027-01-01'],
    },
    {
      name: 'EMEA',
      timezone: 'Europe/London',
      start: '08:00',
      end: '16:00',
      days: WEEKDAYS,
      slackGroup: 'it-helpdesk-emea',
      rotation: [
        ['lena.fischer', 'tom.okafor'],
        ['sofia.rossi', 'piotr.nowak'],
      ],
      rotationStart: '2024-01-01',
      holidays: ['2026-12-25', '2026-12-26', '2026-12-28', '2027-01-01'],
    },
    {
      name: 'AMER',
      timezone: 'America/New_York',
      start: '11:00',
      end: '20:00',
      days: WEEKDAYS,
      slackGroup: 'it-helpdesk-amer',
      rotation: [['maria.gomez', 'dan.wright'], ['kim.nguyen', 'sam.patel'], ['alex.moreau']],
      rotationStart: '2024-01-01',
      holidays: ['2026-12-25', '2027-01-01'],
    },
  ],
};

const only = (...shifts: Shift[]): ShiftConfig => ({ shifts });
const base: Shift = {
  name: 'X',
  timezone: 'UTC',
  start: '09:00',
  end: '17:00',
  days: WEEKDAYS,
  slackGroup: 'x',
  rotation: [['ana']],
  rotationStart: '2024-01-01',
};

describe('who is on call', () => {
  it('on a Monday morning in London: EMEA until 16:00 UTC, AMER next from 16:00 UTC, no holiday', () => {
    const when = at('2024-03-04T10:00');
    expect(onCallSummary(config, when)).toEqual({
      at: when,
      now: [{ shift: 'EMEA', slackGroup: 'it-helpdesk-emea', analysts: ['sofia.rossi', 'piotr.nowak'], until: at('2024-03-04T16:00') }],
      next: { shift: 'AMER', slackGroup: 'it-helpdesk-amer', analysts: ['maria.gomez', 'dan.wright'], startsAt: at('2024-03-04T16:00') },
      holidaysToday: [],
    });
  });

  it('in British summer time EMEA ends at 15:00 UTC and AMER (US summer time) begins then', () => {
    const summary = onCallSummary(config, at('2024-07-02T12:00'));
    expect(summary.now.map((s) => [s.shift, show(s.until)])).toEqual([['EMEA', '2024-07-02T15:00']]);
    expect([summary.next?.shift, show(summary.next?.startsAt ?? null)]).toEqual(['AMER', '2024-07-02T15:00']);
  });

  it('on Christmas Day nobody is on shift, every region is off for the holiday, and APAC opens Monday', () => {
    const summary = onCallSummary(config, at('2026-12-25T10:00'));
    expect(summary.now).toEqual([]);
    expect(summary.holidaysToday).toEqual([
      { shift: 'APAC', slackGroup: 'it-helpdesk-apac', date: '2026-12-25' },
      { shift: 'EMEA', slackGroup: 'it-helpdesk-emea', date: '2026-12-25' },
      { shift: 'AMER', slackGroup: 'it-helpdesk-amer', date: '2026-12-25' },
    ]);
    expect(summary.next).toMatchObject({ shift: 'APAC', startsAt: at('2026-12-28T00:00') });
  });

  it('on the Boxing Day substitute only EMEA is off, and the next shift is AMER that afternoon', () => {
    const summary = onCallSummary(config, at('2026-12-28T10:00'));
    expect(summary.now).toEqual([]);
    expect(summary.holidaysToday).toEqual([{ shift: 'EMEA', slackGroup: 'it-helpdesk-emea', date: '2026-12-28' }]);
    expect(summary.next).toMatchObject({ shift: 'AMER', startsAt: at('2026-12-28T16:00') });
  });

  it('reads the holiday in each shift’s own zone: New Year’s Day comes to Singapore eight hours before London', () => {
    const summary = onCallSummary(config, at('2026-12-31T18:00'));
    expect(summary.holidaysToday).toEqual([{ shift: 'APAC', slackGroup: 'it-helpdesk-apac', date: '2027-01-01' }]);
  });

  it('notes no holiday that falls on a day the shift does not work anyway (a Saturday)', () => {
    expect(onCallSummary(config, at('2026-12-26T10:00')).holidaysToday).toEqual([]);
  });

  it('agrees with onShift and nextShift, whatever the instant', () => {
    for (let hour = 0; hour < 24 * 14; hour += 5) {
      const when = at('2026-12-20T00:00') + hour * 3_600_000;
      const summary = onCallSummary(config, when);
      expect(summary.now.map(({ until: _until, ...on }) => on)).toEqual(onShift(config, when));
      expect(summary.next).toEqual(nextShift(config, when, 14));
    }
  });

  it('an overnight shift runs until the next morning, including the one that began on Friday night', () => {
    const night = only({ ...base, name: 'Night', start: '22:00', end: '06:00' });
    expect(onCallSummary(night, at('2024-03-05T03:00')).now.map((s) => show(s.until))).toEqual(['2024-03-05T06:00']);
    expect(onCallSummary(night, at('2024-03-09T03:00')).now.map((s) => show(s.until))).toEqual(['2024-03-09T06:00']);
  });

  it('a 24-hour rota runs until its last working day ends, or until the day before a holiday', () => {
    const allDay = { ...base, start: '00:00', end: '00:00' };
    expect(onCallSummary(only(allDay), at('2024-03-06T10:00')).now.map((s) => show(s.until))).toEqual(['2024-03-09T00:00']);
    expect(onCallSummary(only({ ...allDay, holidays: ['2024-03-07'] }), at('2024-03-06T10:00')).now.map((s) => show(s.until))).toEqual(['2024-03-07T00:00']);
  });

  it('a shift whose end falls in the spring-forward gap ends when the clocks jump', () => {
    const berlin = only({ ...base, timezone: 'Europe/Berlin', start: '22:00', end: '02:30', days: [6] });
    // Sunday 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    expect(onCallSummary(berlin, at('2024-03-31T00:00', 'Europe/Berlin')).now.map((s) => s.until)).toEqual([Date.UTC(2024, 2, 31, 1)]);
  });

  it('has no next shift when none begins within the horizon', () => {
    const summary = onCallSummary(only({ ...base, days: [] }), at('2024-03-04T10:00'));
    expect(summary).toEqual({ at: at('2024-03-04T10:00'), now: [], next: null, holidaysToday: [] });
  });
});

describe('until when (property)', () => {
  const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const shiftArb = fc
    .record({
      zone: fc.constantFrom(...ZONES),
      start: fc.oneof(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 8 }).map((half) => half * 30),
      ),
      length: fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.constantFrom(60, 480, 1440)),
      days: fc.subarray([1, 2, 3, 4, 5, 6, 7] as Weekday[], { minLength: 1 }),
      holiday: fc.option(fc.integer({ min: 0, max: 20 })),
    })
    .map(({ zone, start, length, days, holiday }): Shift => ({
      ...base,
      timezone: zone,
      start: hhmm(start),
      end: hhmm((start + length) % 1440),
      days,
      ...(holiday === null ? {} : { holidays: [new Date(Date.UTC(2026, 0, 1 + holiday * 17)).toISOString().slice(0, 10)] }),
    }));

  it('a shift on duty now is still on duty a millisecond before `until` and off duty at `until` (a rota without a break: on for the horizon)', () => {
    fc.assert(
      fc.property(shiftArb, fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), (shift, when) => {
        const cfg = only(shift);
        for (const on of onCallSummary(cfg, when).now) {
          expect(on.until).toBeGreaterThan(when);
          expect(onShift(cfg, on.until - 1)).toHaveLength(1);
          if (on.until - when < 14 * 86_400_000) expect(onShift(cfg, on.until)).toEqual([]);
          else expect(shift.days).toHaveLength(7);
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
