import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { contractTypes } from '../../scripts/write-contract.mjs';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * The committed contract is the service's: `contract/openapi.json` is what `/api/docs-json` serves,
 * and `contract/api.d.ts` the types generated from it, which typed clients compile against. A change
 * to a route's shape fails here until `npm run contract` is run and the change is reviewed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('serves exactly the committed OpenAPI document, and the committed types are generated from it', async () => {
  const served = (await (await fetch(`${t.url}/api/docs-json`)).json()) as object;
  const committed = JSON.parse(await readFile('contract/openapi.json', 'utf8')) as object;
  expect(served).toEqual(committed);
  expect(await readFile('contract/api.d.ts', 'utf8')).toBe(await contractTypes(committed));
});
