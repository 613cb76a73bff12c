import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../domain/duration.js';
import { DAY, HOUR, MINUTE } from './support/time.js';

describe('parseDuration reads durations as written in the registry', () => {
  it.each([
    ['4h', 4 * HOUR],
    ['30m', 30 * MINUTE],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['45s', 45_000],
    ['1h 30m', 90 * MINUTE],
    ['1h30m', 90 * MINUTE],
    [' 1.5h ', 90 * MINUTE],
    ['2D 4H', 2 * DAY + 4 * HOUR],
    ['1.25h', 75 * MINUTE],
    ['0.5s', 500],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([[''], ['   '], ['4'], ['h'], ['4 hours'], ['-4h'], ['4h x'], ['4y']])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration shows the two largest units', () => {
  it.each([
    [100 * MINUTE, '1h 40m'],
    [2 * DAY + 3 * HOUR + 5 * MINUTE, '2d 3h'],
    [45_000, '45s'],
    [0, '0s'],
    [999, '0s'],
    [DAY + 5 * MINUTE, '1d'],
    [4 * HOUR, '4h'],
    [-(HOUR + 5 * MINUTE), '-1h 5m'],
    [Number.POSITIVE_INFINITY, '∞'],
    [Number.NEGATIVE_INFINITY, '-∞'],
    [-500, '0s'],
    [3 * DAY + 59_999, '3d'],
    [HOUR + 59 * MINUTE + 59_999, '1h 59m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
