/** Reading shadow-IT systems from a tech_stack.yml-style list: lenient, and honest about what it skips. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../registry/load.js';
import { importTechStack } from '../../registry/tech-stack.js';

const managed = loadConfig().registry.systems;

describe('importTechStack', () => {
  it.each<[string, unknown, { name: string; owners: string; slackChannel?: string } | null, string | null]>([
    [
      'all owner fields, in a fixed order',
      { title: 'Salesforce', business_owner: 'VP Sales', technical_owner: 'Sales Systems', group_owner: 'Sales', group_owner_slack_channel: '#sales-systems' },
      { name: 'Salesforce', owners: 'technical owner: Sales Systems; business owner: VP Sales; group: Sales', slackChannel: '#sales-systems' },
      null,
    ],
    ['owners given as a list', { title: 'Zendesk', technical_owner: ['Ana', 'Ben'] }, { name: 'Zendesk', owners: 'technical owner: Ana, Ben' }, null],
    [
      'placeholders such as null, TBD and Unknown are not owners',
      { title: 'Gong', business_owner: 'Revenue Ops', technical_owner: 'TBD', group_owner: 'null', group_owner_slack_channel: 'Unknown' },
      { name: 'Gong', owners: 'business owner: Revenue Ops' },
      null,
    ],
    [
      'unknown keys are ignored',
      { title: 'Figma', business_owner: 'Design', saas: true, now_id: null, data_classification: 'Orange' },
      { name: 'Figma', owners: 'business owner: Design' },
      null,
    ],
    ['a number as title is read as text', { title: 42, business_owner: 'Someone' }, { name: '42', owners: 'business owner: Someone' }, null],
    [
      'an entry without owners is skipped',
      { title: 'Miro', business_owner: null },
      null,
      '[0] "Miro": no owner (technical_owner, business_owner and group_owner are all missing)',
    ],
    ['an entry without a title is skipped', { business_owner: 'Someone' }, null, '[0]: no title'],
    ['an entry that is not a mapping is skipped', 'Salesforce', null, '[0]: not a mapping'],
    [
      'a system Corporate Security manages, by alias, is skipped',
      { title: 'Amazon Web Services', business_owner: 'Infra' },
      null,
      '[0] "Amazon Web Services": managed by Corporate Security as aws (see systems.yaml)',
    ],
  ])('%s', (_name, entry, system, skipped) => {
    const result = importTechStack([entry], managed);
    expect(result?.shadowIt).toEqual(system === null ? [] : [system]);
    expect(result?.skipped).toEqual(skipped === null ? [] : [skipped]);
  });

  it('skips a second entry with the same title', () => {
    const result = importTechStack(
      [
        { title: 'Tableau', technical_owner: 'Data' },
        { title: 'tableau', technical_owner: 'Other' },
      ],
      managed,
    );
    expect(result?.shadowIt.map((s) => s.owners)).toEqual(['technical owner: Data']);
    expect(result?.skipped).toEqual(['[1] "tableau": duplicate title']);
  });

  it('reads an empty file as no systems and refuses a file that is not a list', () => {
    expect(importTechStack(null, managed)).toEqual({ shadowIt: [], skipped: [] });
    expect(importTechStack({ title: 'Salesforce' }, managed)).toBeUndefined();
  });
});
