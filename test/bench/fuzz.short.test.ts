/**
 * The bad-input fuzzing harness, short: a few hundred cases over every route the intake serves
 * (read from the app, none skipped) against `createApp` with a recording gateway, and a couple of
 * hundred against the real dev server with a worker. Never a 5xx, never a crash, never anything
 * accepted or passed to Temporal without a valid signature or token.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { authSchemeOf, parseRouteTree, type Route } from '../../bench/fuzz/routes.js';
import { fuzzRows, fuzzTarget, runFuzz, type FuzzRun } from '../../bench/fuzz/harness.js';
import { benchConfig } from '../../bench/support/bench-config.js';
import { startStack, type Stack } from '../../bench/support/stack.js';
import { renderTable } from '../../bench/support/stats.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);

function expectClean(name: string, run: FuzzRun, routes: Route[]): void {
  if (run.violations.length > 0 || run.crashes > 0 || !run.healthyAfter) console.log(renderTable(name, fuzzRows(name, run, routes)));
  expect(run.violations.map((v) => `${v.kind} (${v.status}) ${v.label}: ${v.detail.slice(0, 200)}`), `seed ${run.seed}`).toEqual([]);
  expect(run.crashes).toBe(0);
  expect(run.healthyAfter).toBe(true);
}

describe('the route list', () => {
  it('reads nested routes with their methods from the printed tree', () => {
    const tree = '├── /healthz (GET, HEAD)\n└── /requests/:id (GET, HEAD)\n    └── /:action (POST)\n';
    expect(parseRouteTree(tree)).toEqual([
      { method: 'GET', path: '/healthz' },
      { method: 'GET', path: '/requests/:id' },
      { method: 'POST', path: '/requests/:id/:action' },
    ]);
  });

  it('covers every route the intake serves, each with a credential scheme', async () => {
    const { app, routes } = await fuzzTarget();
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /webhooks/requests', 'GET /requests/:id', 'POST /requests/:id/:action']));
    expect(routes.filter((r) => authSchemeOf(r) === 'unknown')).toEqual([]);
    await app.close();
  });
});

describe('intake fuzzing, short', () => {
  it('answers 400 in-memory cases over every route without a 5xx, a crash or an unauthenticated acceptance', async () => {
    const target = await fuzzTarget();
    const run = await runFuzz(target, 400, SEED);
    expectClean('fuzz in memory', run, target.routes);
    expect([...run.byRoute.keys()]).toEqual(expect.arrayContaining(target.routes.map((r) => `${r.method} ${r.path}`)));
    await target.app.close();
  });

  describe('against the real dev server', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ temporalAddress: inject('temporalAddress'), config: benchConfig({ tier2P1: { firstResponseMs: 3_600_000, resolutionMs: 7_200_000 }, reopenWindowMs: 2_000 }) });
    });
    afterAll(async () => stack?.close());

    it('answers 200 cases without a 5xx (other than 503 + Retry-After), a crash or an unauthenticated acceptance', async () => {
      const target = await fuzzTarget({ stack });
      const run = await runFuzz(target, 200, SEED + 1, { allowUnavailable: true });
      expectClean('fuzz on the dev server', run, target.routes);
      await target.app.close();
    });
  });
});
