/**
 * The plan decided when a request opens, from the repository's own registry: who the first post
 * mentions (the shift on duty, else the next shift to begin), a crisis's P1, calendar and swarm,
 * an access request's tracker issue, and the templates and groups carried for later decisions.
 */
import { describe, expect, it } from 'vitest';

import { createPlanActivities } from '../../activities/plan.js';
import type { HelpRequestInput } from '../../contracts/help-request.js';
import { isOpen } from '../../domain/calendar.js';
import { loadConfig } from '../../registry/load.js';

const config = loadConfig();
const input = (over: Partial<HelpRequestInput> = {}): HelpRequestInput => ({
  id: 'req-1',
  source: 'webhook',
  requester: { email: 'ada@example.com' },
  summary: 'locked out of Okta',
  ...over,
});
const planAt = (at: number, over: Partial<HelpRequestInput> = {}) => createPlanActivities(config, () => at).planRequest(input(over));

/** Tue 1 Dec 2026 10:00 UTC: EMEA on shift. */
const TUESDAY_10 = Date.UTC(2026, 11, 1, 10);
/** Sat 5 Dec 2026 12:00 UTC: nobody on shift until APAC starts Mon 00:00 UTC (08:00 Singapore). */
const SATURDAY_NOON = Date.UTC(2026, 11, 5, 12);

describe('planRequest', () => {
  it('mentions the shift on duty for a Tier 2 request', async () => {
    const plan = await planAt(TUESDAY_10);
    expect(plan).toMatchObject({ startTier: 2, mentions: ['it-helpdesk-emea'] });
    expect(plan.priority).toBeUndefined();
    expect(plan.swarm).toBeUndefined();
  });

  it('off shift mentions the next shift to begin, not the whole analyst group', async () => {
    const plan = await planAt(SATURDAY_NOON);
    expect(plan.mentions).toEqual(['it-helpdesk-apac']);
  });

  it('a crisis is P1 on the always-open crisis calendar, with a swarm of Tier 5 and the system owners', async () => {
    const plan = await planAt(SATURDAY_NOON, { type: 'crisis', system: 'okta-sso' });
    expect(plan).toMatchObject({ startTier: 5, priority: 'P1', swarm: { groups: ['corpsec-leadership', 'sysowners-okta-sso'] } });
    expect(plan.calendar).toEqual(config.crisisCalendar);
    expect(isOpen(plan.calendar, SATURDAY_NOON)).toBe(true);
    expect(plan.mentions).toEqual(['corpsec-leadership', 'sysowners-okta-sso']);
  });

  it("a crisis keeps the priority its requester gave; other requests keep the team's calendar", async () => {
    expect((await planAt(TUESDAY_10, { type: 'crisis', priority: 'P2' })).priority).toBeUndefined();
    expect((await planAt(TUESDAY_10, { type: 'change', system: 'dns' })).calendar).toEqual(config.calendar);
  });

  it('an access request about a known system opens its issue from the access-request template at Tier 2', async () => {
    const plan = await planAt(TUESDAY_10, { type: 'access', system: 'aws', summary: 'need access to the AWS prod account' });
    expect(plan).toMatchObject({ startTier: 2, openTrackerIssue: 'access request for Amazon Web Services (AWS): opened from its access-request template' });
    expect(plan.system).toMatchObject({ id: 'aws', accessRequestTemplate: 'access-request-aws', issueTemplate: 'corpsys-aws' });
    expect((await planAt(TUESDAY_10, { type: 'access', summary: 'access to something' })).openTrackerIssue).toBeUndefined();
  });

  it("carries each tier's GitLab group for the tracker notes", async () => {
    const plan = await planAt(TUESDAY_10);
    expect(plan.contacts.map((c) => [c.tier, c.slackGroup, c.gitlabGroup])).toEqual([
      [1, 'it-helpdesk-analysts', undefined],
      [2, 'it-helpdesk-analysts', undefined],
      [3, 'corpsec-engineers', 'gitlab-com/gl-security/corp'],
      [4, 'corpsec-automation', 'gitlab-com/gl-security/corp/automation'],
      [5, 'corpsec-leadership', 'gitlab-com/gl-security/corp/leadership'],
    ]);
  });
});
