/** Temporary registry folders: the shipped registry with some files changed, for error tests. */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG_DIR } from '../../../registry/load.js';

/** A change to one file: new raw text, `null` to delete the file, or an edit of its parsed YAML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into arbitrary YAML
export type FileChange = string | null | ((doc: any) => unknown);

const made: string[] = [];

/** A copy of the shipped registry folder with `changes` applied; removed by {@link removeFixtures}. */
export function registryWith(changes: Record<string, FileChange> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tierflow-registry-'));
  made.push(dir);
  for (const file of readdirSync(DEFAULT_CONFIG_DIR).filter((f) => /\.ya?ml$/.test(f))) copyFileSync(join(DEFAULT_CONFIG_DIR, file), join(dir, file));
  for (const [file, change] of Object.entries(changes)) {
    const path = join(dir, file);
    if (change === null) rmSync(path);
    else if (typeof change === 'string') writeFileSync(path, change);
    else {
      const doc: unknown = parse(readFileSync(path, 'utf8'));
      const edited = change(doc);
      writeFileSync(path, stringify(edited === undefined ? doc : edited));
    }
  }
  return dir;
}

/** Deletes every folder made by {@link registryWith}. */
export function removeFixtures(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
