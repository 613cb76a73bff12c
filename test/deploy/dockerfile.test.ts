/**
 * The Dockerfile basics the compose stack relies on, read with plain string checks: pinned Node 20
 * bases, a production install, a non-root user, an entrypoint that exists, and the whole of tsx
 * (a devDependency) copied into the runtime stage as package-lock.json resolves it; and a
 * .dockerignore that keeps dependencies, tools, data and history out of the build context.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isPinned, read, REPO_ROOT } from './stack-rules.js';

type LockEntry = { dev?: boolean; os?: string[]; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };

/** Top-level node_modules folders of tsx's dev-only dependency closure (for Linux), from package-lock.json. */
export function tsxRuntimeFolders(lockText: string): string[] {
  const pkgs = (JSON.parse(lockText) as { packages?: Record<string, LockEntry> }).packages ?? {};
  // Node's resolution: the nearest node_modules/<name> up from the dependent package.
  const resolveFrom = (from: string, name: string): string | null => {
    for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
      const key = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (pkgs[key]) return key;
      if (!base) return null;
    }
  };
  const seen = new Set<string>();
  const walk = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const name of Object.keys({ ...pkgs[key]?.dependencies, ...pkgs[key]?.optionalDependencies })) {
      const found = resolveFrom(key, name);
      if (found) walk(found);
    }
  };
  if (!pkgs['node_modules/tsx']) return [];
  walk('node_modules/tsx');
  const folders = [...seen]
    // A production dependency is in the --omit=dev tree already; another platform's binary is not needed.
    .filter((key) => pkgs[key]?.dev === true && (pkgs[key]?.os ?? ['linux']).includes('linux'))
    .map((key) => key.slice('node_modules/'.length).split('/node_modules/')[0] ?? '')
    .map((top) => (top.startsWith('@') ? (top.split('/')[0] ?? top) : top));
  return [...new Set(folders)].sort();
}

/** Problems with the Dockerfile: pinned Node 20 bases, production install, non-root user, entrypoint, tsx copied. */
export function dockerfileProblems(dockerfile: string, lockText: string): string[] {
  const problems: string[] = [];
  const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ base: m[1] ?? '', name: m[2] }));
  if (froms.length < 2) problems.push('Dockerfile: expected a multi-stage build');
  froms.forEach(({ base }, i) => {
    if (froms.slice(0, i).some((f) => f.name === base)) return; // an earlier stage
    const image = base === '${NODE_IMAGE}' ? nodeImage : base;
    if (!isPinned(image)) problems.push(`Dockerfile: base image "${image || base}" is not pinned to a tag`);
    else if (!/^node:20[.-]/.test(image)) problems.push(`Dockerfile: base image "${image}" is not Node 20`);
  });
  if (!/^RUN npm ci --omit=dev$/m.test(dockerfile)) problems.push('Dockerfile: no production install (npm ci --omit=dev)');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = [...final.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1] ?? 'root';
  if (['root', '0', '0:0', 'root:root'].includes(user)) problems.push('Dockerfile: the final stage runs as root');
  const entry = /^CMD\s.*"([^"]+\.ts)"/m.exec(final)?.[1];
  if (!entry || !existsSync(join(REPO_ROOT, entry))) problems.push(`Dockerfile: CMD runs ${entry ?? 'no .ts entrypoint'}, which does not exist`);
  for (const folder of tsxRuntimeFolders(lockText)) {
    if (!final.includes(`COPY --from=deps-all /app/node_modules/${folder} `))
      problems.push(`Dockerfile: tsx needs node_modules/${folder}, which the final stage does not copy`);
  }
  return problems;
}

/** .dockerignore keeps dependencies, local tools, data and git history out, and the sources in. */
export function dockerignoreProblems(text: string): string[] {
  const entries = new Set(
    text
      .split('\n')
      .map((l) => l.trim().replace(/^\/+|\/+$/g, ''))
      .filter((l) => l && !l.startsWith('#')),
  );
  return [
    ...['node_modules', '.tools', '.data', '.git'].filter((e) => !entries.has(e)).map((e) => `.dockerignore: "${e}" is not excluded`),
    ...['workers', 'intake', 'workflows', 'activities', 'domain', 'contracts', 'registry', 'package.json', 'package-lock.json']
      .filter((e) => entries.has(e))
      .map((e) => `.dockerignore: "${e}" is needed in the image but excluded`),
  ];
}

const dockerfile = read('Dockerfile');
const lockText = read('package-lock.json');

/** Replaces text that must be there (so a test of a broken copy cannot pass by missing its target). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`mutation target not found: ${String(from)}`);
  return out;
}

describe('Dockerfile and .dockerignore', () => {
  it('build a Node 20 image from pinned bases with production dependencies plus tsx, run as a non-root user', () => {
    expect(dockerfileProblems(dockerfile, lockText)).toEqual([]);
  });

  it('copy the whole of tsx into the runtime stage, as package-lock.json resolves it', () => {
    expect(tsxRuntimeFolders(lockText)).toContain('tsx');
    expect(tsxRuntimeFolders(lockText)).toContain('esbuild');
  });

  it('keep dependencies, tools, data and git history out of the build context', () => {
    expect(dockerignoreProblems(read('.dockerignore'))).toEqual([]);
  });

  it('reject a base that is not pinned, a root user, a missing part of tsx, a .dockerignore letting node_modules in', () => {
    expect(dockerfileProblems(mutate(dockerfile, 'ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:latest'), lockText)).toContain(
      'Dockerfile: base image "node:latest" is not pinned to a tag',
    );
    expect(dockerfileProblems(mutate(dockerfile, 'ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:22-bookworm-slim'), lockText)).toContain(
      'Dockerfile: base image "node:22-bookworm-slim" is not Node 20',
    );
    expect(dockerfileProblems(mutate(dockerfile, 'USER node', 'USER root'), lockText)).toContain('Dockerfile: the final stage runs as root');
    expect(dockerfileProblems(mutate(dockerfile, 'RUN npm ci --omit=dev', 'RUN npm ci'), lockText)).toContain(
      'Dockerfile: no production install (npm ci --omit=dev)',
    );
    expect(dockerfileProblems(mutate(dockerfile, /^COPY --from=deps-all \/app\/node_modules\/@esbuild .*$/m, ''), lockText)).toContain(
      'Dockerfile: tsx needs node_modules/@esbuild, which the final stage does not copy',
    );
    expect(dockerfileProblems(mutate(dockerfile, '"workers/worker.ts"]', '"workers/nope.ts"]'), lockText)).toContain(
      'Dockerfile: CMD runs workers/nope.ts, which does not exist',
    );
    expect(dockerignoreProblems(mutate(read('.dockerignore'), /^node_modules$/m, ''))).toContain('.dockerignore: "node_modules" is not excluded');
  });
});
