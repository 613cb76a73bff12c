/**
 * `npm run chaos` — the fault harness: kill -9 the worker with 200 requests in flight, restart the
 * Temporal server on its SQLite file, Slack and GitLab failing for a while, Temporal unreachable at
 * the intake, then ≥ 10,000 fuzz cases over every intake route. Prints one table; stops by itself.
 * `CHAOS_SCALE` (0 < scale ≤ 1) shrinks the counts. Progress goes to stderr, the table to stdout.
 */
import { runFaultHarness } from './fault-harness.js';
import { renderTable } from './support/stats.js';

const raw = process.env.CHAOS_SCALE?.trim();
const scale = raw ? Number(raw) : 1;
if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
  console.error(`CHAOS_SCALE must be a number in (0, 1], got "${raw}"`);
  process.exit(1);
}
const startedAt = Date.now();
const log = (line: string) => console.error(`[chaos +${((Date.now() - startedAt) / 1000).toFixed(0)}s] ${line}`);
const n = (count: number) => Math.max(4, Math.round(count * scale));

runFaultHarness({
  requests: { kill: n(200), restart: n(40), flaky: n(60), unreachable: n(30) },
  failureFactor: Math.max(0.2, scale),
  firstResponseMs: 25_000,
  downMs: 5_000,
  deadlineMs: 240_000,
  fuzzCases: Math.max(1_000, Math.round(12_000 * scale)),
  fuzzRealServerCases: Math.max(50, Math.round(300 * scale)),
  log,
}).then(
  (rows) => {
    console.log(`\n${renderTable('tierflow fault harness', rows)}`);
    process.exit(rows.some((r) => r.verdict === 'MISS') ? 1 : 0);
  },
  (err: unknown) => {
    console.error(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
