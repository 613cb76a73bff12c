/**
 * The process's logs: JSON lines where a machine reads them, pretty lines at a terminal
 * (`LOG_FORMAT` decides, `auto` follows the terminal), secrets redacted in both, and the Temporal
 * SDK's own lines written through the same logger.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { DefaultLogger } from '@temporalio/worker';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createLogger, logFormatOf, REDACTED, sdkLogFunction, type LoggerOptions } from '../../config/logger.js';
import { SettingsError } from '../../config/settings.js';

const run = promisify(execFile);
const LOGGER_MODULE = fileURLToPath(new URL('../../config/logger.ts', import.meta.url));

/** What a logger writes, as lines. */
function collect(options: Omit<LoggerOptions, 'destination'> = {}, level = 'info') {
  const chunks: string[] = [];
  const logger = createLogger(level, 'tierflow-test', { ...options, destination: { write: (line) => chunks.push(line) } });
  const lines = () => chunks.join('').split('\n').filter(Boolean);
  return { logger, lines, text: () => chunks.join('') };
}

const SECRETS = { botToken: 'xoxb-1234-very-secret', signingSecret: 'slack-signing-very-secret', token: 'glpat-very-secret' };

/** A record carrying secrets where the redaction paths say they may be. */
function logSecrets(logger: ReturnType<typeof createLogger>): void {
  logger.info(
    {
      slack: { botToken: SECRETS.botToken, signingSecret: SECRETS.signingSecret },
      gitlab: { token: SECRETS.token },
      req: { headers: { authorization: 'Bearer api-very-secret' } },
    },
    'settings loaded',
  );
}

/** The escape sequence that starts an ANSI colour. */
const ANSI = '\u001b[';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the log format', () => {
  it.each([
    [undefined, false, 'json'],
    [undefined, true, 'pretty'],
    ['', true, 'pretty'],
    ['auto', false, 'json'],
    ['AUTO', true, 'pretty'],
    ['json', true, 'json'],
    [' json ', false, 'json'],
    ['pretty', false, 'pretty'],
    ['Pretty', true, 'pretty'],
  ] as const)('LOG_FORMAT=%j on a terminal: %s gives %s', (value, isTty, format) => {
    expect(logFormatOf(value, isTty)).toBe(format);
  });

  it('refuses any other LOG_FORMAT with a settings error naming the variable and the choices', () => {
    expect(() => logFormatOf('xml', true)).toThrow(SettingsError);
    expect(() => logFormatOf('xml', true)).toThrow(/LOG_FORMAT must be one of auto, json, pretty .*"xml"/);
  });
});

describe('createLogger', () => {
  it('writes one parseable JSON object a line when the output is not a terminal', () => {
    const { logger, lines } = collect({ format: 'auto', isTty: false });
    logger.info({ requestId: 'req-json-1' }, 'request started');
    logger.warn('slow Slack');
    const records = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ level: 30, name: 'tierflow-test', requestId: 'req-json-1', msg: 'request started' }),
      expect.objectContaining({ level: 40, name: 'tierflow-test', msg: 'slow Slack' }),
    ]);
  });

  it('writes pretty lines at a terminal: level name, logger name, message and fields, no JSON', () => {
    const { logger, lines } = collect({ format: 'auto', isTty: true, colorize: false });
    logger.info({ requestId: 'req-json-1' }, 'request started');
    logger.error('GitLab refused the issue');
    const out = lines();
    expect(out[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO \(tierflow-test\): request started$/);
    expect(out).toContain('    requestId: "req-json-1"');
    expect(out.at(-1)).toMatch(/ ERROR \(tierflow-test\): GitLab refused the issue$/);
    expect(out.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
  });

  it('writes pretty lines when forced, without colours off a terminal', () => {
    const { logger, lines, text } = collect({ format: 'pretty', isTty: false });
    logger.info('tierflow is running');
    expect(lines()).toEqual([expect.stringMatching(/^\[[\d:.]+\] INFO \(tierflow-test\): tierflow is running$/)]);
    expect(text()).not.toContain(ANSI);
  });

  it('colours pretty lines when asked', () => {
    const { logger, text } = collect({ format: 'pretty', colorize: true });
    logger.warn('coloured');
    expect(text()).toContain(ANSI);
    expect(text()).toContain('WARN');
  });

  it('reads LOG_FORMAT: json wins over a terminal, pretty wins over a pipe', () => {
    vi.stubEnv('LOG_FORMAT', 'json');
    const json = collect({ isTty: true });
    json.logger.info('as JSON');
    expect(JSON.parse(json.lines()[0] ?? '')).toMatchObject({ msg: 'as JSON' });

    vi.stubEnv('LOG_FORMAT', 'pretty');
    const pretty = collect({ isTty: false });
    pretty.logger.info('as text');
    expect(pretty.lines()[0]).toMatch(/ INFO \(tierflow-test\): as text$/);
  });

  it('refuses a bad LOG_FORMAT when the logger is made', () => {
    vi.stubEnv('LOG_FORMAT', 'yaml');
    expect(() => collect()).toThrow(/LOG_FORMAT/);
  });

  it.each(['json', 'pretty'] as const)('redacts tokens, secrets and authorization headers in %s lines', (format) => {
    const { logger, text } = collect({ format, colorize: false });
    logSecrets(logger);
    const out = text();
    expect(out).toContain('settings loaded');
    expect(out).toContain(REDACTED);
    for (const secret of [...Object.values(SECRETS), 'api-very-secret']) expect(out).not.toContain(secret);
  });
});

