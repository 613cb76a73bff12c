/**
 * Benchmark (not a test): the cost of computing a deadline (addCoverage) and coverage time
 * (coverageBetween) grows with the weeks spanned, not with the minutes. Run: npx tsx bench/deadline.ts
 *
 * "cold" empties the time-zone offset memo before every call (every day's offset is looked up in
 * the IANA database through luxon); "warm" repeats calls over the same days, as a workflow
 * replaying or a status page refreshing does. A minute-stepping implementation would cost about
 * 10,080 steps per week spanned; the ns/week column should stay roughly flat instead.
 */
import { addCoverage, coverageBetween, DEFAULT_CALENDAR, type CoverageCalendar, type WeeklyWindow } from '../domain/calendar.js';
import { clearOffsetMemo } from '../domain/time-zone.js';
import type { Weekday } from '../domain/types.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const START = Date.UTC(2025, 0, 6, 9); // a Monday, 09:00 UTC

const weekdays = [1, 2, 3, 4, 5] as const;
const region = (from: string, to: string, nextDay = false): WeeklyWindow[] =>
  weekdays.map((day) => ({ start: { day, time: from }, end: { day: (nextDay ? day + 1 : day) as Weekday, time: to } }));

const CALENDARS: Array<[string, CoverageCalendar]> = [
  ['24x5 UTC', DEFAULT_CALENDAR],
  [
    '24x5 Los Angeles + holidays',
    {
      timezone: 'America/Los_Angeles',
      windows: DEFAULT_CALENDAR.windows,
      holidays: ['2025-01-01', '2025-05-26', '2025-07-04', '2025-11-27', '2025-12-25', '2026-01-01'],
    },
  ],
  [
    'follow-the-sun, 3 regions, London',
    { timezone: 'Europe/London', windows: [...region('00:00', '07:30'), ...region('08:00', '15:30'), ...region('16:00', '00:00', true)], holidays: [] },
  ],
];

const SPANS: Array<[string, number]> = [
  ['1h', HOUR],
  ['1 week', WEEK],
  ['10 weeks', 10 * WEEK],
  ['100 weeks', 100 * WEEK],
];

/** Mean µs per call of `fn`, over at least `minMs` of repeated calls. */
function measure(fn: () => unknown, cold: boolean, minMs = 150): number {
  let calls = 0;
  let spent = 0;
  while (spent < minMs || calls < 5) {
    if (cold) clearOffsetMemo();
    const t0 = performance.now();
    fn();
    spent += performance.now() - t0;
    calls += 1;
  }
  return (spent * 1000) / calls;
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));
const rows: string[][] = [];
for (const [calendarName, cal] of CALENDARS) {
  for (const [spanName, span] of SPANS) {
    // addCoverage: a target of `span` coverage time; coverageBetween: a wall-clock span of `span`.
    const deadline = addCoverage(cal, START, span);
    const cases: Array<[string, () => unknown, number]> = [
      ['addCoverage', () => addCoverage(cal, START, span), deadline - START],
      ['coverageBetween', () => coverageBetween(cal, START, START + span), span],
    ];
    for (const [fn, call, spannedMs] of cases) {
      const weeks = spannedMs / WEEK;
      const cold = measure(call, true);
      const warm = measure(call, false);
      rows.push([
        calendarName,
        fn,
        spanName,
        weeks.toFixed(2),
        Math.round(spannedMs / 60_000).toLocaleString('en-US'),
        cold.toFixed(1),
        warm.toFixed(1),
        Math.round((warm * 1000) / Math.max(weeks, 1)).toLocaleString('en-US'),
      ]);
    }
  }
}

const header = ['calendar', 'function', 'target/span', 'weeks spanned', 'minutes spanned', 'µs/call cold', 'µs/call warm', 'ns/week warm'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0, i >= 3)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
