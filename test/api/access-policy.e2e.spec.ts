import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ACCESS_POLICY } from '../../src/auth/access-policy.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { registeredRoutes } from '../support/routes.js';

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

it('has an access rule for every registered route, and a route for every rule', () => {
  const routes = registeredRoutes(t.app).map((r) => r.key);
  expect(routes.length).toBeGreaterThan(10);
  expect(routes.filter((r) => !(r in ACCESS_POLICY))).toEqual([]);
  expect(Object.keys(ACCESS_POLICY).filter((k) => !routes.includes(k))).toEqual([]);
});
