import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createUsergroupDirectory } from '../../activities/slack-groups.js';
import { startIntegrations, type Integrations } from './support/fixtures.js';

let it_: Integrations;
beforeAll(async () => {
  it_ = await startIntegrations();
});
afterAll(() => it_.close());
beforeEach(() => it_.slackEmu.reset());

const lookups = () => it_.slackEmu.calls.filter((c) => c.path.endsWith('usergroups.list')).length;

describe('user-group mentions', () => {
  it('resolves handles with one usergroups.list, cached across calls', async () => {
    const groups = createUsergroupDirectory(it_.clients.slack, { now: () => 0 });
    expect(await groups.mentions(['it-helpdesk-analysts', '@corpsec-automation'])).toEqual(['<!subteam^S0HELPDESK>', '<!subteam^S0CSAUTO>']);
    expect(await groups.mentions(['IT-Helpdesk-Analysts'])).toEqual(['<!subteam^S0HELPDESK>']);
    expect(lookups()).toBe(1);
  });

  it('looks an unknown handle up again at most once a minute, then falls back to plain @handle text', async () => {
    let now = 0;
    const groups = createUsergroupDirectory(it_.clients.slack, { now: () => now });
    expect(await groups.mentions(['new-group'])).toEqual(['@new-group']);
    now = 30_000;
    expect(await groups.mentions(['new-group'])).toEqual(['@new-group']);
    expect(lookups()).toBe(1);
    now = 61_000;
    expect(await groups.mentions(['new-group', 'it-helpdesk-analysts'])).toEqual(['@new-group', '<!subteam^S0HELPDESK>']);
    expect(lookups()).toBe(2);
  });

  it('reloads the cache after an hour even without a miss', async () => {
    let now = 0;
    const groups = createUsergroupDirectory(it_.clients.slack, { now: () => now });
    await groups.mentions(['it-helpdesk-analysts']);
    now = 3_600_000;
    await groups.mentions(['it-helpdesk-analysts']);
    expect(lookups()).toBe(2);
  });

  it('shares one lookup between concurrent calls', async () => {
    const groups = createUsergroupDirectory(it_.clients.slack);
    await Promise.all([groups.mentions(['it-helpdesk-analysts']), groups.mentions(['corpsec-automation'])]);
    expect(lookups()).toBe(1);
  });

  it('lets a failed lookup fail the call, and tries again on the next one', async () => {
    const groups = createUsergroupDirectory(it_.clients.slack, { now: () => 0 });
    it_.slackEmu.failNext('usergroups.list', { kind: 'server_error' });
    await expect(groups.mentions(['it-helpdesk-analysts'])).rejects.toThrow(/500/);
    expect(await groups.mentions(['it-helpdesk-analysts'])).toEqual(['<!subteam^S0HELPDESK>']);
  });
});
