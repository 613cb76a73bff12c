/**
 * The floor phase, short: tierflow against the floor workflow on the test run's dev server, a
 * handful of lifecycles and parked workflows of each kind. Too small for the targets (a few
 * lifecycles on two shared cores): it checks that every figure is measured and printed as a number,
 * and that the floor made the calls it was given, counted from tierflow's own histories.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { floorStackOptions, measureFloor } from '../../bench/phases/floor.js';
import { startStack, type Stack } from '../../bench/support/stack.js';
import { renderTable } from '../../bench/support/stats.js';

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** A figure's cell holds a finite number (`1.23×`, `45.6 ms`, `-12 KiB`), not `n/a`. */
const NUMBER = /^-?[\d,]+(\.\d+)?(×| ms| KiB)$/;

describe('the floor phase, short', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ...floorStackOptions(5_000, { maxCachedWorkflows: 400 }), temporalAddress: inject('temporalAddress') });
  });
  afterAll(async () => stack?.close());

  it('prints worker CPU per lifecycle, WFT execution, replay and memory per cached workflow of tierflow against the floor, each with both figures', async () => {
    const rows = await measureFloor(stack, { lifecycles: 8, warmup: 3, parked: 10, levels: 2, replaySample: 3, startConcurrency: 16, log });
    console.log(renderTable('floor (short)', rows));
    const value = (figure: string) => rows.find((r) => r.figure === figure)?.value;

    expect(value('lifecycle calls, tierflow (P1 open → escalation)')).toMatch(
      /^1 local \+ \d+ activities before the first timer, \d+ after; 2 timer\(s\) fired/,
    );
    expect(value('lifecycle calls, floor')).toMatch(/^1 local \+ \d+ activities before the first timer, \d+ after; 1 timer\(s\) fired/);
    const ratios = [
      'worker CPU per lifecycle, tierflow / floor',
      'WFT execution mean (cache hit), tierflow / floor',
      'WFT execution mean at low load, tierflow / floor',
      'replay after eviction per WFT, tierflow / floor',
      'memory per cached workflow, tierflow / floor',
    ];
    for (const figure of ratios) {
      expect(value(figure), figure).toMatch(NUMBER);
      const note = rows.find((r) => r.figure === figure)?.note ?? '';
      expect(note, figure).toMatch(/^tierflow -?[\d,.]+ (ms|KiB)\b.*, floor -?[\d,.]+ (ms|KiB)\b/);
    }
    expect(value('WFT execution mean (cache hit), tierflow')).toMatch(NUMBER);
    expect(value('memory per cached workflow, tierflow')).toMatch(NUMBER);
  }, 300_000);
});
