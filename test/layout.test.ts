/**
 * The layout stays a stack of layers (README "Layout"): domain → contracts → activities,
 * workflows, intake, registry, config, sandbox → workers on top, bench and test above. Read from
 * the import lines (value and type imports alike): no file imports itself back through others,
 * no folder imports one that imports it, and no folder imports a folder above it or beside it —
 * except workflows importing activities' types, as Temporal's samples do.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { fileCycles, folderEdges, folderOf, importEdges, importsOf, mutualFolders, type ImportEdge } from './support/import-graph.js';

/** Lowest first; a folder imports only folders of lower layers. `.` holds the root's config files. */
const LAYERS: readonly (readonly string[])[] = [
  ['domain', 'scripts'],
  ['contracts', 'charts'],
  // Visibility reads (lists, the SLA report) over the client: the intake's gateway and the CLI use them.
  ['queries'],
  ['activities', 'workflows', 'intake', 'registry', 'config', 'sandbox'],
  ['workers', 'cli'],
  ['bench', 'bin'],
  // `npm run test:cluster` (cluster/) runs the benchmark's worker processes and counts as the fault harness does.
  ['cluster'],
  ['test', '.'],
];

/** Same-layer imports that are allowed, types only: a workflow proxies its activities by their types. */
const TYPE_ONLY_BESIDE: ReadonlyArray<readonly [string, string]> = [['workflows', 'activities']];

const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));

/** Folder edges that go up or sideways (not allowed), as `from -> to: file -> file`. */
function wrongWay(edges: ImportEdge[]): string[] {
  return edges
    .filter((edge) => {
      const [a, b] = [folderOf(edge.from), folderOf(edge.to)];
      if (a === b) return false;
      if (layerOf(b) < layerOf(a)) return false;
      return !(edge.typeOnly && TYPE_ONLY_BESIDE.some(([p, q]) => p === a && q === b));
    })
    .map((edge) => `${folderOf(edge.from)} -> ${folderOf(edge.to)}: ${edge.from} -> ${edge.to}`);
}

describe('the import picture of the tree', () => {
  const edges = importEdges();
  const folders = folderEdges(edges);

  it('has every folder in a layer', () => {
    const named = new Set([...folders.keys()].flatMap((key) => key.split(' -> ')));
    expect([...named].filter((folder) => layerOf(folder) < 0)).toEqual([]);
    // The check reads the real tree: the layers' own edges are there to be judged.
    expect(folders.get('workers -> intake')?.files).toBeGreaterThan(0);
    expect(folders.get('workflows -> activities')?.typeOnly).toBe(true);
  });

  it('has no import cycle between files', () => {
    expect(fileCycles(edges)).toEqual([]);
  });

  it('has no pair of folders importing each other', () => {
    expect(mutualFolders(folders, TYPE_ONLY_BESIDE)).toEqual([]);
  });

  it('imports only downwards: intake and config never import workers, config imports no intake, activities or workflows', () => {
    expect(wrongWay(edges)).toEqual([]);
  });
});

describe('the import check itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'tierflow-layout-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };

  it('reads value, type, inline-type, multi-line, re-export, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      'import {\n  g,\n  h,\n} from "./g.js";',
      "export { i } from './i.js';",
      "import './side.js';",
      "const j = await import('./j.js');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './g.js', typeOnly: false },
      { specifier: './i.js', typeOnly: false },
      { specifier: 'zod', typeOnly: false },
      { specifier: './side.js', typeOnly: false },
      { specifier: './j.js', typeOnly: false },
    ]);
  });

  it('finds a loop of files, a pair of folders importing each other, and an import going up', () => {
    write('intake/app.ts', "import { route } from './routes.js';\nexport const app = route;");
    write('intake/routes.ts', "import type { app } from './app.js';\nimport { logger } from '../workers/logger.js';\nexport const route = 1;");
    write('workers/logger.ts', "import { app } from '../intake/app.js';\nexport const logger = app;");
    write('workflows/flow.ts', "import type { act } from '../activities/act.js';\nexport const flow = 1;");
    write('activities/act.ts', 'export const act = 1;');
    const edges = importEdges(root);
    expect(fileCycles(edges).map((cycle) => cycle.join(' '))).toEqual(['intake/app.ts intake/routes.ts workers/logger.ts']);
    const folders = folderEdges(edges);
    expect(mutualFolders(folders, TYPE_ONLY_BESIDE)).toEqual(['intake <-> workers']);
    expect(wrongWay(edges)).toEqual(['intake -> workers: intake/routes.ts -> workers/logger.ts']);
  });
});
