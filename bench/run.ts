/**
 * `npm run bench` — the benchmark: starts its own dev server, emulators, worker and intake on
 * loopback, measures, prints one table of figures (PASS/MISS per target) and stops by itself.
 * `npm run bench -- fuzz` runs the bad-input fuzzing harness instead (also part of `npm run chaos`);
 * `npm run bench -- <phase>…` runs only those phases (floor, front-door, first-post, lifecycle, open);
 * `npm run bench -- floor --cache-table` measures the worker's RSS against its cache size instead.
 *
 * Environment: `BENCH_SCALE` (0 < scale ≤ 1, default 1) shrinks counts and durations;
 * `BENCH_MAX_CACHED` sets the worker's workflow cache (default 400: the largest size measured whose
 * 10,000 open requests peaked under 1 GiB, 911 MiB; 1,000 peaked at 1,244 MiB — bench/README.md,
 * "Cache sizing"). With `--cache-table`: `BENCH_CACHE_SIZES` (default 100,400,1000,2000) and
 * `BENCH_CACHE_CHECK`, the cache of the 10,000-open run (default 2,000).
 * Progress goes to stderr, the tables to stdout.
 */
import { PHASES, renderTable, runBenchmark, runCacheTable, runDeadlineBench, type Phase } from './benchmark.js';
import { runFuzzHarness } from './fuzz/harness.js';

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return value;
}

const startedAt = Date.now();
const log = (line: string) => console.error(`[bench +${((Date.now() - startedAt) / 1000).toFixed(0)}s] ${line}`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === 'fuzz') {
    const { rows } = await runFuzzHarness({ cases: envNumber('FUZZ_CASES', 12_000, 1, 10_000_000), realServerCases: 300, log });
    console.log(`\n${renderTable('tierflow intake fuzzing', rows)}`);
    return;
  }
  if (args.includes('--cache-table')) {
    const sizes = (process.env.BENCH_CACHE_SIZES ?? '100,400,1000,2000').split(',').filter(Boolean).map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 2))
      throw new Error(`BENCH_CACHE_SIZES must be a comma-separated list of integers ≥ 2, got "${process.env.BENCH_CACHE_SIZES}"`);
    const open = Math.round(10_000 * envNumber('BENCH_SCALE', 1, 0.001, 1));
    const cached = Math.min(open, envNumber('BENCH_CACHE_CHECK', 2_000, 2, 1_000_000));
    const rows = await runCacheTable({ sizes, open, cached, log });
    console.log(`\n${renderTable('tierflow worker cache sizing', rows)}`);
    return;
  }
  const unknown = args.filter((a) => !(PHASES as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown phase "${unknown.join(' ')}": run "npm run bench", "npm run bench -- fuzz" or "npm run bench -- ${PHASES.join('|')}"`);
  const phases = args.length > 0 ? (args as Phase[]) : PHASES;
  const scale = envNumber('BENCH_SCALE', 1, 0.001, 1);
  const rows = await runBenchmark({ scale, phases, maxCachedWorkflows: envNumber('BENCH_MAX_CACHED', 400, 2, 1_000_000), log });
  const deadline = args.length === 0 ? (log('calendar arithmetic (bench/deadline.ts)'), runDeadlineBench()) : null;
  console.log(`\n${renderTable('tierflow benchmark', rows)}`);
  if (deadline) console.log(`\ncalendar arithmetic (bench/deadline.ts)\n${deadline}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
