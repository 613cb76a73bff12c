/**
 * The Slack app manifests in `deploy/slack/`: they parse, the HTTP one points every Request URL at
 * the intake's three routes, the Socket Mode one has none, and the bot scopes cover every Web API
 * method tierflow's code calls (found by reading the code, so a new call without its scope fails).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { PROJECT_ROOT } from '../../config/settings.js';

interface Manifest {
  display_information: { name: string };
  features: { slash_commands: Array<{ command: string; url?: string; usage_hint?: string }>; bot_user: { display_name: string } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

const read = (file: string) => parse(readFileSync(join(PROJECT_ROOT, 'deploy/slack', file), 'utf8')) as Manifest;
const http = read('manifest.yaml');
const socketMode = read('manifest.socket-mode.yaml');

/**
 * Every Slack Web API method tierflow calls with its bot token, and the bot scopes that let it
 * (any one of them). `views.open`, `auth.test` and `chat.getPermalink` need none.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'conversations.info': ['channels:read'],
  'conversations.list': ['channels:read'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'views.open': [],
  // The SLA digest: the chart's upload (files.uploadV2 calls the two methods below) and the lookup of an earlier one.
  'files.uploadV2': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'files.list': ['files:read'],
};

/** The scope each subscribed message event needs. */
const EVENT_SCOPES: Record<string, string> = { 'message.channels': 'channels:history', 'message.groups': 'groups:history', 'message.im': 'im:history' };

/** Source files of the code that talks to Slack. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Web API methods named in code: client calls (`slack.chat.update(`) and method-name literals (`'conversations.replies'`). */
function methodsCalled(): Set<string> {
  const found = new Set<string>();
  const families = 'chat|conversations|usergroups|users|views|files|reactions|pins|bookmarks|auth|apps';
  // Method names may end in a version (`files.uploadV2`).
  const call = new RegExp(`\\b(?:slack|client)\\.((?:${families})(?:\\.[a-z][A-Za-z0-9]*){1,2})\\(`, 'g');
  const literal = new RegExp(`'((?:${families.replace('users|', '')})\\.[a-z][A-Za-z0-9]*(?:\\.[a-z][A-Za-z0-9]*)?)'`, 'g');
  for (const file of ['activities', 'intake', 'workers'].flatMap((dir) => sources(join(PROJECT_ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of [call, literal]) for (const match of text.matchAll(pattern)) found.add(match[1]!);
  }
  // The app-level token's one call (Socket Mode), not a bot method.
  found.delete('apps.connections.open');
  return found;
}

describe('the Slack app manifests', () => {
  it.each([
    ['manifest.yaml', http],
    ['manifest.socket-mode.yaml', socketMode],
  ])('%s declares the app, /it-help, message events and interactivity (modals)', (_file, manifest) => {
    expect(manifest.display_information.name).toBe('tierflow');
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/it-help']);
    expect(manifest.features.slash_commands[0]!.usage_hint).toMatch(/\[type\] \[P1-P4\] \[system\] summary/);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['message.channels', 'message.groups', 'message.im']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('is what the README shows', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const shown = /The HTTP manifest:\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown, 'the README shows the HTTP manifest after "The HTTP manifest:"').toBeDefined();
    expect(parse(shown!)).toEqual(http);
  });

  it('points every Request URL of the HTTP manifest at the intake’s three Slack routes, Socket Mode off', () => {
    expect(http.settings.socket_mode_enabled).toBe(false);
    const urls = [http.features.slash_commands[0]!.url, http.settings.event_subscriptions.request_url, http.settings.interactivity.request_url];
    expect(urls.map((u) => new URL(u!).pathname)).toEqual(['/slack/commands', '/slack/events', '/slack/interactions']);
    expect(new Set(urls.map((u) => new URL(u!).origin))).toEqual(new Set(['https://tierflow.example.com']));
  });

  it('has no Request URL at all in the Socket Mode manifest, and is otherwise the same app', () => {
    expect(socketMode.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socketMode)).not.toMatch(/https?:\/\//);
    expect(socketMode.oauth_config).toEqual(http.oauth_config);
    expect(socketMode.features.bot_user).toEqual(http.features.bot_user);
  });

  it('grants a scope for every Web API method tierflow calls, and no scope nothing needs', () => {
    const called = methodsCalled();
    expect([...called]).toEqual(
      expect.arrayContaining(['chat.postMessage', 'conversations.replies', 'usergroups.list', 'views.open', 'files.uploadV2', 'files.list']),
    );
    const unknown = [...called].filter((m) => !(m in METHOD_SCOPES));
    expect(unknown, 'methods called in code with no entry in METHOD_SCOPES').toEqual([]);
    const granted = new Set(http.oauth_config.scopes.bot);
    const uncovered = [...called].filter((m) => METHOD_SCOPES[m]!.length > 0 && !METHOD_SCOPES[m]!.some((s) => granted.has(s)));
    expect(uncovered, 'methods whose scope the manifest does not grant').toEqual([]);
    // Besides the methods': `commands` for the slash command, and each message event's history scope.
    const needed = new Set([
      ...[...called].flatMap((m) => METHOD_SCOPES[m]!),
      'commands',
      ...http.settings.event_subscriptions.bot_events.map((e) => EVENT_SCOPES[e]!),
    ]);
    expect(http.oauth_config.scopes.bot.filter((s) => !needed.has(s))).toEqual([]);
    expect(granted.has('chat:write.public')).toBe(false);
    for (const scope of ['channels:manage', 'groups:write']) expect(granted.has(scope)).toBe(true);
  });
});
