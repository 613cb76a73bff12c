/**
 * `tierflow requests …`: list requests from visibility, show one request's status, and act on a
 * request as an engineer — the same Updates, with the same validation, as `POST /requests/:id/<action>`.
 */
import { type Command, Option } from 'commander';

import type { ActionName } from '../../contracts/help-request.js';
import { FilterError, parseRequestFilter, type RequestFilter, type RequestListItem } from '../../contracts/request-list.js';
import { PRIORITIES } from '../../domain/types.js';
import { createTemporalGateway } from '../../intake/temporal-gateway.js';
import { actionBodySchema, describeIssues, requestIdSchema } from '../../intake/schemas.js';
import { listRequests, MAX_PAGE_SIZE } from '../../queries/requests.js';
import { temporalTarget, withTemporal } from '../connection.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { actedLine, listCsv, listTable, statusLines } from '../request-views.js';

export type ListFormat = 'table' | 'json' | 'csv';

interface ListOptions {
  tier?: string;
  system?: string;
  status?: string;
  breached?: boolean;
  notBreached?: boolean;
  priority?: string;
  type?: string;
  since?: string;
  until?: string;
  limit: string;
  format: ListFormat;
}

/**
 * The visibility filter of `requests list`'s options, validated by the same rules as `GET /requests`;
 * a wrong value throws a usage error naming the option.
 * @example listFilter({ tier: '3', breached: true, limit: '50', format: 'table' }) // { tier: 3, breached: true }
 */
export function listFilter(opts: Omit<ListOptions, 'limit' | 'format'>): RequestFilter {
  if (opts.breached && opts.notBreached) throw usageError('--breached', 'give --breached or --not-breached, not both');
  const raw: Record<string, string | undefined> = {
    tier: opts.tier,
    system: opts.system,
    status: opts.status,
    breached: opts.breached ? 'true' : opts.notBreached ? 'false' : undefined,
    priority: opts.priority,
    type: opts.type,
    since: opts.since,
    until: opts.until,
  };
  try {
    return parseRequestFilter(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)));
  } catch (err) {
    if (err instanceof FilterError) throw usageError(`--${err.field}`, err.message);
    throw err;
  }
}

/**
 * A whole number option within bounds, or a usage error naming it.
 * @example wholeNumber('--limit', '20', 1, 10_000) // 20
 */
