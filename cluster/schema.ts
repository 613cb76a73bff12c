/**
 * The Temporal schemas on the scratch PostgreSQL, with the same `temporal-sql-tool` steps as the
 * compose stack's one-shot setup (deploy/temporal/scripts/setup-postgres.sh): for the `temporal`
 * and `temporal_visibility` databases, `create`, `setup-schema -v 0.0`, then `update-schema` to the
 * newest version the module ships.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import type { ScratchPostgres } from './postgres.js';

/** The databases, as the compose stack names them (`DBNAME`, `VISIBILITY_DBNAME`). */
export const DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

/** The SQL plugin the compose stack's server uses (`DB: postgres12`). */
export const SQL_PLUGIN = 'postgres12';

/**
 * Creates both databases and brings their schemas up to date.
 * @example setupSchemas(binaries.sql, binaries.moduleDir, pg);
 */
export function setupSchemas(sqlTool: string, moduleDir: string, pg: ScratchPostgres): void {
  const base = ['--plugin', SQL_PLUGIN, '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password];
  const run = (db: string, args: string[]) => {
    try {
      execFileSync(sqlTool, [...base, '--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`temporal-sql-tool ${args[0]} on ${db} failed: ${stderr.trim() || String(err)}`);
    }
  };
  for (const { name, schema } of DATABASES) {
    run(name, ['create']);
    run(name, ['setup-schema', '-v', '0.0']);
    run(name, ['update-schema', '-d', join(moduleDir, 'schema', 'postgresql', 'v12', schema, 'versioned')]);
  }
}
