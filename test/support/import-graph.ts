/**
 * The import picture of the source tree, read from the import lines (value and type imports,
 * re-exports, dynamic imports): files and their edges, folders and theirs, file cycles. What
 * `test/layout.test.ts` checks; `npx tsx test/support/import-graph.ts` prints it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folders never read: dependencies, tools, data, mutation-testing sandboxes. */
const SKIPPED = new Set(['node_modules', '.git', '.tools', '.data', '.stryker-tmp', 'reports', 'coverage', 'dist']);
const SOURCE = /\.(ts|mts|mjs|js)$/;

/** One import of one file. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type …`, `export type …`, or braces whose every name is `type X`. */
  typeOnly: boolean;
}

/** Source files under `root`, relative, with `/` separators. */
export function sourceFiles(root = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts')) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`: the specifier and whether only types come. */
export function importsOf(text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const statement = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(statement)) {
    const names = /\{([^}]*)\}/.exec(m[3] ?? '')?.[1];
    const everyNameIsType =
      names !== undefined &&
      !/^\s*[\w$]+\s*(,|$)/.test(m[3]!.replace(/\{[^}]*\}/, '').trim()) &&
      names
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type '));
    found.push({ specifier: m[4]!, typeOnly: Boolean(m[2]) || everyNameIsType });
  }
  for (const m of text.matchAll(/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g)) found.push({ specifier: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

/** The file a relative specifier names (`./x.js` → `x.ts`), or null for a package or a missing file. */
function resolveSpecifier(root: string, from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(join(root, from)), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return hit ? relative(root, hit).split(sep).join('/') : null;
}

/** Every import between files of the tree. */
export function importEdges(root = ROOT): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const byTarget = new Map<string, boolean>();
    for (const { specifier, typeOnly } of importsOf(readFileSync(join(root, file), 'utf8'))) {
      const to = resolveSpecifier(root, file, specifier);
      if (to && to !== file) byTarget.set(to, (byTarget.get(to) ?? true) && typeOnly);
    }
    for (const [to, typeOnly] of byTarget) edges.push({ from: file, to, typeOnly });
  }
  return edges;
}

/** A file's top-level folder (`.` for a file at the root). */
export function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '.';
}

/** Folder → folder edges (`typeOnly` when every file edge behind it is). */
export function folderEdges(edges: ImportEdge[]): Map<string, { files: number; typeOnly: boolean }> {
  const folders = new Map<string, { files: number; typeOnly: boolean }>();
  for (const edge of edges) {
    const [a, b] = [folderOf(edge.from), folderOf(edge.to)];
    if (a === b) continue;
    const key = `${a} -> ${b}`;
    const seen = folders.get(key) ?? { files: 0, typeOnly: true };
    folders.set(key, { files: seen.files + 1, typeOnly: seen.typeOnly && edge.typeOnly });
  }
  return folders;
}

/** Every cycle of files (strongly connected components of more than one file, or a file importing itself). */
export function fileCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!indices.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, indices.get(to)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!indices.has(node)) visit(node);
  return components;
}

/** Pairs of folders importing each other, except where one direction is allowed (type-only, listed). */
export function mutualFolders(folders: Map<string, { typeOnly: boolean }>, allowedTypeOnly: ReadonlyArray<readonly [string, string]> = []): string[] {
  const pairs: string[] = [];
  for (const [key, edge] of folders) {
    const [a, b] = key.split(' -> ') as [string, string];
    const back = folders.get(`${b} -> ${a}`);
    if (!back || a > b) continue;
    const allowed = (x: string, y: string, e: { typeOnly: boolean }) => e.typeOnly && allowedTypeOnly.some(([p, q]) => p === x && q === y);
    if (!allowed(a, b, edge) && !allowed(b, a, back)) pairs.push(`${a} <-> ${b}`);
  }
  return pairs;
}

/** The folder picture as lines: `workers -> intake (12 files)`, type-only edges marked. */
export function describeFolders(folders: Map<string, { files: number; typeOnly: boolean }>): string[] {
  return [...folders]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { files, typeOnly }]) => `${key} (${files} import${files === 1 ? '' : 's'}${typeOnly ? ', types only' : ''})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const edges = importEdges();
  const folders = folderEdges(edges);
  console.log(describeFolders(folders).join('\n'));
  const cycles = fileCycles(edges);
  console.log(`\nfile cycles: ${cycles.length === 0 ? 'none' : cycles.map((c) => c.join(' -> ')).join('; ')}`);
  const mutual = mutualFolders(folders);
  console.log(`folders importing each other: ${mutual.length === 0 ? 'none' : mutual.join(', ')}`);
}
