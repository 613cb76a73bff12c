/**
 * What every command gets: the environment, stdout and stderr, the clock, and the global options
 * (`--address`, `--namespace`, `--json`). Passed in, so the CLI can run in-process under a test.
 */
import { colourFor } from './format.js';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: Stream;
  stderr: Stream;
  now(): number;
}

/** The options `tierflow` takes before or after any command. */
export interface GlobalOptions {
  address?: string;
  namespace?: string;
  json?: boolean;
}

export interface CliContext extends CliIo {
  /** Colour on stdout (a terminal, and no `NO_COLOR`). */
  colour: boolean;
  /** Writes lines to stdout. */
  print(lines: string | readonly string[]): void;
  /** Writes JSON to stdout (pretty, one document). */
  printJson(value: unknown): void;
  /** Writes a line to stderr (notes and progress, never data). */
  note(line: string): void;
}

export function contextOf(io: CliIo): CliContext {
  const lines = (value: string | readonly string[]) => (typeof value === 'string' ? [value] : value);
  return {
    ...io,
    colour: colourFor(io.stdout, io.env),
    print: (value) => {
      for (const line of lines(value)) io.stdout.write(`${line}\n`);
    },
    printJson: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (line) => io.stderr.write(`${line}\n`),
  };
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  // A reader that stops early (`tierflow requests list | head`) closes the pipe: that ends the
  // command quietly, as it ends any Unix filter, instead of an unhandled EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, now: Date.now };
}
