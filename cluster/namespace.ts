/**
 * The namespace and tierflow's search attributes, set up as the compose stack's one-shot services
 * do (deploy/temporal/scripts/create-namespace.sh, create-search-attributes.sh): the Temporal CLI's
 * `operator namespace create` (retention 30 days, the compose default), then `operator
 * search-attribute create` for every key of `SEARCH_ATTRIBUTE_KEYS`, retried while the frontend's
 * namespace cache has not seen the new namespace yet ("Namespace default is not found", ~1–2 s).
 * Then read back with the SDK: every attribute there, with its type.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

import { CLI_TYPE, SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes.js';
import { resolveTemporalBinary } from '../workers/temporal-binaries.js';

const run = promisify(execFile);

/** The compose stack's `NAMESPACE_RETENTION` default. */
export const NAMESPACE_RETENTION = '30d';

/** Errors worth retrying: the namespace not in the frontend's cache yet, or the frontend not answering. */
const TRANSIENT = /not found|navailable|eadline exceeded|onnection refused/;

function cli(): string {
  const resolved = resolveTemporalBinary('cli');
  if (!resolved.path) throw new Error('the Temporal CLI is not installed: run `npm run setup` (it installs it into .tools/temporal)');
  return resolved.path;
}

async function temporal(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(cli(), args, { timeout: 60_000 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/** `--name X --type T` for every search attribute tierflow upserts. */
export function searchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--name', key.name, '--type', CLI_TYPE[key.type]!]);
}

/**
 * Creates `namespace` (unless it exists) and tierflow's search attributes in it, then checks them.
 * @example await setupNamespace('127.0.0.1:7233', 'default');
 */
export async function setupNamespace(address: string, namespace: string, attempts = 30): Promise<void> {
  const at = ['--address', address, '--namespace', namespace];
  if (!(await temporal(['operator', 'namespace', 'describe', ...at])).ok) {
    const created = await temporal(['operator', 'namespace', 'create', ...at, '--retention', NAMESPACE_RETENTION]);
    if (!created.ok) throw new Error(`cannot create namespace ${namespace}: ${created.output.trim()}`);
  }
  for (let attempt = 1; ; attempt += 1) {
    const created = await temporal(['operator', 'search-attribute', 'create', ...at, ...searchAttributeArgs()]);
    if (created.ok) break;
    if (!TRANSIENT.test(created.output) || attempt >= attempts) {
      throw new Error(`cannot create the search attributes in ${namespace} (attempt ${attempt}): ${created.output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await checkSearchAttributes(address, namespace);
}

/** Every key of `SEARCH_ATTRIBUTE_KEYS` registered in `namespace` with its type; throws naming the missing. */
export async function checkSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    const custom = listed.customAttributes ?? {};
    // The server's IndexedValueType names (INDEXED_VALUE_TYPE_KEYWORD) against the SDK's (KEYWORD).
    const typeName = (n: number) => proto.temporal.api.enums.v1.IndexedValueType[n]?.replace('INDEXED_VALUE_TYPE_', '');
    const wrong = SEARCH_ATTRIBUTE_KEYS.filter((key) => typeName(custom[key.name] ?? 0) !== key.type).map((key) => key.name);
    if (wrong.length > 0) throw new Error(`search attributes missing or of another type in ${namespace}: ${wrong.join(', ')}`);
  } finally {
    await connection.close();
  }
}
