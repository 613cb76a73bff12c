/**
 * The Temporal server's static config for the cluster: the shape of the module's
 * `config/development-postgres12.yaml` and of the compose image's config template with `DB=postgres12`
 * (4 history shards, a `temporal` store and a `temporal_visibility` SQL visibility store on
 * PostgreSQL), every service on loopback ports of its own, and the compose stack's dynamic config
 * file (deploy/temporal/dynamicconfig/development-sql.yaml). No metrics or pprof listener: nothing
 * reads them, and fixed ports would clash.
 */
import { join } from 'node:path';

import { stringify } from 'yaml';

import { PROJECT_ROOT } from '../config/settings.js';
import { freeLoopbackPorts } from './ports.js';
import type { ScratchPostgres } from './postgres.js';
import { DATABASES, SQL_PLUGIN } from './schema.js';

/** As the compose image's default (`NUM_HISTORY_SHARDS`, 4) and the module's development configs. */
export const HISTORY_SHARDS = 4;
/** The dynamic config the compose stack mounts. */
export const DYNAMIC_CONFIG_FILE = join(PROJECT_ROOT, 'deploy', 'temporal', 'dynamicconfig', 'development-sql.yaml');

export type ServiceName = 'frontend' | 'history' | 'matching' | 'worker';

export interface ServerPorts {
  /** Per service: its gRPC port and its membership (ringpop) port; the frontend also serves HTTP. */
  services: Record<ServiceName, { grpc: number; membership: number }>;
  frontendHttp: number;
}

/** Nine distinct free loopback ports (see `ports.ts` for why below 32768). */
export async function pickServerPorts(): Promise<ServerPorts> {
  const [fg, fm, hg, hm, mg, mm, wg, wm, http] = await freeLoopbackPorts(9);
  return {
    services: {
      frontend: { grpc: fg!, membership: fm! },
      history: { grpc: hg!, membership: hm! },
      matching: { grpc: mg!, membership: mm! },
      worker: { grpc: wg!, membership: wm! },
    },
    frontendHttp: http!,
  };
}

function sqlStore(pg: ScratchPostgres, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/**
 * The config file's YAML text.
 * @example writeFileSync(file, renderServerConfig({ pg, ports: await pickServerPorts() }));
 */
export function renderServerConfig(opts: { pg: ScratchPostgres; ports: ServerPorts; logLevel?: string }): string {
  const { pg, ports } = opts;
  const rpc = (name: ServiceName) => ({
    rpc: {
      grpcPort: ports.services[name].grpc,
      membershipPort: ports.services[name].membership,
      bindOnLocalHost: true,
      ...(name === 'frontend' ? { httpPort: ports.frontendHttp } : {}),
    },
  });
  const frontend = `127.0.0.1:${ports.services.frontend.grpc}`;
  const config = {
    log: { stdout: true, level: opts.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        // The compose image's defaults: SQL_MAX_CONNS 20, SQL_VIS_MAX_CONNS 10.
        default: sqlStore(pg, DATABASES[0].name, 20),
        visibility: sqlStore(pg, DATABASES[1].name, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: { frontend: rpc('frontend'), history: rpc('history'), matching: rpc('matching'), worker: rpc('worker') },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
  return stringify(config);
}
