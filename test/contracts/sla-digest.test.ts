/**
 * Digest weeks: ISO weeks in the coverage calendar's zone, the week a Monday-morning run reports,
 * and clear refusals of a week or zone that cannot be used.
 */
import { describe, expect, it } from 'vitest';

import { DigestInputError, digestFileName, digestWeekOf, isoWeekOf, previousWeek, weekBounds } from '../../contracts/sla-digest.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('digest weeks', () => {
  it.each([
    ['2026-W49', 'UTC', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['2026-W49', 'Europe/Berlin', '2026-11-29T23:00:00.000Z', '2026-12-06T23:00:00.000Z'],
    ['2026-W49', 'America/New_York', '2026-11-30T05:00:00.000Z', '2026-12-07T05:00:00.000Z'],
    // A week with a DST change is 167 hours long (Europe springs forward on 29 March 2026).
    ['2026-W13', 'Europe/Berlin', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['2026-W53', 'UTC', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    ['2027-W01', 'UTC', '2027-01-04T00:00:00.000Z', '2027-01-11T00:00:00.000Z'],
  ])('%s in %s runs from %s to %s', (week, zone, since, until) => {
    const bounds = weekBounds(week, zone);
    expect([iso(bounds.since), iso(bounds.until)]).toEqual([since, until]);
  });

  it.each([
    // Monday 08:00 in the zone reports the week that ended at midnight there.
    ['2026-12-07T08:00:00Z', 'UTC', '2026-W49'],
    ['2026-12-07T07:00:00Z', 'Europe/Berlin', '2026-W49'],
    ['2026-12-06T23:00:00Z', 'Asia/Tokyo', '2026-W49'], // already Monday 08:00 in Tokyo
    ['2027-01-04T08:00:00Z', 'UTC', '2026-W53'],
    ['2026-01-05T08:00:00Z', 'UTC', '2026-W01'],
  ])('a run due at %s (%s) reports %s', (at, zone, week) => {
    expect(digestWeekOf(Date.parse(at), zone)).toBe(week);
  });

  it('names the week before and the instant’s own week, across a year', () => {
    expect(previousWeek('2027-W01', 'UTC')).toBe('2026-W53');
    expect(previousWeek('2026-W01', 'UTC')).toBe('2025-W52');
    expect(isoWeekOf(Date.parse('2026-12-31T12:00:00Z'))).toBe('2026-W53');
    expect(digestFileName('2026-W49')).toBe('tierflow-sla-digest-2026-W49.png');
  });

  it.each(['2026-49', '2026-W5', '2025-W53', '2026-W00', "2026-W49' OR 1=1", ''])('refuses the week %j, naming the field', (week) => {
    expect(() => weekBounds(week, 'UTC')).toThrow(DigestInputError);
    expect(() => weekBounds(week, 'UTC')).toThrow(/^week ".*" is not an ISO week such as 2026-W49$/);
  });

  it('refuses an unknown time zone, naming the field', () => {
    let error: unknown;
    try {
      digestWeekOf(0, 'Mars/Olympus_Mons');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DigestInputError);
    expect((error as DigestInputError).field).toBe('timeZone');
    expect((error as Error).message).toMatch(/timeZone "Mars\/Olympus_Mons" is not an IANA time zone/);
  });
});
