/** Every Slack user-group handle the configuration mentions, for the sandbox's Slack emulator. */
import type { TierflowConfig } from '../domain/config.js';

export function mentionedGroups(config: TierflowConfig): string[] {
  return [
    ...config.registry.tiers.map((t) => t.slackGroup),
    ...config.shifts.shifts.map((s) => s.slackGroup),
    ...config.registry.systems.map((s) => s.slackOwners),
  ];
}
