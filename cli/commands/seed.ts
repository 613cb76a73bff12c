/**
 * `tierflow seed`: opens demo help requests through the same gateway as the intake and acts on a
 * share of them (acknowledge, comment, escalate, pause, resolve), so a fresh `npm start` has
 * something to list and report on. Breaches need coverage time to pass: a fresh seed has none.
 */
import type { Command } from 'commander';

import { HELP_REQUEST_TASK_QUEUE } from '../../contracts/help-request.js';
import { createTemporalGateway, GatewayError, type RequestGateway } from '../../intake/temporal-gateway.js';
import { temporalTarget, withTemporal, type TemporalSession } from '../connection.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { paint, table } from '../format.js';
import { loadRegistry, registryDir } from '../registry-dir.js';
import { seedBatch, seedPlan, type SeedRequest } from '../seed-plan.js';
import { wholeNumber } from './requests.js';

interface SeedOptions {
  count: string;
  taskQueue: string;
  config?: string;
  as?: string;
}

/** What became of one seeded request. */
export interface SeedOutcome {
  id: string;
  system: string | null;
  priority: string | null;
  type: string | null;
  duplicate: boolean;
  /** Actions applied, in order. */
  done: string[];
  /** Actions the request refused, with the reason (none expected). */
  refused: string[];
  status: string;
  tier: number | null;
}

/** Requests seeded at once (each waits on its own Updates). */
const CONCURRENCY = 6;

/** Throws unless a worker has polled the task queue lately: without one, nothing would answer the actions. */
async function requireWorker({ client, target }: TemporalSession, taskQueue: string): Promise<void> {
  const described = await client.connection.withDeadline(Date.now() + 5_000, () =>
    client.workflowService.describeTaskQueue({ namespace: target.namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 /* WORKFLOW */ }),
  );
  if ((described.pollers ?? []).length === 0) {
    throw new CliError(
      `no worker polls task queue ${taskQueue} at ${target.address}; start one with \`npm start\`, or name the worker's queue with --task-queue`,
    );
  }
}

/** An action, retried while the request is busy (an Update meeting a continue-as-new, say). */
async function act(gateway: RequestGateway, id: string, step: SeedRequest['actions'][number]) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await gateway.act(id, step.action, { actor: step.actor, ...(step.note ? { note: step.note } : {}), source: 'api' });
    } catch (err) {
      if (!(err instanceof GatewayError && err.code === 'unavailable') || attempt >= 3) throw err;
    }
  }
}

async function seedOne(gateway: RequestGateway, request: SeedRequest): Promise<SeedOutcome> {
  const started = await gateway.start(request.input);
  const outcome: SeedOutcome = {
    id: request.input.id,
    system: request.input.system ?? null,
    priority: request.input.priority ?? null,
    type: request.input.type ?? null,
    duplicate: started.duplicate,
    done: [],
    refused: [],
    status: started.status,
    tier: null,
  };
  // A request this batch opened before is left as it is: its actions were applied then.
  if (started.duplicate) return outcome;
  for (const step of request.actions) {
    try {
      const view = await act(gateway, request.input.id, step);
      outcome.done.push(step.action);
      outcome.status = view.status;
      outcome.tier = view.tier;
    } catch (err) {
      if (!(err instanceof GatewayError && err.code === 'conflict')) throw err;
      outcome.refused.push(`${step.action}: ${err.message}`);
    }
  }
  if (outcome.tier === null) {
    const view = await gateway.status(request.input.id);
    outcome.status = view.status;
    outcome.tier = view.tier;
  }
  return outcome;
}

const PAST: Record<string, string> = {
  acknowledge: 'acknowledged',
  comment: 'commented',
  escalate: 'escalated',
  pause: 'paused',
  resolve: 'resolved',
};

