// @ts-check
/**
 * `npm run mutation`: mutation testing of the pure domain/ core, killed by test/domain/** alone
 * (vitest.mutation.config.ts: no Temporal dev server, fewer property-test cases). Per-test
 * coverage, so each mutant runs only the tests that reach it. Reports go to reports/mutation/
 * (git-ignored): index.html to browse, mutation.json for tools.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['domain/**/*.ts'],
  concurrency: 2,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
};