export function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(option, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

/** The engineer actions the CLI offers (`solved` is the requester's own, from a Tier 1 guide). */
export const CLI_ACTIONS: ReadonlyArray<{ name: Exclude<ActionName, 'solved'>; description: string; required?: 'note' | 'priority' | 'system' }> = [
  { name: 'acknowledge', description: 'pick the request up (a first response); you become its assignee' },
  { name: 'resolve', description: 'resolve the request (reopenable within the reopen window)' },
  { name: 'escalate', description: 'escalate one tier; --note is the reason', required: 'note' },
  { name: 'pause', description: 'wait on the requester: the SLA clocks stop' },
  { name: 'resume', description: 'the requester answered: the SLA clocks run again' },
  { name: 'comment', description: 'add a comment (posted to the Slack thread and the tracker issue)', required: 'note' },
  { name: 'reopen', description: 'reopen a resolved request (within the reopen window)' },
  { name: 'priority', description: 'change the priority; elapsed coverage time is kept', required: 'priority' },
  { name: 'reassign', description: 'hand the request to another registry system (its owners are paged)', required: 'system' },
  { name: 'cancel', description: 'cancel the request (--reason, e.g. duplicate)' },
];

interface ActionOptions {
  as?: string;
  note?: string;
  priority?: string;
  system?: string;
  reason?: string;
}

/** The CLI option behind each field of the API's action body. */
const OPTION_OF: Record<string, string> = { actor: '--as', note: '--note', priority: '--priority', system: '--system', reason: '--reason' };

/**
 * The action's arguments, validated with the API's own body schema (so the CLI and `POST
 * /requests/:id/<action>` refuse the same things); the actor is `--as`, else `TIERFLOW_ACTOR`.
 */
export function actionArgs(opts: ActionOptions, env: Readonly<Record<string, string | undefined>>) {
  const actor = opts.as ?? env.TIERFLOW_ACTOR;
  if (actor === undefined || actor.trim() === '') throw usageError('--as', 'who is acting is required: --as NAME or TIERFLOW_ACTOR');
  const body = Object.fromEntries(
    Object.entries({ actor, note: opts.note, priority: opts.priority, system: opts.system, reason: opts.reason }).filter(([, value]) => value !== undefined),
  );
  const parsed = actionBodySchema.safeParse(body);
  if (!parsed.success) {
    const { details } = describeIssues(parsed.error);
    throw new CliError(details.map((d) => `${OPTION_OF[d.field] ?? d.field}: ${d.problem}`).join('; '), EXIT.usage);
  }
  return { ...parsed.data, source: 'api' as const };
}

function requestId(id: string): string {
  if (!requestIdSchema.safeParse(id).success) throw new CliError(`no request with id ${id.slice(0, 140)} (ids look like req-json-…)`, EXIT.notFound);
  return id;
}

/** Up to `limit` requests, newest first, and whether more may match. */
async function listUpTo(client: Parameters<typeof listRequests>[0], filter: RequestFilter, limit: number) {
  const items: RequestListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRequests(client, filter, { cursor, pageSize: Math.min(MAX_PAGE_SIZE, limit - items.length) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < limit);
  return { items: items.slice(0, limit), more: cursor !== undefined };
}

export function registerRequests(program: Command, ctx: CliContext): void {
  const requests = program.command('requests').description('list, show and act on help requests (Temporal visibility and Updates)');

  requests
    .command('list')
    .description('requests matching the filters, newest first')
    .option('--tier <n>', 'tier 1 to 5')
    .option('--system <id>', 'registry system id, e.g. okta-sso')
    .option('--status <status>', 'open, acknowledged, waiting_on_requester, resolved, cancelled or closed')
    .option('--breached', 'only requests with a breached SLA clock')
    .option('--not-breached', 'only requests with no breached SLA clock')
    .addOption(new Option('--priority <p>', 'priority').choices(PRIORITIES))
    .option('--type <type>', 'question, access, change or crisis')
    .option('--since <date>', 'opened at or after (ISO date or date-time)')
    .option('--until <date>', 'opened before (ISO date or date-time)')
    .option('--limit <n>', 'most requests shown', '50')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'))
    .action(async (opts: ListOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions & ListOptions>();
      const filter = listFilter(opts);
      const limit = wholeNumber('--limit', opts.limit, 1, 10_000);
      const format: ListFormat = globals.json ? 'json' : opts.format;
      const { items, more } = await withTemporal(temporalTarget(globals, ctx.env), ({ client }) => listUpTo(client, filter, limit));
      if (format === 'json') return ctx.printJson(items);
      if (format === 'csv') return void ctx.stdout.write(listCsv(items));
      if (items.length === 0) return ctx.print('No requests match.');
      ctx.print(listTable(items, { now: ctx.now(), colour: ctx.colour }));
      if (more) ctx.note(`(the newest ${items.length}; more may match: raise --limit or narrow the filters)`);
    });

  requests
    .command('show')
    .description("one request's status: tier, status, SLA clocks with due times, links, recent timeline")
    .argument('<id>', 'request id, e.g. req-json-demo-1')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const view = await withTemporal(temporalTarget(globals, ctx.env), ({ client }) => createTemporalGateway(client).status(requestId(id)));
      if (globals.json) return ctx.printJson(view);
      ctx.print(statusLines(view, { now: ctx.now(), colour: ctx.colour }));
    });

  for (const action of CLI_ACTIONS) {
    const command = requests.command(action.name).description(action.description).argument('<id>', 'request id');
    const note = action.name === 'escalate' ? 'the reason for escalating' : action.name === 'comment' ? 'the comment' : 'a note for the timeline';
    if (action.required === 'note') command.requiredOption('--note <text>', note);
    else command.option('--note <text>', note);
    if (action.name === 'priority') command.addOption(new Option('--priority <p>', 'the new priority').choices(PRIORITIES).makeOptionMandatory());
    if (action.name === 'reassign') command.requiredOption('--system <id>', 'the registry system to hand the request to');
    if (action.name === 'cancel') command.option('--reason <text>', 'why, e.g. duplicate or spam');
    command.option('--as <actor>', 'who is acting (default: TIERFLOW_ACTOR)').action(async (id: string, opts: ActionOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const args = actionArgs(opts, ctx.env);
      const target = temporalTarget(globals, ctx.env);
      const view = await withTemporal(target, ({ client }) => createTemporalGateway(client).act(requestId(id), action.name, args));
      if (globals.json) return ctx.printJson(view);
      ctx.print(actedLine(action.name, view));
    });
  }
}
