/**
 * The tested cluster's server config agrees with the compose stack where the README says it does:
 * 4 history shards, the `temporal` and `temporal_visibility` stores on PostgreSQL with the image's
 * pool sizes, the compose stack's dynamic config file, every service on its own loopback port below
 * the ephemeral range (the membership table stores ports as smallint).
 */
import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { pickServerPorts, renderServerConfig, DYNAMIC_CONFIG_FILE, HISTORY_SHARDS } from '../../cluster/server-config.js';
import type { ScratchPostgres } from '../../cluster/postgres.js';

const pg: ScratchPostgres = { host: '127.0.0.1', port: 25432, user: 'temporal', password: 'temporal', logFile: '/dev/null', stop: () => undefined };

describe('the cluster server config', () => {
  it('matches the compose image for DB=postgres12: 4 shards, SQL stores and pools, the compose dynamic config', async () => {
    const config = parse(renderServerConfig({ pg, ports: await pickServerPorts() }));
    expect(HISTORY_SHARDS).toBe(4);
    expect(config.persistence).toMatchObject({ numHistoryShards: 4, defaultStore: 'default', visibilityStore: 'visibility' });
    expect(config.persistence.datastores.default.sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal',
      connectAddr: '127.0.0.1:25432',
      maxConns: 20,
    });
    expect(config.persistence.datastores.visibility.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal_visibility', maxConns: 10 });
    expect(config.dynamicConfigClient.filepath).toBe(DYNAMIC_CONFIG_FILE);
    expect(existsSync(DYNAMIC_CONFIG_FILE)).toBe(true);
    // The same file the compose stack mounts for its server.
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain('./deploy/temporal/dynamicconfig:/etc/temporal/config/dynamicconfig');
  });

  it('puts every service on distinct loopback ports below 32768', async () => {
    const ports = await pickServerPorts();
    const all = [...Object.values(ports.services).flatMap((s) => [s.grpc, s.membership]), ports.frontendHttp];
    expect(new Set(all).size).toBe(9);
    expect(all.every((p) => p >= 20_000 && p < 32_768)).toBe(true);
    const config = parse(renderServerConfig({ pg, ports }));
    for (const name of ['frontend', 'history', 'matching', 'worker']) expect(config.services[name].rpc.bindOnLocalHost).toBe(true);
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe(`127.0.0.1:${ports.services.frontend.grpc}`);
  });
});
