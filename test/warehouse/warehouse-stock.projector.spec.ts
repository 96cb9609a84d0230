import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { WAREHOUSE_EVENTS, warehouseStream } from '../../src/warehouse/domain/warehouse.events.js';
import { WarehouseStockProjection } from '../../src/warehouse/projections/warehouse-stock.projector.js';
import { warehouseStock } from '../../src/warehouse/queries/warehouse-stock.js';
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
  items: await log.dataSource.query(`SELECT warehouse_id, item, on_hand::int, allocated::int FROM warehouse_stock_items ORDER BY warehouse_id, item`),
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
    events.push(
      await append('22-central', 'StockReserved', {
        allocationId: ID,
        lines: [
          { municipality: '2260', item: 'GOWN-LS', quantity: 4 },
          { municipality: '2262', item: 'GOWN-LS', quantity: 2 },
        ],
      }),
    );
    await applyTwice(...events);
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

  it('shows what approved allocations hold as allocated, drawn down by dispatches naming them, and a rebuild reproduces it', async () => {
    const ALLOCATION = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    const OTHER = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
    const dispatched = (municipality: string, quantity: number, allocationId?: string) =>
      append('18-central', 'DeliveryDispatched', {
        deliveryId: ID,
        municipality,
        county: '18',
        ...(allocationId ? { allocationId } : {}),
        dispatchedAt: '2026-03-10T07:30:00.000Z',
        lines: [
          { item: 'MASK-IIR', quantity: quantity - 1, lots: [{ lot: null, expiresOn: null, quantity: quantity - 1 }] },
          { item: 'MASK-IIR', quantity: 1, lots: [{ lot: null, expiresOn: null, quantity: 1 }] },
        ],
      });
    const events = [
      await append('18-central', 'StockReceived', { receiptId: ID, source: 'donation', from: 'Företaget AB', lines: [{ item: 'MASK-IIR', quantity: 1000 }] }),
      await append('18-central', 'StockReserved', {
        allocationId: ALLOCATION,
        lines: [
          { municipality: '1880', item: 'MASK-IIR', quantity: 300 },
          { municipality: '1881', item: 'MASK-IIR', quantity: 200 },
          // Reserved for an item never received: it shows, allocated beyond what is on hand.
          { municipality: '1880', item: 'SANITIZER-500', quantity: 12 },
        ],
      }),
      await dispatched('1880', 250, ALLOCATION),
      // Naming an allocation that reserved nothing (recorded some other way): stock leaves, nothing else moves.
      await dispatched('1880', 10, OTHER),
      await dispatched('1881', 40),
    ];
    await applyTwice(...events);

    const stock = await warehouseStock(log.dataSource, '18-central');
    expect(stock.filter((i) => i.item !== 'FFP2').map(({ lots: _lots, ...figures }) => figures)).toEqual([
      { item: 'MASK-IIR', onHand: 700, allocated: 250, available: 450 },
      { item: 'SANITIZER-500', onHand: 0, allocated: 12, available: -12 },
    ]);
    const reservations = () =>
      log.dataSource.query(
        `SELECT allocation_id, municipality, item, reserved::int, dispatched::int FROM warehouse_stock_reservations
          ORDER BY allocation_id, municipality, item`,
      );
    const before = { stock: await rows(), reservations: await reservations() };
    expect(before.reservations.filter((r: { allocation_id: string }) => r.allocation_id === ALLOCATION)).toEqual([
      { allocation_id: ALLOCATION, municipality: '1880', item: 'MASK-IIR', reserved: 300, dispatched: 250 },
      { allocation_id: ALLOCATION, municipality: '1880', item: 'SANITIZER-500', reserved: 12, dispatched: 0 },
      { allocation_id: ALLOCATION, municipality: '1881', item: 'MASK-IIR', reserved: 200, dispatched: 0 },
    ]);

    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect({ stock: await rows(), reservations: await reservations() }).toEqual(before);
  });
});
