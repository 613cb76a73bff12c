/**
 * The bad-input fuzzing harness, short: a few hundred cases over every route the intake serves
 * (read from the app, none skipped) against `createApp` with a recording gateway, and a couple of
 * hundred against the real dev server with a worker. Never a 5xx, never a crash, never anything
 * accepted or passed to Temporal without a valid signature or token, never a valid JSON intake
 * signature refused, and a replay of an accepted JSON delivery always lands on the same request.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { casesFor, credentialHeaders, INTAKE_CREDENTIAL_MODES, type FuzzCase } from '../../bench/fuzz/cases.js';
import { runCase } from '../../bench/fuzz/oracle.js';
import { authSchemeOf, parseRouteTree, type Route } from '../../bench/fuzz/routes.js';
import { fuzzRows, fuzzTarget, runFuzz, type FuzzRun } from '../../bench/fuzz/harness.js';
import { benchConfig } from '../../bench/support/bench-config.js';
import { startStack, type Stack } from '../../bench/support/stack.js';
import { renderTable } from '../../bench/support/stats.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);

function expectClean(name: string, run: FuzzRun, routes: Route[]): void {
  if (run.violations.length > 0 || run.crashes > 0 || !run.healthyAfter) console.log(renderTable(name, fuzzRows(name, run, routes)));
  expect(
    run.violations.map((v) => `${v.kind} (${v.status}) ${v.label}: ${v.detail.slice(0, 200)}`),
    `seed ${run.seed}`,
  ).toEqual([]);
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
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /webhooks/requests', 'GET /requests/:id', 'POST /requests/:id/:action']),
    );
    expect(routes.filter((r) => authSchemeOf(r) === 'unknown')).toEqual([]);
    await app.close();
  });
});

describe('the JSON intake cases', () => {
  const route: Route = { method: 'POST', path: '/webhooks/requests' };
  const modes = [...new Set(INTAKE_CREDENTIAL_MODES)];
  /** Modes whose header is valid whatever the skew; `edge` is valid at -300 s and +300 s only. */
  const VALID = new Set(['valid', 'rotated', 'upper', 'reordered']);

  it('cover every way of signing, right and wrong', () => {
    const seen = new Set(fc.sample(casesFor(route), { numRuns: 1_500, seed: SEED }).map((c) => /credential=(\S+)/.exec(c.label)?.[1]));
    expect([...seen].sort()).toEqual([...modes].sort());
  });

  it.each(modes)('%s: the intake answers 202 exactly when the header is valid, and a replay lands on the same request', async (mode) => {
    const target = await fuzzTarget();
    const body = Buffer.from(JSON.stringify({ requester: { email: 'ada@example.com' }, summary: `fuzz ${mode}` }));
    for (let skew = 0; skew < 8; skew += 1) {
      const c: FuzzCase = {
        route,
        method: 'POST',
        url: route.path,
        headers: { 'content-type': 'application/json', ...credentialHeaders(route, body, mode, skew) },
        body,
        label: `${mode} skew=${skew}`,
      };
      const outcome = await runCase(target.app, target.routes, c, target.calls);
      expect(outcome.violation).toBeNull();
      const valid = VALID.has(mode) || (mode === 'edge' && (skew % 4 === 1 || skew % 4 === 2));
      expect(outcome.status, c.label).toBe(valid ? 202 : 401);
    }
    await target.app.close();
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
      stack = await startStack({
        temporalAddress: inject('temporalAddress'),
        config: benchConfig({ tier2P1: { firstResponseMs: 3_600_000, resolutionMs: 7_200_000 }, reopenWindowMs: 2_000 }),
      });
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
