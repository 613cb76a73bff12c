/**
 * The floor: the least a Temporal workflow can do and still make the calls a tierflow request's
 * lifecycle (open → warning → breach → escalation) makes — the same number of local activities and
 * activities before its timer and after it, with empty bodies, and one timer. The benchmark runs it
 * on the same worker process and tuning as tierflow (`bench/phases/floor.ts`), so tierflow's cost
 * is read as a ratio to this, measured in the same run.
 */
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';

import type { FloorActivities } from './activities.js';

/** The calls to make, counted from a tierflow lifecycle's history. */
export interface FloorInput {
  /** Local activities first (tierflow plans a request with one). */
  localActivities: number;
  /** Activities before the timer fires. */
  before: number;
  /** The one timer. */
  timerMs: number;
  /** Activities after it. */
  after: number;
}

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });
const { noop: noopLocal } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

/** Makes the calls one after another; answers how many it made. */
export async function floorWorkflow(input: FloorInput): Promise<number> {
  for (let i = 0; i < input.localActivities; i += 1) await noopLocal();
  for (let i = 0; i < input.before; i += 1) await noop();
  await sleep(input.timerMs);
  for (let i = 0; i < input.after; i += 1) await noop();
  return input.localActivities + input.before + input.after;
}
