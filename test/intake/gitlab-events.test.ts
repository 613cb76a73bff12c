/**
 * The pure decisions behind `POST /webhooks/gitlab`: which request a hook concerns comes from the
 * numbers GitLab sets (project id, iid) and from what tierflow recorded, never from the issue's text.
 */
import { describe, expect, it } from 'vitest';

import { requestMarker } from '../../contracts/tracker-marker.js';
import {
  decideIssueAction,
  decideIssueHook,
  decideIssueOpen,
  decideNoteHook,
  type ActOnIssueDecision,
  type OpenIssueDecision,
} from '../../intake/gitlab-events.js';
import { issueHookSchema, noteHookSchema } from '../../intake/gitlab-schemas.js';
import { issueHook, noteHook, TRACKER_ID, TRACKER_PATH } from './support/payloads.js';

const ctx = { project: TRACKER_PATH };
const marked = (id: string) => `text\n\n<!-- ${requestMarker(id)} -->`;
const issue = (...args: Parameters<typeof issueHook>) => issueHookSchema.parse(issueHook(...args));
const note = (...args: Parameters<typeof noteHook>) => noteHookSchema.parse(noteHook(...args));

describe('what a hook needs looked up', () => {
  it.each([
    ['a close', issue('close', { iid: 40, description: marked('req-json-victim') }), 'resolve'],
    ['a reopen', issue('reopen', { iid: 40, description: marked('req-json-victim') }), 'reopen'],
    ['a note', note('done', { iid: 40, description: marked('req-json-victim') }), 'comment'],
  ])('%s on an issue names the issue by project id and iid, whatever marker its description carries', (_name, hook, action) => {
    const decision = 'object_kind' in hook && hook.object_kind === 'note' ? decideNoteHook(hook, ctx) : decideIssueHook(hook as ReturnType<typeof issue>, ctx);
    expect(decision).toMatchObject({ kind: 'act_on_issue', issue: { projectId: TRACKER_ID, iid: 40 }, bornId: `req-gitlab-${TRACKER_ID}-40`, action });
    expect(JSON.stringify(decision)).not.toContain('req-json-victim');
  });

  it('an open carries the marked id only as a reason to hold back, and the new request records the issue with its project id', () => {
    const decision = decideIssueHook(issue('open', { iid: 40, description: marked('req-json-victim') }), ctx);
    expect(decision).toMatchObject({
      kind: 'open_issue',
      issue: { projectId: TRACKER_ID, iid: 40 },
      markedId: 'req-json-victim',
      input: { id: `req-gitlab-${TRACKER_ID}-40`, gitlabIssue: { iid: 40, projectId: TRACKER_ID } },
    });
  });
});

describe('which request a close, reopen or note acts on', () => {
  const decision: ActOnIssueDecision = {
    kind: 'act_on_issue',
    issue: { projectId: TRACKER_ID, iid: 40 },
    bornId: `req-gitlab-${TRACKER_ID}-40`,
    action: 'resolve',
    args: { actor: 'mallory', source: 'gitlab' },
  };
  it.each([
    ['the request the issue started', { born: { running: true, trackerIssue: `${TRACKER_ID}#40` }, recordedBy: null }, `req-gitlab-${TRACKER_ID}-40`],
    ['the request the issue started, even when closed', { born: { running: false, trackerIssue: null }, recordedBy: null }, `req-gitlab-${TRACKER_ID}-40`],
    ['the request that records the issue', { born: null, recordedBy: 'req-json-a' }, 'req-json-a'],
    ['none: an untracked issue', { born: null, recordedBy: null }, null],
  ])('%s', (_name, facts, id) => {
    const decided = decideIssueAction(decision, facts);
    if (id) expect(decided).toEqual({ kind: 'act', id, action: 'resolve', args: decision.args });
    else expect(decided).toEqual({ kind: 'ignore', label: 'untracked_issue', reason: 'untracked issue' });
  });
});

describe('whether an opened issue starts a request', () => {
  const input = {
    id: `req-gitlab-${TRACKER_ID}-40`,
    source: 'gitlab' as const,
    requester: { email: 'm@users.gitlab.invalid' },
    summary: 's',
    type: 'change' as const,
  };
  const open = (markedId: string | null): OpenIssueDecision => ({ kind: 'open_issue', issue: { projectId: TRACKER_ID, iid: 40 }, markedId, input });
  const here = `${TRACKER_ID}#40`;

  it.each([
    ['no marker, recorded by nobody', open(null), { recordedBy: null, marked: null }, 'start'],
    ['a marker naming no request', open('req-json-ghost'), { recordedBy: null, marked: null }, 'start'],
    [
      'a marker naming a request that records another issue (a copied marker)',
      open('req-json-victim'),
      { recordedBy: null, marked: { running: true, trackerIssue: `${TRACKER_ID}#7` } },
      'start',
    ],
    [
      'a marker naming a finished request without an issue',
      open('req-json-old'),
      { recordedBy: null, marked: { running: false, trackerIssue: null } },
      'start',
    ],
    ['a redelivery: the issue already started its request', open(null), { recordedBy: input.id, marked: null }, 'start'],
    ['an issue another request records', open(null), { recordedBy: 'req-json-a', marked: null }, 'own_issue'],
    [
      'a marker naming the request that records this issue (visibility behind)',
      open('req-json-a'),
      { recordedBy: null, marked: { running: true, trackerIssue: here } },
      'own_issue',
    ],
    [
      'a marker naming a running request with no issue yet (its create in flight)',
      open('req-json-a'),
      { recordedBy: null, marked: { running: true, trackerIssue: null } },
      'pending_own_issue',
    ],
  ])('%s → %s', (_name, decision, facts, outcome) => {
    const decided = decideIssueOpen(decision, facts);
    if (outcome === 'start') expect(decided).toEqual({ kind: 'start', input });
    else expect(decided).toMatchObject({ kind: 'ignore', label: outcome });
  });

  it('logs why it held back an issue that names a request', () => {
    expect(decideIssueOpen(open('req-json-a'), { recordedBy: null, marked: { running: true, trackerIssue: null } })).toMatchObject({
      log: expect.stringContaining('req-json-a'),
    });
  });
});
