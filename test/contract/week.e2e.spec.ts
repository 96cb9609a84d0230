import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { playWeek } from './week.client.js';

/** The generated client works against the real service, not only at compile time. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('plays a week through the client generated from the contract', async () => {
  const week = await playWeek(t.url, {
    municipality: await t.token('municipality', { municipality: '0115' }),
    region: await t.token('region', { county: '01' }),
    warehouse: await t.token('warehouse', { county: '01' }),
    county: await t.token('county', { county: '01' }),
  });
  expect(week.period).toMatch(/^\d{4}-W\d{2}$/);
  expect(week.picked).toEqual([{ item: 'FFP2', lots: ['W-2026-49'] }]);
  expect(week.warehouseFfp2).toEqual({ onHand: 1400, available: 1400 });
  expect(week.delivery).toEqual({ status: 'received-with-discrepancy', received: 580 });
  expect(week.refusal).toEqual({ status: 409, code: 'WAREHOUSE.INSUFFICIENT_STOCK', fields: ['lines[0].quantity'] });
  expect(week.itemNames).toContain('Andningsskydd FFP2');
});
