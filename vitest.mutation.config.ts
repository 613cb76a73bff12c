/**
 * Vitest for `npm run mutation` (stryker.config.json): the domain tests only, without the Temporal
 * dev server that `vitest.config.ts` starts for the whole suite, and with fewer property-test
 * cases per mutant (TIERFLOW_PROPERTY_RUNS, 200 unless set; `npm test` keeps each test's default).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts'],
    env: { TIERFLOW_PROPERTY_RUNS: process.env.TIERFLOW_PROPERTY_RUNS ?? '200' },
    testTimeout: 60_000,
  },
});
