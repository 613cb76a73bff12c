/**
 * Memory and start cost per cached workflow, in one process: a worker on a local dev server,
 * K tierflow requests parked on a far-off SLA clock, RSS and V8 heap before and after, with and
 * without preloading the pure modules into the reusable V8 context (`PRELOAD=0|1`).
 * `npx tsx bench/cache-memory.ts [K]`.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { helpRequestStartOptions } from '../contracts/help-request.js';
import { loadConfig } from '../registry/load.js';
import { startDevServer, freePort } from '../workers/dev-server.js';
import { createActivities } from '../activities/index.js';
import { WORKFLOW_PRELOAD_MODULES, WORKFLOWS_PATH } from '../workers/help-desk-worker.js';

const K = Number(process.argv[2] ?? 300);
const preload = process.env.PRELOAD !== '0';
Runtime.install({ logger: new DefaultLogger('ERROR') });
const port = await freePort();
const server = await startDevServer({ port, uiPort: null, dbFile: null, namespace: 'default' });
const address = `127.0.0.1:${port}`;
const quiet = () => undefined;
const bundle = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  ...(preload ? { preloadModules: WORKFLOW_PRELOAD_MODULES } : {}),
  logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet },
});
const config = loadConfig();
const far = { ...config.policy.targets['2'], P3: { firstResponseMs: 400 * 86_400_000, resolutionMs: 800 * 86_400_000 } };
const cfg = { ...config, policy: { ...config.policy, targets: { ...config.policy.targets, '2': far } } };
const activities = {
  ...createActivities({
    config: cfg,
    slack: null as never,
    helpChannel: 'C0ITHELP',
    gitlab: null as never,
    gitlabProject: 'x',
    client: null as never,
  }),
  // No Slack or GitLab here: the effects are parked on lanes nobody polls.
};
const connection = await NativeConnection.connect({ address });
const taskQueue = `mem-${Date.now()}`;
const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities, maxCachedWorkflows: K + 50 });
const running = worker.run();
const client = new Client({ connection: await Connection.connect({ address }) });
const gc = (globalThis as { gc?: () => void }).gc;
const sample = () => {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
};
const before = sample();
const started = performance.now();
for (let i = 0; i < K; i += 1) {
  const input = {
    id: `req-mem-${taskQueue}-${i}`,
    source: 'webhook' as const,
    requester: { email: 'a@example.com' },
    summary: 'parked',
    priority: 'P3' as const,
  };
  await client.workflow.start('helpRequestWorkflow', helpRequestStartOptions(input, taskQueue));
}
// Wait until every request ran its first task (its status is routed).
for (let i = 0; i < K; i += 1) {
  for (;;) {
    const s = (await client.workflow.getHandle(`req-mem-${taskQueue}-${i}`).query('status')) as { details: string };
    if (s.details !== 'Routing the request') break;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const firstTasksMs = performance.now() - started;
await new Promise((r) => setTimeout(r, 2_000));
const after = sample();
console.log(
  JSON.stringify({
    preload,
    K,
    rssPerWorkflowKiB: Math.round((after.rss - before.rss) / K / 1024),
    heapPerWorkflowKiB: Math.round((after.heap - before.heap) / K / 1024),
    msPerRequestToFirstTask: +(firstTasksMs / K).toFixed(2),
  }),
);
worker.shutdown();
await running;
await server.stop();
process.exit(0);
