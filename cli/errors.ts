/**
 * How the CLI fails: one line on stderr and an exit code a script can branch on. Every error the
 * commands expect is a {@link CliError}; anything else is a bug and is still reported in one line.
 */
import { GatewayError } from '../intake/temporal-gateway.js';

/** Exit codes, as `tierflow --help` lists them. */
export const EXIT = {
  ok: 0,
  /** Temporal unreachable, an invalid registry, anything unexpected. */
  failure: 1,
  /** The request refused the action in its current state (the API's 409). */
  refused: 2,
  /** No request with that id (the API's 404). */
  notFound: 3,
  /** Bad usage: an unknown command or option, or a value it does not take (named). */
  usage: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure: its message is printed as is, its code is the process's exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
  ) {
    super(message);
  }
}

/** A usage error naming the option, e.g. `--tier: tier must be 1 to 5`. */
export const usageError = (option: string, problem: string) => new CliError(`${option}: ${problem}`, EXIT.usage);

/**
 * The CLI error of a gateway outcome: refused → 2, unknown request → 3, the rest → 1.
 * @example cliErrorOf(new GatewayError('conflict', 'cannot resolve: request is resolved')).exitCode // 2
 */
export function cliErrorOf(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof GatewayError) {
    if (err.code === 'conflict') return new CliError(`refused: ${err.message}`, EXIT.refused);
    if (err.code === 'not_found') return new CliError(err.message, EXIT.notFound);
    return new CliError(err.message, EXIT.failure);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError(message.split('\n')[0] ?? message, EXIT.failure);
}
