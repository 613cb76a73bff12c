/**
 * `tierflow`, the command line of the help desk (`npx tierflow …`; `bin/tierflow.mjs` runs this
 * file through tsx). It talks to Temporal directly — visibility for lists and reports, the
 * request's Updates for actions, as the intake does — and reads the registry folder for `oncall`
 * and `config check`. Every failure is one line on stderr and an exit code (`EXIT`).
 */
import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { registerConfig } from './commands/config.js';
import { registerOncall } from './commands/oncall.js';
import { registerReport } from './commands/report.js';
import { registerRequests } from './commands/requests.js';
import { registerSeed } from './commands/seed.js';
import { contextOf, processIo, type CliIo } from './context.js';
import { cliErrorOf, EXIT } from './errors.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const HELP_AFTER = `
Environment:
  TEMPORAL_ADDRESS    Temporal frontend (default 127.0.0.1:<TEMPORAL_PORT>, the dev server of \`npm start\`; port 7233)
  TEMPORAL_NAMESPACE  namespace (default "default")
  TIERFLOW_ACTOR      who acts, when --as is not given
  TIERFLOW_CONFIG     registry folder for oncall, config check and seed (default: the bundled registry/)
  NO_COLOR            no colour, even on a terminal

Exit codes:
  0  done
  1  failure: Temporal unreachable, an invalid registry, anything unexpected
  2  refused: the request's state does not allow the action (the reason is printed)
  3  no request with that id
  4  bad usage: an unknown command or option, or a value it does not take (named)

Examples:
  npx tierflow requests list --tier 3 --breached
  npx tierflow requests show req-json-demo-1
  npx tierflow requests acknowledge req-json-demo-1 --as grace
  npx tierflow report sla --since 2026-11-01 --by system --format csv > sla.csv
  npx tierflow oncall --at 2026-12-25T10:00:00Z`;

/** The program, its commands writing through `io`. */
export function buildProgram(io: CliIo): Command {
  const ctx = contextOf(io);
  const program = new Command('tierflow')
    .description('tierflow from the command line: requests, SLA report, on-call, registry check, demo seeding')
    .version(VERSION)
    .option('--address <host:port>', 'Temporal frontend (default: TEMPORAL_ADDRESS, else 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE, else default)')
    .option('--json', 'machine output: one JSON document on stdout')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', HELP_AFTER);
  registerRequests(program, ctx);
  registerReport(program, ctx);
  registerOncall(program, ctx);
  registerConfig(program, ctx);
  registerSeed(program, ctx);
  return program;
}

/**
 * Runs the command line `argv` (without `node` and the script) and resolves to the exit code;
 * never throws and never exits the process itself.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has printed its own message (help, version, or the usage error naming the option).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = cliErrorOf(err);
    io.stderr.write(`tierflow: ${failure.message}\n`);
    return failure.exitCode;
  }
}
