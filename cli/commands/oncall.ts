/**
 * `tierflow oncall`: who is on shift (the Tier 2 analysts' follow-the-sun shifts, holidays known)
 * and who is next, from the registry alone — no Temporal needed.
 */
import type { Command } from 'commander';

import { onCallSummary } from '../../domain/on-call.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { usageError } from '../errors.js';
import { onCallJson, onCallLines } from '../oncall-view.js';
import { loadRegistry, registryDir } from '../registry-dir.js';

/**
 * An instant from `--at`: an ISO date-time (a bare date is its UTC midnight; no offset is the reader's local time).
 * @example parseAt('2026-12-25T10:00:00Z') // Date.UTC(2026, 11, 25, 10)
 */
export function parseAt(value: string): number {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(at)) throw usageError('--at', `must be an ISO date-time, e.g. 2026-12-25T10:00:00Z, not ${JSON.stringify(value.slice(0, 60))}`);
  return at;
}

export function registerOncall(program: Command, ctx: CliContext): void {
  program
    .command('oncall')
    .description('who is on shift now (shifts, Slack groups, until when) and who is next, from the shifts registry')
    .option('--at <datetime>', 'the instant to ask about (ISO date-time; default now)')
    .option('--config <dir>', 'registry folder (default: TIERFLOW_CONFIG, else the bundled registry/)')
    .action((opts: { at?: string; config?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const at = opts.at === undefined ? ctx.now() : parseAt(opts.at);
      const config = loadRegistry(registryDir(opts.config, ctx.env));
      const summary = onCallSummary(config.shifts, at);
      if (globals.json) return ctx.printJson(onCallJson(summary));
      ctx.print(onCallLines(summary, { colour: ctx.colour }));
    });
}
