import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import type { DeliveryDispatchedData, StockReceivedData } from '../../src/warehouse/domain/warehouse.events.js';
import { call } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';

/**
 * Fifty dispatches arrive at once against stock for twenty of them: the warehouse stream decides
 * each on the state the others left, so exactly twenty are accepted, the thirty others are refused
 * with 409, and stock never goes below zero — neither in the log nor in the read model.
 */
const ITEM = 'VISOR';
const PER_DISPATCH = 30;
const COVERED = 20;
const SENT = 50;
const MUNICIPALITIES = ['0114', '0115', '0117', '0120', '0123', '0125', '0126', '0127', '0128', '0136'];

describeOnBothEventStores('fifty concurrent dispatches', (start) => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await start();
    warehouse = await t.token('warehouse', { county: '01', name: 'Lager Stockholm' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts exactly the dispatches the stock covers, refuses the rest with 409, and never goes below zero', async () => {
    const receipt = await call(t, 'POST', '/api/warehouses/01-central/receipts', {
      as: warehouse,
      body: { source: 'emergency-stockpile', from: 'Beredskapslager Stockholm', lines: [{ item: ITEM, quantity: COVERED * PER_DISPATCH }] },
    });
    expect(receipt.status).toBe(201);

    const answers = await Promise.all(
      Array.from({ length: SENT }, (_, i) =>
        call(t, 'POST', '/api/warehouses/01-central/dispatches', {
          as: warehouse,
          body: { municipality: MUNICIPALITIES[i % MUNICIPALITIES.length], lines: [{ item: ITEM, quantity: PER_DISPATCH }], vehicle: `Bil ${i + 1}` },
        }),
      ),
    );

    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect({ accepted: accepted.length, refused: refused.length, other: answers.filter((a) => ![201, 409].includes(a.status)).map((a) => a.text) }).toEqual({
      accepted: COVERED,
      refused: SENT - COVERED,
      other: [],
    });
    for (const r of refused) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({ status: 409, code: 'WAREHOUSE.INSUFFICIENT_STOCK', details: { item: ITEM, requested: PER_DISPATCH, available: 0 } });
    }

    // The read model, once it has seen every accepted dispatch: nothing left, nothing below zero.
    const last = accepted.map((a) => BigInt(a.body.position)).reduce((max, p) => (p > max ? p : max));
    const stock = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${last}`, { as: warehouse });
    expect(stock.status).toBe(200);
    expect(stock.body.items.find((i: { item: string }) => i.item === ITEM)).toMatchObject({ onHand: 0, allocated: 0, available: 0 });
    for (const item of stock.body.items as { onHand: number; available: number; lots: { onHand: number }[] }[]) {
      expect(Math.min(item.onHand, item.available, ...item.lots.map((l) => l.onHand))).toBeGreaterThanOrEqual(0);
    }

    // The log: exactly the accepted dispatches, and the balance never below zero at any revision.
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream('warehouse-01-central');
    const dispatched = events.filter((e) => e.type === 'DeliveryDispatched').map((e) => e.data as DeliveryDispatchedData);
    expect(dispatched).toHaveLength(COVERED);
    expect(dispatched.map((d) => d.deliveryId).sort()).toEqual(accepted.map((a) => a.body.deliveryId as string).sort());
    let balance = 0;
    let lowest = 0;
    for (const e of events) {
      const lines = (e.data as StockReceivedData | DeliveryDispatchedData).lines.filter((l) => l.item === ITEM);
      const moved = lines.reduce((sum, l) => sum + l.quantity, 0);
      balance += e.type === 'StockReceived' ? moved : e.type === 'DeliveryDispatched' ? -moved : 0;
      lowest = Math.min(lowest, balance);
    }
    expect({ balance, lowest }).toEqual({ balance: 0, lowest: 0 });
  }, 60_000);
});
