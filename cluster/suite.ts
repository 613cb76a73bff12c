/**
 * Part (a) of `npm run test:cluster`: the end-to-end suite and the SLA report's visibility
 * queries, run by vitest against the cluster instead of a dev server (the global setup uses the
 * server named by `TIERFLOW_TEST_TEMPORAL_ADDRESS` and starts none). vitest's own report goes to our
 * output; its JSON report (in the run's log folder) says which tests failed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../config/settings.js';
import { onTeardown, killGroup } from './teardown.js';

/** The folders run against the cluster; `test/cli` once it holds tests. */
export const SUITE_FOLDERS = ['test/e2e', 'test/queries', 'test/cli'];

export interface SuiteResult {
  folders: string[];
  exitCode: number;
  passed: number;
  failed: number;
  skipped: number;
  /** `file > test name` of every failed test (and every file that failed to load). */
  failures: string[];
  seconds: number;
}

interface JsonReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: Array<{ name: string; status: string; message?: string; assertionResults?: Array<{ fullName: string; status: string }> }>;
}

const hasTests = (folder: string) => {
  const dir = join(PROJECT_ROOT, folder);
  return existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
};

/**
 * Runs the suite against `address`; never throws for failing tests (the result says).
 * @example const result = await runSuite(cluster.address, cluster.logDir);
 */
export async function runSuite(address: string, logDir: string, folders = SUITE_FOLDERS.filter(hasTests)): Promise<SuiteResult> {
  const started = Date.now();
  const jsonFile = join(logDir, 'vitest-report.json');
  const args = ['vitest', 'run', ...folders, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`];
  const child = spawn('npx', args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TIERFLOW_TEST_TEMPORAL_ADDRESS: address },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const forget = onTeardown('vitest', () => killGroup(child.pid));
  const exitCode = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  forget();
  const result: SuiteResult = { folders, exitCode, passed: 0, failed: 0, skipped: 0, failures: [], seconds: (Date.now() - started) / 1000 };
  if (!existsSync(jsonFile)) return { ...result, failed: 1, failures: [`vitest wrote no report (exit code ${exitCode})`] };
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
  result.passed = report.numPassedTests ?? 0;
  result.failed = report.numFailedTests ?? 0;
  result.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const name = file.name.replace(`${PROJECT_ROOT}/`, '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failedTests) result.failures.push(`${name} > ${test.fullName}`);
    if (file.status === 'failed' && failedTests.length === 0) {
      result.failures.push(`${name} (${(file.message ?? 'failed to run').split('\n')[0]})`);
      result.failed += 1;
    }
  }
  return result;
}
