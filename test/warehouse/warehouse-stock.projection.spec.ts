import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { WAREHOUSE_EVENTS, warehouseStream } from '../../src/warehouse/domain/warehouse.events.js';
import { warehouseStock, WarehouseStockProjection } from '../../src/warehouse/projections/warehouse-stock.js';
import { openTestLog, testEvent, type TestLog } from '../support/database.js';

const ID = '3b9d6a52-0c1e-4f7a-9d2b-6e8f0a1c2d3e';
const registry = new EventRegistry().register(...WAREHOUSE_EVENTS);
const projection = new WarehouseStockProjection();
let log: TestLog;

beforeAll(async () => {
  log = await openTestLog();
});
afterAll(async () => {
  await log?.close();
});

/** Appends a warehouse event (checked against its schema, as the service would) and reads it back. */
const append = async (warehouseId: string, type: string, data: object): Promise<RecordedEvent> => {
  const event: NewEvent = testEvent(type, { warehouseId, ...data });
  registry.checkForWrite(event);
  const streamId = warehouseStream(warehouseId);
  await log.store.appendToStream(streamId, [event], { expectedRevision: 'any' });
  const [recorded] = await log.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  return recorded!;
};

/** Applies each event twice, each time in its own transaction, as a retried batch would. */
const applyTwice = async (...events: RecordedEvent[]) => {
  for (const event of events) {
    for (let i = 0; i < 2; i++) await log.dataSource.transaction((tx) => projection.apply([event], tx));
  }
};

const rows = async () => ({
  items: await log.dataSource.query(
    `SELECT warehouse_id, item, on_hand::int, allocated::int FROM warehouse_stock_items ORDER BY warehouse_id, item`,
  ),
  lots: await log.dataSource.query(
    `SELECT warehouse_id, item, lot, expires_on::text, on_hand::int FROM warehouse_stock_lots
      ORDER BY warehouse_id, item, expires_on NULLS LAST, lot NULLS LAST`,
  ),
});

describe('warehouse-stock projection', () => {
  it('keeps stock per item and per lot and expiry, once per event, and a rebuild reproduces it', async () => {
    const received = await append('01-central', 'StockReceived', {
      receiptId: ID,
      source: 'donation',
      from: 'Företaget AB',
      lines: [
        { item: 'FFP2', quantity: 100, lot: 'A', expiresOn: '2027-01-31' },
        { item: 'FFP2', quantity: 50, lot: 'A', expiresOn: '2027-01-31' },
        { item: 'FFP2', quantity: 30 },
        { item: 'FFP2', quantity: 20, lot: 'B' },
        { item: 'VISOR', quantity: 10 },
      ],
    });
    const elsewhere = await append('18-central', 'StockReceived', {
      receiptId: ID,
      source: 'purchase',
      from: 'Medisupply AB',
      purchaseId: ID,
      lines: [{ item: 'FFP2', quantity: 7 }],
    });
    const dispatched = await append('01-central', 'DeliveryDispatched', {
      deliveryId: ID,
      municipality: '0115',
      county: '01',
      dispatchedAt: '2026-03-04T07:30:00.000Z',
      lines: [
        {
          item: 'FFP2',
          quantity: 160,
          lots: [
            { lot: 'A', expiresOn: '2027-01-31', quantity: 150 },
            { lot: 'B', expiresOn: null, quantity: 10 },
          ],
        },
      ],
    });
    const adjusted = await append('01-central', 'StockAdjusted', {
      adjustmentId: ID,
      reason: 'counted',
      lines: [
        { item: 'FFP2', counted: 38, change: -2, lots: [{ lot: 'B', expiresOn: null, change: -2 }] },
        { item: 'VISOR', counted: 10, change: 0, lots: [] },
      ],
    });
    await applyTwice(received, elsewhere, dispatched, adjusted);

    const after = await rows();
    expect(after).toEqual({
      items: [
        { warehouse_id: '01-central', item: 'FFP2', on_hand: 38, allocated: 0 },
        { warehouse_id: '01-central', item: 'VISOR', on_hand: 10, allocated: 0 },
        { warehouse_id: '18-central', item: 'FFP2', on_hand: 7, allocated: 0 },
      ],
      // Lot A is emptied and gone; B keeps 8; stock without a lot is a row of its own.
      lots: [
        { warehouse_id: '01-central', item: 'FFP2', lot: 'B', expires_on: null, on_hand: 8 },
        { warehouse_id: '01-central', item: 'FFP2', lot: null, expires_on: null, on_hand: 30 },
        { warehouse_id: '01-central', item: 'VISOR', lot: null, expires_on: null, on_hand: 10 },
        { warehouse_id: '18-central', item: 'FFP2', lot: null, expires_on: null, on_hand: 7 },
      ],
    });

    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect(await rows()).toEqual(after);
  });

  it('answers per item with available and lots earliest expiry first', async () => {
    const events = [
      await append('22-central', 'StockReceived', {
        receiptId: ID,
        source: 'emergency-stockpile',
        from: 'Beredskapslagret',
        lines: [
          { item: 'GOWN-LS', quantity: 5 },
          { item: 'GOWN-LS', quantity: 4, lot: 'UNDATED' },
          { item: 'GOWN-LS', quantity: 3, lot: 'LATE', expiresOn: '2029-01-01' },
          { item: 'GOWN-LS', quantity: 2, lot: 'EARLY', expiresOn: '2026-06-01' },
        ],
      }),
    ];
    await applyTwice(...events);
    await log.dataSource.query(`UPDATE warehouse_stock_items SET allocated = 6 WHERE warehouse_id = '22-central'`);
    expect(await warehouseStock(log.dataSource, '22-central')).toEqual([
      {
        item: 'GOWN-LS',
        onHand: 14,
        allocated: 6,
        available: 8,
        lots: [
          { lot: 'EARLY', expiresOn: '2026-06-01', onHand: 2 },
          { lot: 'LATE', expiresOn: '2029-01-01', onHand: 3 },
          { lot: 'UNDATED', expiresOn: null, onHand: 4 },
          { lot: null, expiresOn: null, onHand: 5 },
        ],
      },
    ]);
  });

  it('keeps a movement it cannot account for visible instead of refusing it', async () => {
    const [event] = [
      await append('22-central', 'DeliveryDispatched', {
        deliveryId: ID,
        municipality: '2260',
        county: '22',
        dispatchedAt: '2026-03-04T07:30:00.000Z',
        lines: [{ item: 'APRON', quantity: 3, lots: [{ lot: null, expiresOn: null, quantity: 3 }] }],
      }),
    ];
    await applyTwice(event!);
    const apron = (await warehouseStock(log.dataSource, '22-central')).find((i) => i.item === 'APRON');
    expect(apron).toEqual({ item: 'APRON', onHand: -3, allocated: 0, available: -3, lots: [{ lot: null, expiresOn: null, onHand: -3 }] });
  });
});
