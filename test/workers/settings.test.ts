import { describe, expect, it } from 'vitest';

import { describeSettings, loadSettings, SANDBOX_API_TOKEN } from '../../workers/settings.js';

describe('settings from the environment', () => {
  it('runs in sandbox mode with explicit defaults when nothing is set', () => {
    const s = loadSettings({});
    expect(s.slack.sandbox).toBe(true);
    expect(s.gitlab.sandbox).toBe(true);
    expect(s.temporal.address).toBeNull();
    expect(s.port).toBe(3000);
    expect(s.apiToken).toBe(SANDBOX_API_TOKEN);
    expect(s.gitlab.project).toBe('gitlab-com/gl-security/corp/issue-tracker');
  });

  it('names every missing variable when real credentials are half configured', () => {
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', GITLAB_TOKEN: 'glpat-1' })).toThrow(
      /SLACK_HELP_CHANNEL.*SLACK_SIGNING_SECRET.*API_TOKEN.*INTAKE_SECRET.*GITLAB_WEBHOOK_SECRET/,
    );
  });

  it('treats an empty variable as unset', () => {
    const s = loadSettings({ SLACK_API_URL: '', GITLAB_URL: ' ', LOG_LEVEL: '', PORT: '' });
    expect(s.slack.apiUrl).toBeNull();
    expect(s.gitlab.url).toBe('https://gitlab.com');
    expect(s.port).toBe(3000);
  });

  it('names a malformed variable', () => {
    expect(() => loadSettings({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadSettings({ SLACK_API_URL: 'not a url' })).toThrow(/SLACK_API_URL/);
  });

  it('never puts a secret in the loggable summary', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-secret-bot',
      SLACK_SIGNING_SECRET: 'signing-secret-value',
      SLACK_HELP_CHANNEL: 'C123',
      GITLAB_TOKEN: 'glpat-secret-token',
      GITLAB_WEBHOOK_SECRET: 'hook-secret-value',
      API_TOKEN: 'api-secret-value',
      INTAKE_SECRET: 'intake-secret-value',
    };
    const text = JSON.stringify(describeSettings(loadSettings(env)));
    for (const secret of Object.values(env).filter((v) => v !== 'C123')) expect(text).not.toContain(secret);
  });
});
