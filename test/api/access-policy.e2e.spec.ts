import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ACCESS_POLICY, routeKey } from '../../src/auth/access-policy.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Every route the application registers has a line in the access-policy table, and every line
 * belongs to a route: a new route cannot go out without a decision about who may call it.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const registeredRoutes = (app: TestApp['app']): string[] => {
  const router = app.getHttpAdapter().getInstance().router as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  return router.stack
    .filter((layer) => layer.route && layer.route.path.startsWith('/api/'))
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => routeKey(m, layer.route!.path)),
    )
    .filter((key) => !key.includes('/api/docs'));
};

it('has an access rule for every registered route, and a route for every rule', () => {
  const routes = registeredRoutes(t.app);
  expect(routes.length).toBeGreaterThan(10);
  expect(routes.filter((r) => !(r in ACCESS_POLICY))).toEqual([]);
  expect(Object.keys(ACCESS_POLICY).filter((k) => !routes.includes(k))).toEqual([]);
});
