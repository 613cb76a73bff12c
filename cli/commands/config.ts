/**
 * `tierflow config check [DIR]`: loads and validates a registry folder as the worker would at
 * start, and says what it found; an invalid folder exits 1 naming each file, field and line.
 */
import type { Command } from 'commander';

import type { CliContext, GlobalOptions } from '../context.js';
import { loadRegistry, registryDir } from '../registry-dir.js';
import { registryJson, registryLines } from '../registry-view.js';

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('the registry folder: systems, tiers, SLA policy, calendar, shifts');
  config
    .command('check')
    .description('load and validate a registry folder and print what it holds (exit 1 naming the file and field of each problem)')
    .argument('[dir]', 'registry folder (default: TIERFLOW_CONFIG, else the bundled registry/)')
    .action((dir: string | undefined, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const folder = registryDir(dir, ctx.env);
      const loaded = loadRegistry(folder);
      if (globals.json) return ctx.printJson(registryJson(folder, loaded));
      ctx.print(registryLines(folder, loaded, { colour: ctx.colour }));
    });
}
