/**
 * The intake's routes, read from the app at run time (`printRoutes`), so a route added later is
 * fuzzed without anyone listing it — and the credential each one requires. A route with no known
 * credential scheme is still fuzzed, under the generic oracle, and reported as such.
 */
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  /** Path with `:params`. */
  path: string;
}

/** What a route requires before it may reach Temporal or answer 2xx. */
export type AuthScheme = 'intake-hmac' | 'bearer' | 'slack-v0' | 'gitlab-token' | 'status-link' | 'public' | 'unknown';

/**
 * Parses `app.printRoutes({ commonPrefix: false })`: a tree whose lines are `├── /segment (GET, HEAD)`,
 * children indented by four characters and relative to their parent.
 */
export function parseRouteTree(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = Math.round(m[1]!.length / 4);
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

/** Every route of `app` (HEAD twins dropped), checked against `hasRoute` so a parsing slip cannot hide one. */
export async function listRoutes(app: FastifyInstance): Promise<Route[]> {
  await app.ready();
  const routes = parseRouteTree(app.printRoutes({ commonPrefix: false }));
  const missing = routes.filter((r) => !app.hasRoute({ method: r.method as 'GET', url: r.path }));
  if (routes.length === 0 || missing.length > 0) {
    throw new Error(`could not read the intake's routes (parsed ${routes.length}, not found: ${missing.map((r) => `${r.method} ${r.path}`).join(', ')})`);
  }
  return routes;
}

/** The credential a route requires (by its path; the intake's contract in the README). */
export function authSchemeOf(route: Route): AuthScheme {
  if (route.path === '/webhooks/requests') return 'intake-hmac';
  if (route.path === '/requests' || route.path.startsWith('/requests/') || route.path.startsWith('/reports/')) return 'bearer';
  if (route.path.startsWith('/slack/')) return 'slack-v0';
  if (route.path === '/webhooks/gitlab') return 'gitlab-token';
  if (route.method === 'GET' && route.path === '/status/:id') return 'status-link';
  if (route.method === 'GET' && ['/healthz', '/metrics', '/sandbox'].includes(route.path)) return 'public';
  return 'unknown';
}
