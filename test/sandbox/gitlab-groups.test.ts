/** The GitLab emulator's group members, through the real `@gitbeaker/rest` client: direct, inherited, unknown groups, and the same user when assigned. */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createGitlabEmulator, DEFAULT_GITLAB_PROJECT, type GitlabEmulator } from '../../sandbox/index.js';

let gitlab: GitlabEmulator;
let api: InstanceType<typeof Gitlab>;
beforeAll(async () => {
  gitlab = await createGitlabEmulator({ groups: { 'corp/security': ['ciso'], 'corp/security/leadership': ['grace-lead', 'linus-lead'] } });
  api = new Gitlab({ host: gitlab.url, token: 'glpat-test' });
});
afterAll(() => gitlab.close());

const names = (members: unknown) => (members as Array<{ username: string }>).map((m) => m.username);

describe('group members', () => {
  it('lists direct members, and with includeInherited the ancestors’ too', async () => {
    expect(names(await api.GroupMembers.all('corp/security/leadership'))).toEqual(['grace-lead', 'linus-lead']);
    expect(names(await api.GroupMembers.all('corp/security/leadership', { includeInherited: true })).sort()).toEqual(['ciso', 'grace-lead', 'linus-lead']);
    const [member] = (await api.GroupMembers.all('corp/security/leadership')) as unknown as Array<Record<string, unknown>>;
    expect(member).toMatchObject({ username: 'grace-lead', state: 'active', access_level: 30 });
  });

  it('answers 404 for an unknown group, and forgets groups set by a test on reset', async () => {
    gitlab.setGroupMembers('corp/other', ['someone']);
    expect(names(await api.GroupMembers.all('corp/other'))).toEqual(['someone']);
    gitlab.reset();
    await expect(api.GroupMembers.all('corp/other')).rejects.toMatchObject({ cause: { response: { status: 404 } } });
    expect(names(await api.GroupMembers.all('corp/security'))).toEqual(['ciso']);
  });

  it('a member assigned by id is the same user', async () => {
    const [member] = (await api.GroupMembers.all('corp/security/leadership')) as unknown as Array<{ id: number }>;
    await api.Issues.create(DEFAULT_GITLAB_PROJECT, 'Review', { assigneeIds: [member!.id] });
    expect(gitlab.issues(DEFAULT_GITLAB_PROJECT)[0]!.assignees.map((a) => a.username)).toEqual(['grace-lead']);
  });
});
