/**
 * Replays the committed histories of real requests against today's workflow code: a change that
 * would break running requests (a non-determinism error) fails here, in CI.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

import { committedHistories } from '../support/histories.js';
import { quietRuntime } from '../support/harness.js';
import { workflowBundle } from '../support/temporal.js';

describe('replaying recorded request histories', () => {
  it('replays every committed history without a determinism error', async () => {
    quietRuntime();
    const histories = committedHistories();
    expect(histories.length).toBeGreaterThanOrEqual(6);
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
