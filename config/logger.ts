/**
 * Logs with secrets redacted wherever they could appear. Two formats of the same records:
 * - `json`: one JSON object a line (pino), for containers, CI and log shippers;
 * - `pretty`: one readable, coloured line a record (pino-pretty), for a person at a terminal.
 * `LOG_FORMAT` chooses (`json`, `pretty`, or `auto`/unset: pretty when stdout is a terminal).
 *
 * Pretty lines are formatted in-process and written synchronously (pino-pretty's `prettyFactory`
 * over a sync destination), not by a worker-thread transport: nothing is lost when the process
 * crashes or exits, and it works the same under tsx. Redaction happens in pino before either
 * format sees a record, so both formats are redacted alike.
 */
import { pino, stdSerializers, type Logger } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

import { SettingsError } from './settings.js';

/** Paths pino blanks out: auth headers, signatures, tokens. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-tierflow-signature"]',
  'req.headers["x-slack-signature"]',
  'req.headers["x-gitlab-token"]',
  'headers.authorization',
  '*.token',
  '*.botToken',
  '*.signingSecret',
  '*.webhookSecret',
  '*.apiToken',
  '*.intakeSecret',
];

/** What the censor writes in place of a redacted value. */
export const REDACTED = '[redacted]';

/** How log records are written. */
export type LogFormat = 'json' | 'pretty';

/** `LOG_FORMAT` values: a format, or `auto` (pretty on a terminal, JSON otherwise). */
export const LOG_FORMAT_VALUES = ['auto', 'json', 'pretty'] as const;

/** Where lines are written: anything with a `write(line)` (pino's own destinations, a test's collector). */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Default: `LOG_FORMAT` from the environment ({@link logFormatOf}). */
  format?: LogFormat | 'auto';
  /** Default: stdout, written synchronously. */
  destination?: LogDestination;
  /** Whether the destination is a terminal (decides `auto`); default: stdout's `isTTY`. */
  isTty?: boolean;
  /** Colours in pretty lines; default: on a terminal that supports them (`NO_COLOR` / `FORCE_COLOR` respected). */
  colorize?: boolean;
}

/**
 * The format a `LOG_FORMAT` value asks for; unset, empty or `auto` follow the terminal.
 * Throws a {@link SettingsError} naming the variable for anything else.
 * @example logFormatOf(undefined, true) // 'pretty'
 * @example logFormatOf('json', true) // 'json'
 */
export function logFormatOf(value: string | undefined, isTty: boolean): LogFormat {
  const given = (value ?? '').trim().toLowerCase() || 'auto';
  if (!(LOG_FORMAT_VALUES as readonly string[]).includes(given)) {
    throw new SettingsError(
      `LOG_FORMAT must be one of ${LOG_FORMAT_VALUES.join(', ')} (auto: pretty on a terminal, JSON otherwise), not ${JSON.stringify(value)}`,
    );
  }
  if (given === 'auto') return isTty ? 'pretty' : 'json';
  return given as LogFormat;
}

/**
 * A pino logger at `level` named `name`, redacting {@link REDACT_PATHS}, writing JSON lines or
 * pretty lines ({@link LoggerOptions}). `err` and `error` fields are serialised as errors (message,
 * type, stack): the Temporal SDK's log records carry theirs under `error`.
 * @example createLogger('info', 'tierflow-worker').info({ taskQueue }, 'worker is running')
 * @example createLogger('debug', 'test', { format: 'pretty', destination: { write: (line) => lines.push(line) } })
 */
export function createLogger(level: string, name = 'tierflow', options: LoggerOptions = {}): Logger {
  const isTty = options.isTty ?? (options.destination ? false : process.stdout.isTTY === true);
  const format = options.format === undefined || options.format === 'auto' ? logFormatOf(options.format ?? process.env.LOG_FORMAT, isTty) : options.format;
  const settings = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  if (format === 'json') return options.destination ? pino(settings, options.destination) : pino(settings);
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const prettify = prettyFactory({
    colorize: options.colorize ?? (isTty && isColorSupported),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return pino(settings, { write: (line: string) => destination.write(prettify(line)) });
}

/** A log record of the Temporal SDK (what its `DefaultLogger` hands a log function). */
export interface SdkLogEntry {
  level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  meta?: Record<string, unknown> | undefined;
}

const SDK_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * A log function for the Temporal SDK's `DefaultLogger` writing into `logger`, so the runtime's
 * lines (worker, workflow and activity logs, the core's warnings) come out in the process's format
 * and redaction instead of the SDK's own stderr lines.
 * @example Runtime.install({ logger: new DefaultLogger('WARN', sdkLogFunction(logger)) })
 */
export function sdkLogFunction(logger: Logger): (entry: SdkLogEntry) => void {
  return ({ level, message, meta }) => logger[SDK_LEVELS[level]](meta ?? {}, message);
}
