/**
 * `scripts/setup.mjs`, run before `npm start` and `npm test`: it installs dev dependencies whatever
 * NODE_ENV says, trusts its stamp only while the stamp names this lockfile and the tools are there,
 * and lets one run at a time work on a checkout. Exercised on throwaway projects (a tiny packed
 * dev dependency), never on this checkout's node_modules.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { acquireLock, currentParts, expectedStamp, lockIsStale, missingPackages, readStamp, runSetup } from '../../scripts/setup.mjs';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('what the setup decides', () => {
  it('finds every locked package npm left out (dev dependencies under NODE_ENV=production), not optional ones', () => {
    const lock = {
      packages: {
        '': { name: 'tierflow' },
        'node_modules/zod': { version: '4.6.7' },
        'node_modules/tsx': { version: '4.23.15', dev: true },
        'node_modules/vitest': { version: '4.1.12', dev: true },
        'node_modules/@esbuild/darwin-arm64': { version: '0.25.0', dev: true, optional: true },
      },
    };
    const productionOnly = { packages: { 'node_modules/zod': { version: '4.6.7' } } };
    expect(missingPackages(lock, productionOnly)).toEqual(['tsx', 'vitest']);
    expect(missingPackages(lock, null)).toEqual(['zod', 'tsx', 'vitest']);
    const stale = { packages: { ...productionOnly.packages, 'node_modules/tsx': { version: '4.0.0' }, 'node_modules/vitest': { version: '4.1.12' } } };
    expect(missingPackages(lock, stale)).toEqual(['tsx']);
    expect(missingPackages(lock, { packages: { ...stale.packages, 'node_modules/tsx': { version: '4.23.15' } } })).toEqual([]);
  });

  it('trusts a stamp only for the lockfile, Node ABI and platform it names, and only while the tools are on disk', () => {
    const root = tempDir('tierflow-setup-stamp-');
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    const expected = expectedStamp(root);
    const bin = join(root, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    const stamp = { ...expected, wheels: null };
    expect(currentParts(stamp, expected, { root, bins: ['tool'] }).npm).toBe(true);
    expect(currentParts(null, expected, { root, bins: ['tool'] }).npm).toBe(false);
    expect(currentParts({ ...stamp, lockHash: 'another lockfile' }, expected, { root, bins: ['tool'] }).npm).toBe(false);
    expect(currentParts({ ...stamp, nodeAbi: '0' }, expected, { root, bins: ['tool'] }).npm).toBe(false);
    expect(currentParts(stamp, expected, { root, bins: ['tool', 'missing-tool'] }).npm).toBe(false);
    // No Temporal binaries recorded or installed.
    expect(currentParts(stamp, expected, { root, bins: ['tool'] }).temporal).toBe(false);
  });

  it('calls a lock stale when its owner died on this host, when it is too old, or when it is unreadable', () => {
    const now = Date.now();
    const host = hostname();
    expect(lockIsStale({ pid: deadPid(), host, startedAt: now }, now)).toBe(true);
    expect(lockIsStale({ pid: process.pid, host, startedAt: now }, now)).toBe(false);
    // Another host's pid cannot be checked from here: only age makes its lock stale.
    expect(lockIsStale({ pid: deadPid(), host: 'elsewhere', startedAt: now }, now, () => false)).toBe(false);
    expect(lockIsStale({ pid: process.pid, host, startedAt: now - 21 * 60_000 }, now)).toBe(true);
    expect(lockIsStale(null, now)).toBe(true);
    expect(lockIsStale({ host }, now)).toBe(true);
  });
});

describe('the setup lock', () => {
  it('is held by one run at a time: a second waits, and gives up naming the holder', () => {
    const root = tempDir('tierflow-setup-lock-');
    const release = acquireLock(root, { log: () => undefined });
    expect(() => acquireLock(root, { waitMs: 300, pollMs: 50, log: () => undefined })).toThrow(new RegExp(`pid ${process.pid}.*still holds`));
    release();
    acquireLock(root, { waitMs: 300, log: () => undefined })();
  });

  it('is taken over from a run that died holding it', () => {
    const root = tempDir('tierflow-setup-lock-');
    mkdirSync(join(root, '.tools', 'setup.lock'), { recursive: true });
    writeFileSync(join(root, '.tools', 'setup.lock', 'owner.json'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: Date.now() }));
    const lines: string[] = [];
    const release = acquireLock(root, { waitMs: 300, log: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/taking over a stale setup lock/);
    expect(JSON.parse(readFileSync(join(root, '.tools', 'setup.lock', 'owner.json'), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('keeps two processes out of each other’s way: their work never interleaves', async () => {
    const root = tempDir('tierflow-setup-lock-');
    const journal = join(root, 'journal');
    writeFileSync(journal, '');
    const setupUrl = new URL('../../scripts/setup.mjs', import.meta.url).href;
    const worker = (name: string) =>
      new Promise<number | null>((resolve) => {
        const code = `
          import { appendFileSync } from 'node:fs';
          const { acquireLock } = await import(${JSON.stringify(setupUrl)});
          for (let i = 0; i < 3; i++) {
            const release = acquireLock(${JSON.stringify(root)}, { pollMs: 20, log: () => {} });
            appendFileSync(${JSON.stringify(journal)}, '${name}+');
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
            appendFileSync(${JSON.stringify(journal)}, '${name}-');
            release();
          }`;
        spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit' }).once('exit', resolve);
      });
    expect(await Promise.all([worker('a'), worker('b')])).toEqual([0, 0]);
    const steps = readFileSync(journal, 'utf8').match(/[ab][+-]/g) ?? [];
    expect(steps).toHaveLength(12);
    for (let i = 0; i < steps.length; i += 2) expect(steps[i + 1]).toBe(`${steps[i]![0]}-`);
  });
});

describe('setup on a project installed under NODE_ENV=production', () => {
  /** A project whose only dependency is a dev dependency with a bin, packed locally (no registry). */
  function fakeProject(): string {
    const root = tempDir('tierflow-setup-project-');
    const tool = join(root, 'fake-tool');
    mkdirSync(tool);
    writeFileSync(join(tool, 'package.json'), JSON.stringify({ name: 'fake-tool', version: '1.0.0', bin: { 'fake-tool': 'cli.js' } }));
    writeFileSync(join(tool, 'cli.js'), "#!/usr/bin/env node\nconsole.log('fake-tool 1.0.0');\n", { mode: 0o755 });
    const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
      const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--offline'], { cwd, env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`);
    };
    npm(['pack', '--silent'], tool);
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'fake-project', version: '1.0.0', private: true, devDependencies: { 'fake-tool': 'file:fake-tool/fake-tool-1.0.0.tgz' } }),
    );
    npm(['install', '--package-lock-only'], root);
    // What a fresh clone gets from `npm ci` with NODE_ENV=production: no dev dependencies.
    npm(['ci'], root, { ...process.env, NODE_ENV: 'production' });
    expect(existsSync(join(root, 'node_modules', '.bin', 'fake-tool'))).toBe(false);
    return root;
  }

  it('installs the dev dependencies, verifies them, stamps, and trusts the stamp only while it holds', () => {
    const root = fakeProject();
    const env = { ...process.env, NODE_ENV: 'production', npm_config_offline: 'true' };
    const setup = () => runSetup({ root, bins: ['fake-tool'], temporal: false, env });

    expect(setup()).toBe('installed');
    expect(spawnSync(join(root, 'node_modules', '.bin', 'fake-tool'), { encoding: 'utf8' }).stdout).toBe('fake-tool 1.0.0\n');
    const stamp = readStamp(root);
    expect(stamp?.lockHash).toBe(expectedStamp(root).lockHash);
    expect(stamp?.tools?.['fake-tool']).toBe('fake-tool 1.0.0');
    expect(setup()).toBe('current');

    // The stamp stays, the tool goes: the setup sees it and repairs.
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    expect(setup()).toBe('installed');
    expect(existsSync(join(root, 'node_modules', '.bin', 'fake-tool'))).toBe(true);

    // A changed lockfile makes the stamp stale; an install that already matches it is verified, not redone.
    writeFileSync(join(root, 'package-lock.json'), `${readFileSync(join(root, 'package-lock.json'), 'utf8')}\n`);
    expect(setup()).toBe('installed');
    expect(readStamp(root)?.lockHash).toBe(expectedStamp(root).lockHash);
    expect(setup()).toBe('current');
  }, 120_000);
});
