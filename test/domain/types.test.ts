/** The shared vocabulary: the seed's tiers, priorities and request types, in their order. */
import { describe, expect, it } from 'vitest';

import { DAY_MS, HOUR_MS, MINUTE_MS, PRIORITIES, REQUEST_TYPES, SECOND_MS, TIERS, WEEK_MS } from '../../domain/types.js';

describe('the vocabulary of the help desk', () => {
  it('has five tiers, lowest first', () => {
    expect(TIERS).toEqual([1, 2, 3, 4, 5]);
  });

  it('has four priorities, most urgent first', () => {
    expect(PRIORITIES).toEqual(['P1', 'P2', 'P3', 'P4']);
  });

  it('has four kinds of request', () => {
    expect(REQUEST_TYPES).toEqual(['question', 'access', 'change', 'crisis']);
  });

  it('measures time in fixed-length milliseconds', () => {
    expect([SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS, WEEK_MS]).toEqual([1_000, 60_000, 3_600_000, 86_400_000, 604_800_000]);
  });
});
