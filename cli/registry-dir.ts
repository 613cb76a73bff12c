/**
 * Which registry folder a command reads: the one named on the command line, else `TIERFLOW_CONFIG`
 * (as the worker reads it), else the registry bundled with tierflow. An invalid folder is one error
 * listing every problem by file, field and line (`registry/load.ts`).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

import type { TierflowConfig } from '../domain/config.js';
import { ConfigError, DEFAULT_CONFIG_DIR, loadConfig } from '../registry/load.js';
import { CliError, EXIT } from './errors.js';

/** The folder to read, absolute. */
export function registryDir(given: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const dir = given?.trim() || env.TIERFLOW_CONFIG?.trim() || DEFAULT_CONFIG_DIR;
  return resolve(dir);
}

/** The validated registry in `dir`, or a {@link CliError} (exit 1) listing its problems. */
export function loadRegistry(dir: string): TierflowConfig {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`no registry folder at ${dir}`, EXIT.failure);
  try {
    return loadConfig(dir);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`the registry in ${dir} is invalid:\n  ${err.message.split('\n').join('\n  ')}`, EXIT.failure);
    // A shift the loader let through but the shift rules refuse, or a folder that cannot be read.
    throw new CliError(`cannot read the registry in ${dir}: ${err instanceof Error ? err.message : String(err)}`, EXIT.failure);
  }
}
