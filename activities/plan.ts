/**
 * The routing decision for a new request, taken from the loaded registry. Run as a local activity
 * so its result is recorded in history: a later registry change never alters a running request.
 */
import type { TierflowConfig } from '../domain/config.js';
import { findSystem } from '../domain/registry.js';
import { classify } from '../domain/routing.js';
import type { HelpRequestInput, RequestPlan } from '../workflows/contracts.js';

export function createPlanActivities(config: TierflowConfig) {
  return {
    async planRequest(input: HelpRequestInput): Promise<RequestPlan> {
      const routing = classify(config.registry, {
        system: input.system,
        type: input.type,
        summary: input.summary,
        description: input.description,
      });
      const entry = routing.systemId ? findSystem(config.registry, routing.systemId) : undefined;
      return {
        system: entry
          ? { id: entry.id, name: entry.name, gitlabLabel: entry.gitlabLabel, gitlabOwners: entry.gitlabOwners, slackOwners: entry.slackOwners }
          : null,
        type: routing.type,
        startTier: routing.startTier,
        guides: routing.guides,
        shadowItOwner: routing.shadowIt ? `${routing.shadowIt.name}: ${routing.shadowIt.owners}` : null,
        calendar: config.calendar,
        policy: config.policy,
      };
    },
  };
}
