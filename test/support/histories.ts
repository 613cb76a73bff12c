/**
 * Recorded workflow histories for replay tests. `RECORD_HISTORIES=1 npm test` (re)writes them from
 * the lifecycle tests; they are committed, so a workflow change that would break running requests
 * fails the replay test until it is guarded with `patched()`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export const HISTORIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'histories');

/**
 * Saves the handle's history when recording is switched on: `RECORD_HISTORIES=1` writes
 * `<name>.json`; any other value `<name>.<value>.json`, so a new workflow version's histories
 * are kept beside the old ones (e.g. `RECORD_HISTORIES=v2`).
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const mode = process.env.RECORD_HISTORIES;
  if (!mode) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORIES_DIR, mode === '1' ? `${name}.json` : `${name}.${mode}.json`), historyToJSON(history));
}

/** Every committed history, with its file name as workflow id for the replayer's messages. */
export function committedHistories(): Array<{ workflowId: string; history: ReturnType<typeof historyFromJSON> }> {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));
}
