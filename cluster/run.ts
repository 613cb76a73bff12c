/**
 * `npm run test:cluster`: tierflow on a production-shaped Temporal cluster (the server on
 * PostgreSQL, built from source on the first run), in three parts:
 *   (a) the end-to-end suite and the SLA report's visibility queries, run against the cluster;
 *   (b) the scale-out under faults: 3 workers and 2 intakes, load, a random SIGKILL every 30 s and
 *       one restart of the Temporal server, then lost / duplicated / lateness counted;
 *   (c) everything torn down (also on Ctrl-C or a crash); exit 1 if anything failed.
 * The short version runs by default; `--minutes 10 --rate 50` is the full one. Progress goes to
 * stderr, the tables to stdout.
 */
import { Command, InvalidArgumentError } from 'commander';

import { fmt, infoRow, renderTable, targetRow, type Row } from '../bench/support/stats.js';
import { startCluster, type Cluster } from './index.js';
import { runScaleOut } from './scale-out.js';
import { runSuite } from './suite.js';

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number`);
  return n;
};

const program = new Command('test:cluster')
  .description('tierflow on a production-shaped Temporal cluster: Temporal server on PostgreSQL, several workers and intakes, faults at random')
  .option('--minutes <n>', 'how long the scale-out load runs', positive('--minutes'), 1.5)
  .option('--rate <n>', 'requests per second during the scale-out', positive('--rate'), 5)
  .option('--kill-every <s>', 'one random worker or intake is SIGKILLed this often (s)', positive('--kill-every'), 30)
  .option('--first-response <s>', 'Tier 2 P1 first-response target in the scale-out (s)', positive('--first-response'), 20)
  .option('--no-suite', 'skip (a), the end-to-end suite')
  .option('--no-scale-out', 'skip (b), the scale-out under faults')
  .parse();

const opts = program.opts<{ minutes: number; rate: number; killEvery: number; firstResponse: number; suite: boolean; scaleOut: boolean }>();
const startedAt = Date.now();
const log = (line: string) => console.error(`[cluster +${fmt((Date.now() - startedAt) / 1000, 0)}s] ${line}`);

async function main(): Promise<boolean> {
  const cluster: Cluster = await startCluster({ log });
  let ok = true;
  try {
    const t = cluster.timings;
    const setup: Row[] = [
      infoRow(
        'cluster up',
        `${fmt(t.binaries + t.postgres + t.schemas + t.server + t.namespace)} s`,
        `binaries ${t.built ? `built in ${fmt(t.binaries, 0)} s` : 'reused'}, PostgreSQL ${fmt(t.postgres)} s, schemas ${fmt(t.schemas)} s, server ${fmt(t.server)} s, namespace + search attributes ${fmt(t.namespace)} s`,
      ),
    ];
    if (opts.suite) {
      log(`(a) the end-to-end suite and the visibility queries against ${cluster.address}`);
      const suite = await runSuite(cluster.address, cluster.logDir);
      setup.push(
        targetRow(
          `(a) ${suite.folders.join(', ')}`,
          `${suite.passed} passed, ${suite.failed} failed${suite.skipped ? `, ${suite.skipped} skipped` : ''}`,
          '0 failed',
          suite.failed === 0 && suite.exitCode === 0,
          `${fmt(suite.seconds, 0)} s`,
        ),
        ...suite.failures.map((f) => infoRow('    failed', f)),
      );
      ok &&= suite.failed === 0 && suite.exitCode === 0;
    }
    console.log(`\n${renderTable(`tierflow on Temporal ${cluster.version} + PostgreSQL (${cluster.shards} shards)`, setup)}\n`);

    if (opts.scaleOut) {
      log(`(b) the scale-out under faults: ${opts.minutes} min at ${opts.rate}/s`);
      const result = await runScaleOut(cluster, {
        minutes: opts.minutes,
        rate: opts.rate,
        workers: 3,
        intakes: 2,
        killEveryMs: opts.killEvery * 1000,
        firstResponseMs: opts.firstResponse * 1000,
        // Generous: on a busy machine lifecycles end late, and late is not lost (the duration says how late).
        drainMs: Math.max(300_000, opts.minutes * 60_000),
        log,
      });
      console.log(`\n${renderTable('(b) scale-out under faults', result.rows)}\n`);
      ok &&= result.ok;
    }
  } catch (err) {
    ok = false;
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    if (!ok) log(`logs kept in ${cluster.keepLogs()}`);
    log('(c) tearing down: Temporal server, PostgreSQL, the temp folder');
    cluster.stop();
  }
  log(`${ok ? 'passed' : 'FAILED'} in ${fmt((Date.now() - startedAt) / 1000, 0)} s`);
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
