/**
 * A worker wired like production (`workers/stack.ts`, as `npm start` wires it), against the Slack
 * and GitLab emulators through the real client libraries, on a unique task queue and a connection
 * the test gives. Used by the workflow and end-to-end tests.
 */
import { Client, Connection } from '@temporalio/client';
import { Runtime, DefaultLogger, NativeConnection, type Worker } from '@temporalio/worker';

import { emulatorSettings } from '../../bench/support/emulator-env.js';
import type { TierflowConfig } from '../../domain/config.js';
import { loadConfig } from '../../registry/load.js';
import { usergroupsFor, type Sandbox } from '../../sandbox/index.js';
import { mentionedGroups } from '../../workers/sandbox-groups.js';
import { startStack } from '../../workers/stack.js';
import { freshNamespace, unique, workflowBundle } from './temporal.js';

let runtimeInstalled = false;
/** Keeps the SDK's own logs to warnings during tests. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A connection made earlier in this file already installed the default runtime.
  }
}

export interface Harness {
  sandbox: Sandbox;
  worker: Worker;
  taskQueue: string;
  config: TierflowConfig;
  /** Stops the worker (waiting for it to drain) and the emulators. */
  close(): Promise<void>;
}

export const HELP_CHANNEL = 'C0ITHELP';

/** Slack users of the tests and the groups the Slack emulator says they belong to. */
export const STAFF = { analyst: 'U0GRACE01', engineer: 'U0ENGINEER1', oktaOwner: 'U0OKTAOWN1', lead: 'U0LEADER01' } as const;
const STAFF_GROUPS: Record<string, string[]> = {
  'it-helpdesk-analysts': [STAFF.analyst],
  'corpsec-engineers': [STAFF.engineer],
  'sysowners-okta-sso': [STAFF.oktaOwner],
  'corpsec-leadership': [STAFF.lead],
};
export const TRACKER = 'gitlab-com/gl-security/corp/issue-tracker';

export async function startHarness(opts: {
  connection: NativeConnection;
  /** A client of the same server, for the activities that read and signal requests. */
  client: Client;
  /** Slack bot token the worker uses (the emulator refuses `xoxb-invalid`). */
  slackToken?: string;
  namespace?: string;
  config?: TierflowConfig;
  /** The weekly SLA digest's channel (`SLACK_DIGEST_CHANNEL`; default none). */
  digestChannel?: string;
}): Promise<Harness> {
  quietRuntime();
  const config = opts.config ?? loadConfig();
  // A project id of its own: requests of every harness on the run's dev server record their
  // tracker issues as `<project id>#<iid>`, and iids start at 1 in every emulator.
  const gitlabProjectId = 100_000 + Math.floor(Math.random() * 900_000_000);
  const usergroups = usergroupsFor(mentionedGroups(config)).map((g) => ({ ...g, users: STAFF_GROUPS[g.handle] ?? [] }));
  // A production configuration (strong generated secrets) whose Slack and GitLab are the stack's emulators.
  const settings = emulatorSettings({
    helpChannel: HELP_CHANNEL,
    project: TRACKER,
    ...(opts.slackToken ? { slackToken: opts.slackToken } : {}),
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  });
  if (opts.digestChannel) settings.slack.digestChannel = opts.digestChannel;
  const stack = await startStack(settings, {
    parts: { sandbox: true, worker: true, schedules: false, intake: false },
    config,
    // The emulators' modelled rate limits run on real time, the time-skipping server's workflows do not: off in tests.
    sandbox: { gitlabProjectId, usergroups, rateLimits: false },
    taskQueue: unique('tierflow-test'),
    // The lanes' rate limits model Slack's and GitLab's; tests are not there to wait for them.
    rates: { slack: 500, gitlab: 500 },
    workflowBundle: await workflowBundle(),
    runtime: 'installed',
    temporal: { client: opts.client, nativeConnection: opts.connection },
    logger: null,
  });
  return {
    sandbox: stack.sandbox!,
    worker: stack.worker!.worker,
    taskQueue: stack.taskQueue,
    config,
    close: () => stack.stop(),
  };
}

/** Polls `probe` until it returns a truthy value (real time), or fails naming `what`. */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A harness on the run's dev server, with the connections it needs; `close` stops all of it. */
export interface DevServerHarness {
  harness: Harness;
  client: Client;
  close(): Promise<void>;
}

/**
 * `namespace: 'fresh'` gives the harness a namespace of its own (see `freshNamespace`), for a test
 * that counts every request of its namespace.
 */
export async function startDevServerHarness(address: string, opts: { config?: TierflowConfig; namespace?: 'fresh' } = {}): Promise<DevServerHarness> {
  quietRuntime();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const namespace = opts.namespace === 'fresh' ? await freshNamespace(connection) : undefined;
  const client = new Client({ connection, ...(namespace ? { namespace } : {}) });
  const harness = await startHarness({
    connection: nativeConnection,
    client,
    ...(namespace ? { namespace } : {}),
    ...(opts.config ? { config: opts.config } : {}),
  });
  return {
    harness,
    client,
    async close() {
      await harness.close();
      await connection.close();
      await nativeConnection.close();
    },
  };
}