/** The seeding's closing lines: counts by action and where to look next. */
export function seedSummary(outcomes: readonly SeedOutcome[], opts: { taskQueue: string; address: string; since: string }): string[] {
  const tally = new Map<string, number>();
  for (const o of outcomes) for (const action of o.done) tally.set(action, (tally.get(action) ?? 0) + 1);
  const untouched = outcomes.filter((o) => o.done.length === 0 && !o.duplicate).length;
  const acted = [...tally].map(([action, n]) => `${n} ${PAST[action] ?? action}`);
  return [
    `Seeded ${outcomes.length} requests on task queue ${opts.taskQueue} at ${opts.address}: ${[...acted, `${untouched} untouched`].join(', ')}.`,
    'Breaches need coverage time to pass: run the report again later to see them.',
    `See them:  npx tierflow requests list --since ${opts.since}`,
    `           npx tierflow report sla --since ${opts.since}`,
  ];
}

export function registerSeed(program: Command, ctx: CliContext): void {
  program
    .command('seed')
    .description('open demo requests (several systems, priorities and types; never a crisis) and act on a share of them, for a populated report')
    .option('--count <n>', 'how many requests', '24')
    .option('--task-queue <name>', "the worker's task queue", HELP_REQUEST_TASK_QUEUE)
    .option('--config <dir>', 'registry folder the systems and analysts come from (default: TIERFLOW_CONFIG, else the bundled registry/)')
    .option('--as <actor>', 'who acts on the requests (default: the analysts of the shifts registry, in turn)')
    .action(async (opts: SeedOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const count = wholeNumber('--count', opts.count, 1, 500);
      const config = loadRegistry(registryDir(opts.config, ctx.env));
      const actor = opts.as ?? ctx.env.TIERFLOW_ACTOR;
      const analysts = [...new Set(config.shifts.shifts.flatMap((shift) => shift.rotation.flat()))];
      const now = ctx.now();
      const plan = seedPlan({ count, batch: seedBatch(now), systems: config.registry.systems, actors: actor?.trim() ? [actor.trim()] : analysts });
      const target = temporalTarget(globals, ctx.env);
      const outcomes = await withTemporal(target, async (session) => {
        await requireWorker(session, opts.taskQueue);
        const gateway = createTemporalGateway(session.client, { taskQueue: opts.taskQueue, timeoutMs: 10_000 });
        const results: SeedOutcome[] = [];
        for (let i = 0; i < plan.length; i += CONCURRENCY) {
          results.push(...(await Promise.all(plan.slice(i, i + CONCURRENCY).map((request) => seedOne(gateway, request)))));
          if (ctx.stderr.isTTY) ctx.stderr.write(`\rseeding… ${results.length}/${plan.length}`);
        }
        if (ctx.stderr.isTTY) ctx.stderr.write('\r\u001b[K');
        return results;
      });
      const refused = outcomes.reduce((n, o) => n + o.refused.length, 0);
      const failure = new CliError(`${refused} seeded action${refused === 1 ? ' was' : 's were'} refused (listed above)`, EXIT.refused);
      if (globals.json) {
        ctx.printJson(outcomes);
        if (refused > 0) throw failure;
        return;
      }
      const since = new Date(now - 60_000).toISOString().slice(0, 16) + 'Z';
      ctx.print([
        ...table(
          [{ header: 'ID' }, { header: 'SYSTEM' }, { header: 'PRIORITY' }, { header: 'TYPE' }, { header: 'NOW' }, { header: 'DONE' }],
          outcomes.map((o) => [
            o.id,
            o.system ?? '—',
            o.priority ?? '—',
            o.type ?? '—',
            `Tier ${o.tier ?? '?'} ${o.status}`,
            o.duplicate ? 'already seeded' : o.done.map((a) => PAST[a] ?? a).join(', ') || '—',
          ]),
          { colour: ctx.colour },
        ),
        '',
        ...outcomes.flatMap((o) => o.refused.map((r) => paint(`${o.id} refused ${r}`, 'yellow', ctx.colour))),
        ...seedSummary(outcomes, { taskQueue: opts.taskQueue, address: target.address, since }),
      ]);
      if (refused > 0) throw failure;
    });
}
