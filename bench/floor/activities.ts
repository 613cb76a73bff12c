/**
 * The floor's activities: empty bodies, so an activity costs only what Temporal and the worker
 * charge for scheduling, running and completing one. The same function serves as a local activity.
 */

/** Activities the floor workflow calls (`bench/floor/workflows.ts`). */
export const floorActivities = {
  /** Does nothing: the cost measured is the call's, not the body's. */
  async noop(): Promise<void> {},
};

export type FloorActivities = typeof floorActivities;
