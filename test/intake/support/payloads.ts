/**
 * Payloads shaped like the examples in Slack's and GitLab's documentation (Events API
 * `event_callback`, slash-command form fields, `block_actions`, Issue Hook, Note Hook), with the
 * fields tierflow reads overridable. Shared by the in-memory and end-to-end intake tests.
 */
export const HELP_CHANNEL = 'C0ITHELP';
export const BOT_USER = 'U0TIERFLOW';
export const TRACKER_PATH = 'gitlab-com/gl-security/corp/issue-tracker';
export const TRACKER_ID = 1000;

/** A Slack `message` event in an `event_callback` envelope. */
export function slackMessageEvent(event: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) {
  const ts = (event.ts as string | undefined) ?? '1355517523.000005';
  return {
    token: 'XXYYZZ',
    team_id: 'T123ABC456',
    api_app_id: 'A123ABC456',
    event: {
      type: 'message',
      channel: HELP_CHANNEL,
      user: 'U2147483697',
      text: 'Locked out of Okta after the MFA reset',
      ts,
      event_ts: ts,
      channel_type: 'channel',
      ...event,
    },
    type: 'event_callback',
    authorizations: [{ enterprise_id: null, team_id: 'T123ABC456', user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    event_id: 'Ev123ABC456',
    event_time: 1355517523,
    event_context: '4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMTIzQUJDNDU2IiwiYWlkIjoiQTEyM0FCQzQ1NiIsImNpZCI6IkMxMjNBQkM0NTYifQ',
    ...envelope,
  };
}

/** Slack's one-time check of the Events Request URL. */
export const urlVerification = {
  token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
  challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
  type: 'url_verification',
};

/** The form fields of a slash command, as Slack posts them. */
export function slashCommandFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: 'T0001',
    team_domain: 'example',
    enterprise_id: 'E0001',
    enterprise_name: 'Globular Construct Inc',
    channel_id: 'C2147483705',
    channel_name: 'test',
    user_id: 'U2147483697',
    user_name: 'Steve',
    command: '/it-help',
    text: 'okta-sso locked out after the MFA reset',
    api_app_id: 'A123456',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/1234/5678',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    ...overrides,
  };
}

/** A `block_actions` payload: one click on a tierflow status-message button. */
export function blockActions(action: string, requestId: string, overrides: { user?: string; actionTs?: string; responseUrl?: string; actionId?: string } = {}) {
  const user = overrides.user ?? 'UA8RXUSPL';
  return {
    type: 'block_actions',
    team: { id: 'T9TK3CUKW', domain: 'example' },
    user: { id: user, username: 'jtorrance', name: 'jtorrance', team_id: 'T9TK3CUKW' },
    api_app_id: 'AABA1ABCD',
    token: '9s8d9as89d8as9d8as989',
    container: { type: 'message', message_ts: '1548261231.000200', channel_id: HELP_CHANNEL, is_ephemeral: false },
    trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    channel: { id: HELP_CHANNEL, name: 'it_help' },
    message: { type: 'message', user: BOT_USER, ts: '1548261231.000200', text: 'status', bot_id: 'B0TIERFLOW' },
    response_url: overrides.responseUrl ?? 'https://hooks.slack.com/actions/T9TK3CUKW/1234/abcd',
    actions: [
      {
        action_id: overrides.actionId ?? `tierflow_${action}`,
        block_id: 'status-actions',
        text: { type: 'plain_text', text: action, emoji: true },
        value: requestId,
        type: 'button',
        action_ts: overrides.actionTs ?? '1548426417.840180',
      },
    ],
  };
}

const gitlabUser = {
  id: 1,
  name: 'Grace Hopper',
  username: 'grace',
  avatar_url: 'http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
  email: '[REDACTED]',
};