describe('the Temporal SDK through the process logger', () => {
  it('writes the SDK records at their level with their metadata, errors serialised, secrets redacted', () => {
    const { logger, lines } = collect({ format: 'json' }, 'debug');
    const sdk = new DefaultLogger('DEBUG', sdkLogFunction(logger));
    sdk.warn('Activity failed', { sdkComponent: 'activity', activityType: 'postThreadMessage', error: new Error('Slack said ratelimited') });
    sdk.debug('poll', { sdkComponent: 'worker', slack: { botToken: SECRETS.botToken } });
    sdk.trace('below the level');
    const [warned, debugged, ...rest] = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rest).toEqual([]);
    expect(warned).toMatchObject({ level: 40, msg: 'Activity failed', sdkComponent: 'activity', activityType: 'postThreadMessage' });
    expect(warned?.error).toMatchObject({ type: 'Error', message: 'Slack said ratelimited', stack: expect.stringContaining('Error: Slack said ratelimited') });
    expect(debugged).toMatchObject({ level: 20, msg: 'poll', slack: { botToken: REDACTED } });
  });

  it('keeps the SDK level filter: records below it are not written', () => {
    const { logger, lines } = collect({ format: 'json' }, 'trace');
    const sdk = new DefaultLogger('WARN', sdkLogFunction(logger));
    sdk.info('chatty');
    sdk.error('broken');
    expect(lines().map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['broken']);
  });
});

describe('a real process writing to stdout', () => {
  /** Runs a process that logs a secret and exits at once with code 3 (no flush, no graceful stop). */
  async function logAndExit(env: Record<string, string>) {
    const script = [
      `import { createLogger } from ${JSON.stringify(LOGGER_MODULE)};`,
      `const logger = createLogger('info', 'tierflow');`,
      `logger.info({ slack: { botToken: ${JSON.stringify(SECRETS.botToken)} } }, 'last words');`,
      `process.exit(3);`,
    ].join('\n');
    const { LOG_FORMAT: _ignored, ...parentEnv } = process.env;
    try {
      await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...parentEnv, ...env } });
      throw new Error('the process should have exited with 3');
    } catch (err) {
      const failed = err as { code?: number; stdout?: string; stderr?: string };
      expect(failed.code, failed.stderr).toBe(3);
      return failed.stdout ?? '';
    }
  }

  it('writes JSON lines to a pipe, and the last line before exit is not lost', async () => {
    const out = await logAndExit({});
    expect(JSON.parse(out.trim())).toMatchObject({ name: 'tierflow', msg: 'last words', slack: { botToken: REDACTED } });
  });

  it('writes pretty lines with LOG_FORMAT=pretty, synchronously, redacted', async () => {
    const out = await logAndExit({ LOG_FORMAT: 'pretty', NO_COLOR: '1' });
    expect(out).toMatch(/^\[[\d:.]+\] INFO \(tierflow\): last words\n/);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(SECRETS.botToken);
  });
});
