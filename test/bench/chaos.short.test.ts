/**
 * The fault harness, short: the same scenarios as `npm run chaos` with small counts, on a dev server
 * of its own (it is stopped and restarted on its SQLite file). A scenario passes when no request is
 * lost and nothing is posted or opened twice; the figures table is printed either way.
 */
import { describe, expect, it } from 'vitest';

import { runFaultHarness } from '../../bench/fault-harness.js';
import { renderTable } from '../../bench/support/stats.js';

describe('the fault harness, short', () => {
  it('loses no request and duplicates no thread or issue through an unreachable Temporal, a server restart, and kill -9 while Slack and GitLab fail', async () => {
    const rows = await runFaultHarness({
      requests: { kill: 12, restart: 4, flaky: 6, unreachable: 4 },
      failureFactor: 0.2,
      firstResponseMs: 8_000,
      downMs: 1_000,
      deadlineMs: 90_000,
      fuzzCases: 0,
      fuzzRealServerCases: 0,
      overlap: true,
      log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
    });
    const table = renderTable('fault harness (short)', rows);
    console.log(table);
    // Correctness only: timing figures (lateness) depend on what else CI runs on the same two cores.
    const judged = rows.filter((r) => !/lateness/.test(r.figure));
    expect(judged.filter((r) => r.verdict === 'MISS').map((r) => `${r.figure}: ${r.value} (target ${r.target}) ${r.note ?? ''}`)).toEqual([]);
    expect(judged.filter((r) => r.verdict === 'PASS').length).toBeGreaterThanOrEqual(9);
  }, 240_000);
});
