/**
 * Vitest global setup: one Temporal dev server (in memory, headless, our search attributes
 * registered) for the whole test run, started here, waited on until it answers, stopped after.
 */
import type { TestProject } from 'vitest/node';

import { startDevServer } from '../../workers/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({ dbFile: null, uiPort: null, readyTimeoutMs: 90_000 });
  project.provide('temporalAddress', server.address);
  return () => server.stop();
}
