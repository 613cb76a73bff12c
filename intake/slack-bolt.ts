/**
 * tierflow's Slack app: Bolt's `App` with tierflow's listeners, fed by whichever receiver the
 * settings choose (HTTP routes on the intake's fastify app, or Socket Mode). Bolt keeps no state of
 * its own here (no conversation store) and takes nothing on trust: signatures are checked by the
 * HTTP receiver, our own messages are recognised by the pure decisions, and a failing listener
 * fails the delivery (the error handler rethrows it for the receiver to map).
 */
import { App, LogLevel, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';

import { registerSlackListeners, type SlackListenerDeps } from './slack-listeners.js';

/** What the app is built from. */
export interface SlackBoltOptions extends SlackListenerDeps {
  receiver: Receiver;
  /** The bot token (`xoxb-…`) the listeners call Slack with (`views.open`); null: they cannot. */
  botToken: string | null;
  /** Base URL of the Slack Web API (`SLACK_API_URL`), default Slack's own. */
  apiUrl?: string | undefined;
  logger: BoltLogger;
}

/** How long one Slack API call from a listener may take: a modal's trigger id is good for 3 s. */
export const SLACK_LISTENER_CALL_MS = 2_000;

/**
 * Options of every WebClient the intake makes: our base URL, and no retries or waiting out a 429
 * (Slack answers a delivery within 3 s; a failed call is reported, not repeated).
 */
export function slackClientOptions(apiUrl?: string): WebClientOptions {
  return { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: SLACK_LISTENER_CALL_MS };
}

/** The error a listener threw, unwrapped from Bolt's `UnknownError`. */
export function originalError(error: unknown): unknown {
  return error instanceof Error && 'original' in error && error.original !== undefined ? error.original : error;
}

/**
 * Builds the Bolt app with tierflow's listeners.
 * @example createSlackBolt({ receiver, botToken: 'xoxb-…', logger: boltLogger(pino()), gateway, helpChannel: 'C0ITHELP', systems, directory, respond, statusUrl })
 */
export function createSlackBolt(opts: SlackBoltOptions): App {
  const { botToken } = opts;
  const app = new App({
    receiver: opts.receiver,
    // One workspace, one bot token; no auth.test at start (the intake starts while Slack is away).
    authorize: async () => (botToken ? { botToken } : {}),
    clientOptions: slackClientOptions(opts.apiUrl),
    logger: opts.logger,
    // The decisions recognise the app's own messages from the envelope's authorizations.
    ignoreSelf: false,
    // No state outside Temporal: any number of intakes answer any delivery.
    convoStore: false,
  });
  app.error(async (error) => {
    throw originalError(error);
  });
  registerSlackListeners(app, opts);
  return app;
}

const LEVELS: Record<string, LogLevel> = { trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN };

/**
 * Bolt's and the Socket Mode client's logs, into the intake's pino logger (nothing without one).
 * @example new App({ logger: boltLogger(pino()), ... })
 */
export function boltLogger(logger: Logger | undefined): BoltLogger {
  const log = logger?.child({ component: 'slack' });
  const emit =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (!log) return;
      const err = msg.find((m) => m instanceof Error);
      const text = msg
        .filter((m) => !(m instanceof Error))
        .map((m) => (typeof m === 'string' ? m : printable(m)))
        .join(' ');
      log[level](err ? { err } : {}, text);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel: () => undefined,
    getLevel: () => (log ? (LEVELS[log.level] ?? LogLevel.ERROR) : LogLevel.ERROR),
    setName: () => undefined,
  };
}

function printable(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
