/**
 * Vitest global setup: one Temporal dev server (in memory, headless, our search attributes
 * registered) for the whole test run, started here, waited on until it answers, stopped after.
 * With `TIERFLOW_TEST_TEMPORAL_ADDRESS` set, the run uses that server instead and starts none:
 * `npm run test:cluster` points the end-to-end suite at its PostgreSQL-backed cluster this way
 * (the namespace `default` and our search attributes must already be there).
 */
import type { TestProject } from 'vitest/node';

import { startDevServer } from '../../workers/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

/** The variable naming a running Temporal frontend (`host:port`) for the tests to use. */
export const EXISTING_SERVER_VARIABLE = 'TIERFLOW_TEST_TEMPORAL_ADDRESS';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env[EXISTING_SERVER_VARIABLE]?.trim();
  if (existing) {
    project.provide('temporalAddress', existing);
    return async () => undefined;
  }
  const server = await startDevServer({ dbFile: null, uiPort: null, readyTimeoutMs: 90_000 });
  project.provide('temporalAddress', server.address);
  return () => server.stop();
}
