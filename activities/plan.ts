/**
 * The routing decision for a new request, taken from the loaded registry. Run as a local activity
 * so its result is recorded in history: a later registry change never alters a running request.
 */
import type { TierflowConfig } from '../domain/config.js';
import type { SystemRef, TierContact } from '../domain/request.js';
import { findSystem, type SystemEntry } from '../domain/registry.js';
import { classify } from '../domain/routing.js';
import { nextShift, onShift } from '../domain/shifts.js';
import type { HelpRequestInput, RequestPlan } from '../contracts/help-request.js';

function systemRef(entry: SystemEntry): SystemRef {
  return {
    id: entry.id,
    name: entry.name,
    gitlabLabel: entry.gitlabLabel,
    gitlabOwners: entry.gitlabOwners,
    slackOwners: entry.slackOwners,
    issueTemplate: entry.issueTemplate,
    accessRequestTemplate: entry.accessRequestTemplate,
  };
}

export function createPlanActivities(config: TierflowConfig, now: () => number = Date.now) {
  const contacts: TierContact[] = config.registry.tiers.map((t) => ({
    tier: t.tier,
    name: t.name,
    slackGroup: t.slackGroup,
    ...(t.gitlabGroup ? { gitlabGroup: t.gitlabGroup } : {}),
  }));
  const systems = config.registry.systems.map(systemRef);
  return {
    async planRequest(input: HelpRequestInput): Promise<RequestPlan> {
      const routing = classify(config.registry, {
        system: input.system,
        type: input.type,
        summary: input.summary,
        description: input.description,
      });
      const entry = routing.systemId ? findSystem(config.registry, routing.systemId) : undefined;
      const startGroup = contacts.find((c) => c.tier === routing.startTier)?.slackGroup;
      const at = now();
      // Tier 2 mentions the analysts on shift (follow-the-sun), or off shift the next shift to begin
      // (outside coverage the mention waits for the opening); higher tiers their group and the system owners.
      const tier2 = (): string[] => {
        const on = onShift(config.shifts, at).map((s) => s.slackGroup);
        if (on.length > 0) return on;
        const next = nextShift(config.shifts, at);
        return next ? [next.slackGroup] : [];
      };
      const mentions = routing.startTier <= 2 ? tier2() : [startGroup, entry?.slackOwners].filter((m): m is string => !!m);
      if (mentions.length === 0 && startGroup) mentions.push(startGroup);
      const crisis = routing.type === 'crisis';
      const tier5 = contacts.find((c) => c.tier === 5)?.slackGroup;
      return {
        ...(crisis && !input.priority ? { priority: 'P1' as const } : {}),
        ...(routing.type === 'access' && entry && routing.startTier === 2
          ? { openTrackerIssue: `access request for ${entry.name}: opened from its access-request template` }
          : {}),
        ...(crisis ? { swarm: { groups: [tier5, entry?.slackOwners].filter((g): g is string => !!g) } } : {}),
        system: entry ? systemRef(entry) : null,
        type: routing.type,
        startTier: routing.startTier,
        guides: routing.guides,
        shadowItOwner: routing.shadowIt ? `${routing.shadowIt.name}: ${routing.shadowIt.owners}` : null,
        mentions: [...new Set(mentions)],
        calendar: crisis ? config.crisisCalendar : config.calendar,
        policy: config.policy,
        contacts,
        systems,
      };
    },
  };
}