function gitlabProject(projectId: number, path: string) {
  return {
    id: projectId,
    name: 'issue-tracker',
    description: 'Corporate Security issue tracker',
    web_url: `https://gitlab.example.com/${path}`,
    avatar_url: null,
    git_ssh_url: `git@gitlab.example.com:${path}.git`,
    git_http_url: `https://gitlab.example.com/${path}.git`,
    namespace: 'corp',
    visibility_level: 0,
    path_with_namespace: path,
    default_branch: 'main',
    ci_config_path: null,
  };
}

/** An Issue Hook for `action` on issue `iid` of the tracker (or another project). */
export function issueHook(
  action: 'open' | 'close' | 'reopen' | 'update',
  issue: { iid: number; title?: string; description?: string | null; url?: string; labels?: string[] },
  opts: { projectId?: number; path?: string; username?: string } = {},
) {
  const projectId = opts.projectId ?? TRACKER_ID;
  const path = opts.path ?? TRACKER_PATH;
  const labels = (issue.labels ?? []).map((title, i) => ({
    id: 206 + i,
    title,
    color: '#ffffff',
    project_id: projectId,
    template: false,
    description: null,
    type: 'ProjectLabel',
    group_id: null,
  }));
  return {
    object_kind: 'issue',
    event_type: 'issue',
    user: { ...gitlabUser, ...(opts.username ? { username: opts.username } : {}) },
    project: gitlabProject(projectId, path),
    object_attributes: {
      id: 301,
      title: issue.title ?? 'VPN profile needs a new route',
      assignee_ids: [],
      author_id: 51,
      project_id: projectId,
      created_at: '2013-12-03T17:15:43Z',
      updated_at: '2013-12-03T17:15:43Z',
      description: issue.description === undefined ? 'Please add 10.1.0.0/16 to the VPN profile.' : issue.description,
      milestone_id: null,
      state_id: action === 'close' ? 2 : 1,
      confidential: false,
      discussion_locked: null,
      time_estimate: 0,
      total_time_spent: 0,
      iid: issue.iid,
      url: issue.url ?? `https://gitlab.example.com/${path}/-/issues/${issue.iid}`,
      state: action === 'close' ? 'closed' : 'opened',
      action,
      labels,
    },
    repository: { name: 'issue-tracker', url: `git@gitlab.example.com:${path}.git`, description: '', homepage: `https://gitlab.example.com/${path}` },
    assignees: [],
    labels,
    changes: action === 'close' ? { state_id: { previous: 1, current: 2 } } : {},
  };
}

/** A Note Hook: a comment on issue `iid` of the tracker. */
export function noteHook(
  note: string,
  issue: { iid: number; description?: string | null },
  opts: { system?: boolean; noteableType?: string; projectId?: number; path?: string } = {},
) {
  const projectId = opts.projectId ?? TRACKER_ID;
  const path = opts.path ?? TRACKER_PATH;
  return {
    object_kind: 'note',
    event_type: 'note',
    user: gitlabUser,
    project_id: projectId,
    project: gitlabProject(projectId, path),
    repository: { name: 'issue-tracker', url: `git@gitlab.example.com:${path}.git`, description: '', homepage: `https://gitlab.example.com/${path}` },
    object_attributes: {
      id: 1241,
      note,
      noteable_type: opts.noteableType ?? 'Issue',
      author_id: 1,
      created_at: '2015-05-17 17:06:40 UTC',
      updated_at: '2015-05-17 17:06:40 UTC',
      project_id: projectId,
      attachment: null,
      line_code: null,
      commit_id: '',
      noteable_id: 92,
      system: opts.system ?? false,
      st_diff: null,
      url: `https://gitlab.example.com/${path}/-/issues/${issue.iid}#note_1241`,
      action: 'create',
    },
    issue: {
      id: 92,
      title: 'VPN profile needs a new route',
      assignee_ids: [],
      author_id: 1,
      project_id: projectId,
      description: issue.description === undefined ? 'test' : issue.description,
      state: 'opened',
      iid: issue.iid,
      labels: [],
    },
  };
}
