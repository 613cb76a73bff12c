import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createApp } from '../../intake/app.js';
import { intakeOptions } from '../../workers/intake-app.js';
import { CONFIGURING_VARIABLES, describeSettings, loadSettings, SANDBOX_API_TOKEN, SettingsError, type Entry } from '../../config/settings.js';
import { recordingGateway } from '../intake/support/gateway.js';

/** A strong, deterministic secret per name (64 hex characters). */
const strong = (name: string) => createHash('sha256').update(`tierflow-test-${name}`).digest('hex');

/** Everything a production process can need, all strong. */
const FULL = {
  TEMPORAL_ADDRESS: 'temporal:7233',
  API_TOKEN: strong('api'),
  INTAKE_SECRET: strong('intake'),
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijklmnop',
  SLACK_SIGNING_SECRET: strong('slack'),
  SLACK_HELP_CHANNEL: 'C0ITHELP',
  GITLAB_TOKEN: 'glpat-abcdefghij0123456789',
  GITLAB_WEBHOOK_SECRET: strong('gitlab'),
} as const;

/** What each entry requires in production (all sources on). */
const REQUIRED: Record<Entry, string[]> = {
  intake: ['API_TOKEN', 'INTAKE_SECRET', 'SLACK_SIGNING_SECRET', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN', 'GITLAB_WEBHOOK_SECRET', 'TEMPORAL_ADDRESS'],
  worker: ['SLACK_BOT_TOKEN', 'SLACK_HELP_CHANNEL', 'GITLAB_TOKEN', 'TEMPORAL_ADDRESS'],
  embedded: ['API_TOKEN', 'INTAKE_SECRET', 'SLACK_SIGNING_SECRET', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN', 'GITLAB_WEBHOOK_SECRET', 'GITLAB_TOKEN'],
};

/** The SettingsError `load` throws (fails the test when it does not throw). */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error('expected loadSettings to refuse, and it accepted');
}

/** The variables a refusal names as missing. */
const missingIn = (message: string) => [...message.matchAll(/([A-Z_]+) is missing/g)].map((m) => m[1]);

describe('modes', () => {
  it('runs npm start in sandbox mode, loopback only, when nothing at all is configured', () => {
    const s = loadSettings({}, { entry: 'embedded' });
    expect(s.mode).toBe('sandbox');
    expect(s.apiToken).toBe(SANDBOX_API_TOKEN);
    expect(s.intakeSecret).toBeNull();
    expect(s.host).toBe('127.0.0.1');
    expect(s.metricsAddress).toBe('127.0.0.1:9091');
    expect(s.temporal.address).toBeNull();
    expect(s.port).toBe(3000);
    expect(s.gitlab.project).toBe('gitlab-com/gl-security/corp/issue-tracker');
    expect(s.sources).toEqual({ webhook: true, slack: true, gitlab: true });
  });

  it('stays in sandbox mode for settings that configure no integration or secret', () => {
    const s = loadSettings(
      { PORT: '4000', LOG_LEVEL: 'debug', TEMPORAL_NAMESPACE: 'dev', TIERFLOW_DATA_DIR: '/tmp/x', METRICS_ADDRESS: '127.0.0.1:9999' },
      { entry: 'embedded' },
    );
    expect(s.mode).toBe('sandbox');
    expect(s.port).toBe(4000);
  });

  it.each(CONFIGURING_VARIABLES.map((name) => [name]))('treats npm start with only %s set as production, and refuses the gap', (name) => {
    const value = name.endsWith('_URL') ? 'https://example.test/' : name === 'HOST' ? '127.0.0.1' : name in FULL ? FULL[name as keyof typeof FULL] : 'x';
    const message = refusal(() => loadSettings({ [name]: value }, { entry: 'embedded' }));
    expect(message).toMatch(/production mode/);
    expect(missingIn(message).length).toBeGreaterThan(0);
  });

  it.each(['1', 'true', 'TRUE', 'True'])('runs sandbox mode when asked for by name (TIERFLOW_SANDBOX=%s)', (flag) => {
    expect(loadSettings({ TIERFLOW_SANDBOX: flag }, { entry: 'embedded' }).mode).toBe('sandbox');
  });

  it('keeps API_TOKEN and INTAKE_SECRET in sandbox mode when given (strong)', () => {
    const s = loadSettings({ TIERFLOW_SANDBOX: '1', API_TOKEN: FULL.API_TOKEN, INTAKE_SECRET: FULL.INTAKE_SECRET }, { entry: 'embedded' });
    expect(s).toMatchObject({ mode: 'sandbox', apiToken: FULL.API_TOKEN, intakeSecret: FULL.INTAKE_SECRET });
  });

  it('runs production when TIERFLOW_SANDBOX=0 is set, even with nothing else', () => {
    expect(missingIn(refusal(() => loadSettings({ TIERFLOW_SANDBOX: '0' }, { entry: 'embedded' }))).sort()).toEqual([...REQUIRED.embedded].sort());
  });

  it('refuses a TIERFLOW_SANDBOX that is neither 1/true nor 0/false', () => {
    expect(refusal(() => loadSettings({ TIERFLOW_SANDBOX: 'yes please' }, { entry: 'embedded' }))).toMatch(/TIERFLOW_SANDBOX must be 1 or true/);
  });

  it.each(['intake', 'worker'] as const)('refuses sandbox mode in the standalone %s (no emulators there)', (entry) => {
    expect(refusal(() => loadSettings({ TIERFLOW_SANDBOX: '1', TEMPORAL_ADDRESS: 'temporal:7233' }, { entry }))).toMatch(
      /sandbox mode runs only under npm start, which starts the emulators/,
    );
  });

  it('refuses TIERFLOW_SANDBOX=1 with real Slack or GitLab credentials as ambiguous, naming them', () => {
    const message = refusal(() =>
      loadSettings(
        {
          TIERFLOW_SANDBOX: '1',
          SLACK_BOT_TOKEN: FULL.SLACK_BOT_TOKEN,
          GITLAB_TOKEN: FULL.GITLAB_TOKEN,
          SLACK_SIGNING_SECRET: FULL.SLACK_SIGNING_SECRET,
          GITLAB_WEBHOOK_SECRET: FULL.GITLAB_WEBHOOK_SECRET,
        },
        { entry: 'embedded' },
      ),
    );
    expect(message).toMatch(/ambiguous/);
    for (const name of ['SLACK_BOT_TOKEN', 'GITLAB_TOKEN', 'SLACK_SIGNING_SECRET', 'GITLAB_WEBHOOK_SECRET']) expect(message).toContain(name);
  });

  it.each([
    ['HOST', { HOST: '0.0.0.0' }],
    ['HOST', { HOST: '10.1.2.3' }],
    ['METRICS_ADDRESS', { METRICS_ADDRESS: '0.0.0.0:9091' }],
  ])('refuses a non-loopback %s in sandbox mode', (name, env) => {
    expect(refusal(() => loadSettings({ TIERFLOW_SANDBOX: '1', ...env }, { entry: 'embedded' }))).toMatch(new RegExp(`${name}=\\S+ is not a loopback address`));
  });

  it.each(['127.0.0.1', 'localhost', '::1'])('accepts the loopback HOST %s in sandbox mode', (host) => {
    expect(loadSettings({ TIERFLOW_SANDBOX: '1', HOST: host }, { entry: 'embedded' }).host).toBe(host);
  });
});

describe('production: every gap named at once', () => {
  it.each(Object.entries(REQUIRED))('a %s with nothing set names every variable it needs', (entry, required) => {
    const env = entry === 'embedded' ? { TIERFLOW_SANDBOX: '0' } : {};
    expect(missingIn(refusal(() => loadSettings(env, { entry: entry as Entry }))).sort()).toEqual([...required].sort());
  });

  it.each(Object.entries(REQUIRED).flatMap(([entry, required]) => required.map((name) => [entry, name])))(
    'a %s without %s refuses naming exactly it',
    (entry, name) => {
      const env: Record<string, string> = { ...FULL };
      delete env[name];
      expect(missingIn(refusal(() => loadSettings(env, { entry: entry as Entry })))).toEqual([name]);
    },
  );

  it.each(Object.keys(REQUIRED) as Entry[])('a %s with everything it needs starts in production mode', (entry) => {
    const s = loadSettings(FULL, { entry });
    expect(s.mode).toBe('production');
    expect(s.apiToken).not.toBe(SANDBOX_API_TOKEN);
  });

  it('the attack: secrets for every source but no API_TOKEN is refused naming API_TOKEN, never a sandbox token', () => {
    const attack = { INTAKE_SECRET: FULL.INTAKE_SECRET, SLACK_SIGNING_SECRET: FULL.SLACK_SIGNING_SECRET, GITLAB_WEBHOOK_SECRET: FULL.GITLAB_WEBHOOK_SECRET };
    for (const entry of ['intake', 'embedded'] as const) {
      const message = refusal(() => loadSettings(attack, { entry }));
      expect(message).toMatch(/production mode/);
      expect(missingIn(message)).toContain('API_TOKEN');
    }
    const { API_TOKEN: _, ...allButToken } = FULL;
    expect(missingIn(refusal(() => loadSettings(allButToken, { entry: 'intake' })))).toEqual(['API_TOKEN']);
  });

  it('never accepts Bearer sandbox from an intake built from production settings', async () => {
    const { gateway } = recordingGateway();
    const app = createApp({ gateway, options: intakeOptions(loadSettings(FULL, { entry: 'intake' })) });
    const as = (token: string) => app.inject({ method: 'GET', url: '/requests/req-json-x', headers: { authorization: `Bearer ${token}` } });
    expect((await as(SANDBOX_API_TOKEN)).statusCode).toBe(401);
    expect((await as(FULL.API_TOKEN)).statusCode).not.toBe(401);
  });

  it('names malformed, missing and weak variables in one error', () => {
    const message = refusal(() => loadSettings({ PORT: 'eighty', API_TOKEN: 'short', SLACK_API_URL: 'not a url' }, { entry: 'intake' }));
    for (const name of ['PORT', 'SLACK_API_URL', 'API_TOKEN is too weak', 'INTAKE_SECRET is missing', 'TEMPORAL_ADDRESS is missing'])
      expect(message).toContain(name);
  });

  it('treats an empty variable as unset', () => {
    const s = loadSettings({ ...FULL, SLACK_API_URL: '', GITLAB_URL: ' ', LOG_LEVEL: '', PORT: '' }, { entry: 'embedded' });
    expect(s.slack.apiUrl).toBeNull();
    expect(s.gitlab.url).toBe('https://gitlab.com');
    expect(s.port).toBe(3000);
    expect(missingIn(refusal(() => loadSettings({ ...FULL, API_TOKEN: '  ' }, { entry: 'intake' })))).toEqual(['API_TOKEN']);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['SLACK_API_URL', { SLACK_API_URL: 'not a url' }],
    ['METRICS_ADDRESS', { METRICS_ADDRESS: 'nine-oh-nine-one' }],
    ['WORKER_METRICS_ADDRESS', { WORKER_METRICS_ADDRESS: 'localhost:9464' }],
  ])('names a malformed %s', (name, env) => {
    expect(refusal(() => loadSettings({ ...FULL, ...env }, { entry: 'embedded' }))).toMatch(new RegExp(`${name} is malformed`));
  });

  it('binds loopback by default and takes HOST, METRICS_ADDRESS and WORKER_METRICS_ADDRESS when set', () => {
    expect(loadSettings(FULL, { entry: 'worker' })).toMatchObject({
      host: '127.0.0.1',
      metricsAddress: '127.0.0.1:9091',
      workerMetricsAddress: '127.0.0.1:9464',
    });
    const set = loadSettings({ ...FULL, HOST: '0.0.0.0', METRICS_ADDRESS: '0.0.0.0:9091', WORKER_METRICS_ADDRESS: '[::]:9464' }, { entry: 'embedded' });
    expect(set).toMatchObject({ host: '0.0.0.0', metricsAddress: '0.0.0.0:9091', workerMetricsAddress: '[::]:9464' });
  });
});

describe('intake sources (TIERFLOW_SOURCES)', () => {
  it.each([
    ['webhook', ['API_TOKEN', 'INTAKE_SECRET', 'TEMPORAL_ADDRESS']],
    ['slack', ['API_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN', 'TEMPORAL_ADDRESS']],
    ['gitlab', ['API_TOKEN', 'GITLAB_WEBHOOK_SECRET', 'TEMPORAL_ADDRESS']],
    [' Slack , gitlab ', ['API_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_HELP_CHANNEL', 'SLACK_BOT_TOKEN', 'GITLAB_WEBHOOK_SECRET', 'TEMPORAL_ADDRESS']],
  ])('an intake with TIERFLOW_SOURCES=%s needs only what those sources need', (sources, needed) => {
    expect(missingIn(refusal(() => loadSettings({ TIERFLOW_SOURCES: sources }, { entry: 'intake' }))).sort()).toEqual([...needed].sort());
  });

  it('switches the other sources off in the settings and in the intake options', () => {
    const s = loadSettings({ ...FULL, INTAKE_SECRET: '', SLACK_SIGNING_SECRET: '', TIERFLOW_SOURCES: 'gitlab' }, { entry: 'intake' });
    expect(s.sources).toEqual({ webhook: false, slack: false, gitlab: true });
    const options = intakeOptions(s);
    expect(options.webhook).toBe(false);
    expect(options.slack).toBeUndefined();
    expect(options.gitlab).toMatchObject({ webhookSecret: FULL.GITLAB_WEBHOOK_SECRET });
  });

  it('hands the intake its Slack bot token, API base and the registry systems; SLACK_APP_TOKEN switches Socket Mode on', () => {
    const systems = [{ id: 'okta-sso', name: 'Okta SSO' }];
    const http = intakeOptions(loadSettings({ ...FULL, SLACK_API_URL: 'http://127.0.0.1:9/api/' }, { entry: 'intake' }), systems);
    expect(http.slack).toMatchObject({ botToken: FULL.SLACK_BOT_TOKEN, apiUrl: 'http://127.0.0.1:9/api/', appToken: null, systems });
    const socket = loadSettings({ ...FULL, SLACK_APP_TOKEN: 'xapp-1-A0TIERFLOW-1-0123456789abcdef' }, { entry: 'intake' });
    expect(intakeOptions(socket).slack).toMatchObject({ appToken: 'xapp-1-A0TIERFLOW-1-0123456789abcdef', systems: [] });
    expect(describeSettings(socket).slack).toMatchObject({ socketMode: true });
    expect(JSON.stringify(describeSettings(socket))).not.toContain('xapp-');
    expect(refusal(() => loadSettings({ ...FULL, SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }, { entry: 'intake' }))).toMatch(
      /SLACK_APP_TOKEN is not a Slack app-level token/,
    );
  });

  it('does not excuse the worker from its Slack and GitLab credentials', () => {
    expect(missingIn(refusal(() => loadSettings({ TIERFLOW_SOURCES: 'webhook', TEMPORAL_ADDRESS: 'temporal:7233' }, { entry: 'worker' }))).sort()).toEqual([
      'GITLAB_TOKEN',
      'SLACK_BOT_TOKEN',
      'SLACK_HELP_CHANNEL',
    ]);
  });

  it.each([
    ['email', /unknown sources "email"/],
    ['webhook,smtp', /unknown sources "smtp"/],
    [',', /lists no source/],
  ])('refuses TIERFLOW_SOURCES=%s', (sources, problem) => {
    const message = refusal(() => loadSettings({ ...FULL, TIERFLOW_SOURCES: sources }, { entry: 'intake' }));
    expect(message).toMatch(/TIERFLOW_SOURCES/);
    expect(message).toMatch(problem);
  });
});

describe('the weekly SLA digest channel (SLACK_DIGEST_CHANNEL)', () => {
  it('is the help channel in sandbox mode, so npm start posts the digest where the viewer shows it', () => {
    expect(loadSettings({}, { entry: 'embedded' }).slack.digestChannel).toBe('C0ITHELP');
    expect(loadSettings({ TIERFLOW_SANDBOX: '1', SLACK_HELP_CHANNEL: 'C0OTHERHELP' }, { entry: 'embedded' }).slack.digestChannel).toBe('C0OTHERHELP');
    expect(loadSettings({ TIERFLOW_SANDBOX: '1', SLACK_DIGEST_CHANNEL: 'C0DIGEST' }, { entry: 'embedded' }).slack.digestChannel).toBe('C0DIGEST');
  });

  it('is off in production unless set (no digest, no Schedule), and shown in the summary', () => {
    const off = loadSettings(FULL, { entry: 'worker' });
    expect(off.slack.digestChannel).toBeNull();
    expect(describeSettings(off).slack).toMatchObject({ digestChannel: 'none' });
    const on = loadSettings({ ...FULL, SLACK_DIGEST_CHANNEL: ' G0SLADIGEST ' }, { entry: 'worker' });
    expect(on.slack.digestChannel).toBe('G0SLADIGEST');
    expect(describeSettings(on).slack).toMatchObject({ digestChannel: 'G0SLADIGEST' });
  });

  it.each(['#sla-digest', 'sla-digest', 'c0lower', 'U0PERSON1'])('refuses %s, naming the variable: the upload shares into a channel id', (value) => {
    expect(refusal(() => loadSettings({ ...FULL, SLACK_DIGEST_CHANNEL: value }, { entry: 'worker' }))).toMatch(
      /SLACK_DIGEST_CHANNEL is malformed: expected a Slack channel id such as C0123ABCD/,
    );
  });
});

describe('secret strength', () => {
  const generated = ['INTAKE_SECRET', 'API_TOKEN', 'GITLAB_WEBHOOK_SECRET'];
  const shared = [...generated, 'SLACK_SIGNING_SECRET'];
  const weak: Array<[string, string, string]> = [
    ...shared.flatMap((name): Array<[string, string, string]> => [
      [name, 'one character', '§'],
      [name, '31 varied characters', strong(name).slice(0, 31)],
      [name, '40 characters, 9 distinct', '123456789'.repeat(5).slice(0, 40)],
      [name, 'a word repeated', 'password'.repeat(5)],
    ]),
    ['SLACK_BOT_TOKEN', 'a user token', 'xoxp-1111-2222-abcdefghijklmnop'],
    ['SLACK_BOT_TOKEN', 'no prefix', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['SLACK_APP_TOKEN', 'a bot token', 'xoxb-1-abcdefghijklmnopqrstuvwxyz'],
    ['GITLAB_TOKEN', '19 characters', 'glpat-0123456789abc'],
  ];

  it.each(weak)('refuses a weak %s (%s), naming it and the rule but never the value', (name, _what, value) => {
    for (const entry of ['embedded', 'intake', 'worker'] as const) {
      const message = refusal(() => loadSettings({ ...FULL, [name]: value }, { entry }));
      expect(message).toMatch(new RegExp(`${name} (is too weak|is too short|is not a Slack)`));
      expect(message).not.toContain(value);
      if (generated.includes(name)) expect(message).toContain('openssl rand -hex 32');
    }
  });

  it.each([
    ['API_TOKEN', '0123456789'.repeat(4).slice(0, 32)],
    ['SLACK_APP_TOKEN', 'xapp-1-A0123-4567'],
    ['GITLAB_TOKEN', 'glpat-0123456789abcd'],
  ])('accepts %s at its minimum', (name, value) => {
    expect(() => loadSettings({ ...FULL, [name]: value }, { entry: 'embedded' })).not.toThrow();
  });

  it('checks secrets given in sandbox mode too', () => {
    const message = refusal(() => loadSettings({ TIERFLOW_SANDBOX: '1', API_TOKEN: 'sandbox' }, { entry: 'embedded' }));
    expect(message).toMatch(/API_TOKEN is too weak/);
  });

  it('never puts a secret value in any refusal or in the loggable summary', () => {
    const text = JSON.stringify(describeSettings(loadSettings(FULL, { entry: 'embedded' })));
    const secrets = Object.entries(FULL)
      .filter(([name]) => !['TEMPORAL_ADDRESS', 'SLACK_HELP_CHANNEL'].includes(name))
      .map(([, value]) => value);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const weakened = Object.fromEntries(Object.entries(FULL).map(([k, v]) => [k, k === 'TEMPORAL_ADDRESS' ? v : `${v.slice(0, 12)}`]));
    const message = refusal(() => loadSettings(weakened, { entry: 'embedded' }));
    for (const value of Object.values(weakened).filter((v) => v.length >= 8 && v !== 'C0ITHELP')) expect(message).not.toContain(value);
  });

  it('describes mode, sources and bind address in the summary', () => {
    expect(describeSettings(loadSettings({ ...FULL, TIERFLOW_SOURCES: 'slack,gitlab' }, { entry: 'intake' }))).toMatchObject({
      mode: 'production',
      sources: ['slack', 'gitlab'],
      host: '127.0.0.1',
    });
    expect(describeSettings(loadSettings({}, { entry: 'embedded' }))).toMatchObject({ mode: 'sandbox', intakeSignature: 'not required (sandbox)' });
  });
});
