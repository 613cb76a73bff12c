import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { resolveTemporalBinary } from '../../workers/temporal-binaries.js';

function fakeBinary(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('resolving the Temporal binaries', () => {
  const scratch = () => mkdtempSync(join(tmpdir(), 'tierflow-bin-'));

  it('prefers the env var override, then the tools folder, then PATH, then the SDK download', () => {
    const root = scratch();
    const onPath = fakeBinary(join(root, 'path-bin'), 'temporal');
    const override = fakeBinary(join(root, 'elsewhere'), 'my-temporal');

    expect(resolveTemporalBinary('cli', { root, env: { PATH: '' } })).toEqual({ source: 'download', path: null, executable: { type: 'cached-download' } });
    expect(resolveTemporalBinary('cli', { root, env: { PATH: join(root, 'path-bin') } })).toMatchObject({ source: 'path', path: onPath });

    const inTools = fakeBinary(join(root, '.tools/temporal/bin'), 'temporal');
    expect(resolveTemporalBinary('cli', { root, env: { PATH: join(root, 'path-bin') } })).toEqual({
      source: 'tools',
      path: inTools,
      executable: { type: 'existing-path', path: inTools },
    });
    expect(resolveTemporalBinary('cli', { root, env: { PATH: join(root, 'path-bin'), TEMPORAL_CLI_PATH: override } })).toMatchObject({
      source: 'env',
      path: override,
    });
  });

  it('resolves the time-skipping test server by its own name and override', () => {
    const root = scratch();
    const server = fakeBinary(join(root, '.tools/temporal/bin'), 'temporal-test-server');
    expect(resolveTemporalBinary('testServer', { root, env: {} })).toMatchObject({ source: 'tools', path: server });
    expect(resolveTemporalBinary('cli', { root, env: {} }).source).toBe('download');
  });

  it('refuses an override that is not an executable file, naming the variable', () => {
    expect(() => resolveTemporalBinary('testServer', { root: scratch(), env: { TEMPORAL_TEST_SERVER_PATH: '/nonexistent/server' } })).toThrow(
      /TEMPORAL_TEST_SERVER_PATH=\/nonexistent\/server is not an executable/,
    );
  });

  it('finds the binaries that setup installed into this project', () => {
    expect(resolveTemporalBinary('cli', { env: {} }).source).toBe('tools');
    expect(resolveTemporalBinary('testServer', { env: {} }).source).toBe('tools');
  });
});
