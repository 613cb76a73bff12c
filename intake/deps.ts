/**
 * What the intake app is built from: its options (from the settings) and its collaborators. Its
 * own module, so the app and its routes both import it and neither imports the other back.
 */
import type { Logger } from 'pino';

import type { ShiftConfig } from '../domain/shifts.js';
import type { AutomationCandidate } from '../domain/sla-report.js';
import type { HttpTimeouts } from './http-transport.js';
import type { IntakeMetrics } from './metrics.js';
import type { SlackDirectory } from './slack-directory.js';
import type { SystemChoice } from './slack-modals.js';
import type { SlackResponder } from './slack-respond.js';
import type { RequestGateway } from './temporal-gateway.js';

/** What the intake is configured with (from the settings, by `intakeOptions` in `workers/intake-app.ts`). */
export interface IntakeOptions {
  /** HMAC secret of `POST /webhooks/requests`; null accepts unsigned bodies (sandbox only). */
  intakeSecret: string | null;
  /**
   * The JSON intake (`POST /webhooks/requests`); false switches it off (`TIERFLOW_SOURCES`): 404.
   * Slack and GitLab are switched off by leaving out `slack` / `gitlab`.
   */
  webhook?: boolean;
  apiToken: string;
  /** Base of the status URLs handed back to senders. */
  publicUrl: string;
  /**
   * How long a requester's status link stays good (default 30 days: `DEFAULT_STATUS_LINK_TTL_MS`,
   * longer than the reopen window). Links are signed with a key derived from `apiToken`.
   */
  statusLinkTtlMs?: number;
  bodyLimitBytes?: number;
  /**
   * Slack (`/slack/*`); absent: switched off (404). Without a signing secret every Slack request is
   * refused with 401 naming SLACK_SIGNING_SECRET: unsigned Slack payloads are never trusted, not
   * even in sandbox mode.
   */
  slack?: {
    signingSecret: string | null;
    /** Channel id of `#it_help`: top-level messages there start requests. */
    helpChannel: string;
    /** Only `response_url`s under this base are called (default `https://hooks.slack.com/`). */
    responseUrlBase?: string;
    /** Bot token (`xoxb-…`) the Slack listeners call Slack with (`views.open`); absent: they cannot open modals. */
    botToken?: string | null;
    /** Base URL of the Slack Web API (`SLACK_API_URL`; default Slack's own), for the bot and Socket Mode. */
    apiUrl?: string;
    /** App-level token (`xapp-…`, `SLACK_APP_TOKEN`): deliveries also arrive over Socket Mode. */
    appToken?: string | null;
    /** The registry's systems: the choices of the `/it-help` form and the words it recognises. */
    systems?: readonly SystemChoice[];
    /** The registry's shifts: who `/it-help oncall` says is on call (absent: it says none are configured). */
    shifts?: ShiftConfig;
  };
  /** GitLab (`/webhooks/gitlab`); absent: switched off (404). Without a webhook secret every hook is refused with 401 naming GITLAB_WEBHOOK_SECRET. */
  gitlab?: {
    webhookSecret: string | null;
    /** The tracker project (path or id): only its issues are acted on. */
    project: string;
  };
  /** Clock for signature timestamps and status links' expiry, epoch ms (default `Date.now`). */
  now?: () => number;
  /** Header, request, idle and keep-alive timeouts (defaults: `DEFAULT_HTTP_TIMEOUTS`). */
  timeouts?: Partial<HttpTimeouts>;
  /** Sandbox mode: answer only requests addressed to a loopback name (DNS-rebinding guard). */
  loopbackHostsOnly?: boolean;
}

/** What `createApp` is built from: the Temporal gateway, the options and optional collaborators. */
export interface IntakeDeps {
  gateway: RequestGateway;
  options: IntakeOptions;
  logger?: Logger;
  /** In sandbox mode, what the Slack and GitLab emulators received (`GET /sandbox`). */
  sandboxSnapshot?: () => unknown;
  /** Intake metrics over an injected registry (default: a fresh registry per app); served by `metrics-server.ts`, not here. */
  metrics?: IntakeMetrics;
  /** Posts ephemeral replies to Slack `response_url`s (default: `fetch`, limited to `slack.responseUrlBase`). */
  respond?: SlackResponder;
  /** The Slack user groups of a clicking user, for the request's rules (default: none known, so staff actions from Slack are refused). */
  slackDirectory?: SlackDirectory;
  /**
   * The link handed to a requester for their request (the 202 body's `url`, the `/it-help` reply):
   * a page that needs no token. Default: `createApp` signs one (`status-link.ts`) and hands every
   * route the completed deps, so routes may call it without a fallback.
   */
  statusUrl?: (requestId: string) => string;
  /**
   * The Tier 4 automation candidates the SLA report page shows (`GET /reports/sla`), for its range;
   * e.g. `readAutomationCandidates` over the intake's client. Default: none (the page says "none yet").
   */
  automationCandidates?: (range: { since: number; until: number }) => Promise<readonly AutomationCandidate[]>;
}

/** The deps every route gets from `createApp`: the optional collaborators it completes are there. */
export interface WiredIntakeDeps extends IntakeDeps {
  statusUrl: (requestId: string) => string;
}
