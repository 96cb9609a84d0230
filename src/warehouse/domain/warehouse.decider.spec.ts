import { describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../event-store/event-registry.js';
import { DomainError } from '../../shared/domain-error.js';
import { onHand, warehouseDecider, type AdjustStockLine, type DispatchLine, type WarehouseCommand } from './warehouse.decider.js';
import { WAREHOUSE_EVENTS, type AdjustmentReason, type StockReceivedData, type WarehouseEvent } from './warehouse.events.js';

const W = '01-central';
const ID = '3b9d6a52-0c1e-4f7a-9d2b-6e8f0a1c2d3e';

const receipt = (lines: StockReceivedData['lines'], source: StockReceivedData['source'] = 'donation'): WarehouseEvent => ({
  type: 'StockReceived',
  data: { receiptId: ID, warehouseId: W, source, from: 'Företaget AB', lines },
});

const stateOf = (events: WarehouseEvent[]) => events.reduce(warehouseDecider.evolve, warehouseDecider.initialState());
const given = (...events: WarehouseEvent[]) => ({
  when: (command: WarehouseCommand) => warehouseDecider.decide(command, stateOf(events)),
});

const refusal = (act: () => unknown): DomainError => {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const dispatch = (lines: DispatchLine[]): WarehouseCommand => ({
  type: 'DispatchDelivery',
  deliveryId: ID,
  warehouseId: W,
  municipality: '0115',
  county: '01',
  dispatchedAt: '2026-03-04T07:30:00.000Z',
  lines,
});

const adjust = (reason: AdjustmentReason, lines: AdjustStockLine[], note?: string): WarehouseCommand => ({
  type: 'AdjustStock',
  adjustmentId: ID,
  warehouseId: W,
  reason,
  ...(note === undefined ? {} : { note }),
  lines,
});

/** FFP2 in four buckets, received in an order that is not the expiry order. */
const mixedLots = receipt([
  { item: 'FFP2', quantity: 10 },
  { item: 'FFP2', quantity: 20, lot: 'LATE', expiresOn: '2027-06-30' },
  { item: 'FFP2', quantity: 30, lot: 'UNDATED' },
  { item: 'FFP2', quantity: 40, lot: 'EARLY', expiresOn: '2026-09-30' },
]);

describe('receiving stock from other sources', () => {
  it('records a donation with its lots', () => {
    const command: WarehouseCommand = {
      type: 'ReceiveStock',
      receiptId: ID,
      warehouseId: W,
      source: 'donation',
      from: 'Företaget AB',
      lines: [{ item: 'FFP2', quantity: 100, lot: 'A', expiresOn: '2027-01-31' }],
    };
    expect(given().when(command)).toEqual([receipt([{ item: 'FFP2', quantity: 100, lot: 'A', expiresOn: '2027-01-31' }])]);
  });

  it('records a national allocation with the request it answers', () => {
    const [event] = given().when({
      type: 'ReceiveStock',
      receiptId: ID,
      warehouseId: W,
      source: 'national-allocation',
      from: 'Socialstyrelsen',
      nationalRequestId: ID,
      lines: [{ item: 'FFP3', quantity: 5 }],
    });
    expect(event).toMatchObject({ type: 'StockReceived', data: { source: 'national-allocation', nationalRequestId: ID } });
  });

  const receiveFrom = (source: StockReceivedData['source'], extra: object = {}): WarehouseCommand => ({
    type: 'ReceiveStock',
    receiptId: ID,
    warehouseId: W,
    source,
    from: 'Vallentuna',
    lines: [{ item: 'FFP3', quantity: 5 }],
    ...extra,
  });

  it('refuses a national request on another source', () => {
    expect(refusal(() => given().when(receiveFrom('return', { nationalRequestId: ID })))).toMatchObject({
      code: 'WAREHOUSE.NATIONAL_REQUEST_NOT_EXPECTED',
      kind: 'invalid',
      details: { field: 'nationalRequestId' },
    });
  });

  it('refuses goods from a purchase: they are received against the purchase', () => {
    expect(refusal(() => given().when(receiveFrom('purchase')))).toMatchObject({ code: 'WAREHOUSE.PURCHASE_RECEIPT_NOT_HERE', kind: 'invalid', details: { field: 'source' } });
  });

  it('adds up stock of every source, per item and lot', () => {
    const state = stateOf([
      receipt([{ item: 'FFP2', quantity: 100, lot: 'A' }], 'purchase'),
      receipt([{ item: 'FFP2', quantity: 50, lot: 'A' }, { item: 'FFP2', quantity: 7 }], 'return'),
    ]);
    expect(onHand(state, 'FFP2')).toBe(157);
    expect(onHand(state, 'FFP2', 'A')).toBe(150);
    expect(onHand(state, 'VISOR')).toBe(0);
  });
});

describe('dispatching', () => {
  it('takes the earliest expiry first, then undated lots, then stock without a lot', () => {
    const [event] = given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 95 }]));
    expect(event).toEqual({
      type: 'DeliveryDispatched',
      data: {
        deliveryId: ID,
        warehouseId: W,
        municipality: '0115',
        county: '01',
        dispatchedAt: '2026-03-04T07:30:00.000Z',
        lines: [
          {
            item: 'FFP2',
            quantity: 95,
            lots: [
              { lot: 'EARLY', expiresOn: '2026-09-30', quantity: 40 },
              { lot: 'LATE', expiresOn: '2027-06-30', quantity: 20 },
              { lot: 'UNDATED', expiresOn: null, quantity: 30 },
              { lot: null, expiresOn: null, quantity: 5 },
            ],
          },
        ],
      },
    });
  });

  it('takes from the named lot only', () => {
    const [event] = given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 15, lot: 'LATE' }]));
    expect(event).toMatchObject({ data: { lines: [{ lots: [{ lot: 'LATE', expiresOn: '2027-06-30', quantity: 15 }] }] } });
  });

  it('records the allocation and the vehicle when given', () => {
    const command = { ...dispatch([{ item: 'FFP2', quantity: 1 }]), allocationId: ID, vehicle: 'ABC 123' } as WarehouseCommand;
    const [event] = given(mixedLots).when(command);
    expect(event).toMatchObject({ data: { allocationId: ID, vehicle: 'ABC 123' } });
  });

  it('moves on past what the dispatch before it took', () => {
    const first = given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 45 }]));
    const [second] = given(mixedLots, ...first).when(dispatch([{ item: 'FFP2', quantity: 10 }]));
    expect(second).toMatchObject({ data: { lines: [{ lots: [{ lot: 'LATE', quantity: 10 }] }] } });
  });

  it('refuses more than is on hand, saying how much there is', () => {
    expect(refusal(() => given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 101 }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      kind: 'rule',
      details: { field: 'lines[0].quantity', item: 'FFP2', requested: 101, available: 100 },
    });
  });

  it('refuses more than the named lot holds, though the item has more', () => {
    expect(refusal(() => given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 21, lot: 'LATE' }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { item: 'FFP2', lot: 'LATE', requested: 21, available: 20 },
    });
  });

  it('refuses an item never received', () => {
    expect(refusal(() => given(mixedLots).when(dispatch([{ item: 'VISOR', quantity: 1 }])))).toMatchObject({
      details: { item: 'VISOR', requested: 1, available: 0 },
    });
  });

  it('counts earlier lines of the same dispatch against the stock', () => {
    const error = refusal(() =>
      given(mixedLots).when(
        dispatch([
          { item: 'FFP2', quantity: 15, lot: 'LATE' },
          { item: 'FFP2', quantity: 86 },
        ]),
      ),
    );
    expect(error).toMatchObject({ details: { field: 'lines[1].quantity', requested: 86, available: 85 } });
  });

  it('can empty the warehouse, but not go below', () => {
    const all = given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 100 }]));
    expect(onHand(stateOf([mixedLots, ...all]), 'FFP2')).toBe(0);
    expect(refusal(() => given(mixedLots, ...all).when(dispatch([{ item: 'FFP2', quantity: 1 }])))).toMatchObject({
      details: { available: 0 },
    });
  });
});

describe('adjusting', () => {
  it('writes off damaged stock of a lot', () => {
    expect(given(mixedLots).when(adjust('damaged', [{ item: 'FFP2', lot: 'LATE', quantity: 5 }]))).toEqual([
      {
        type: 'StockAdjusted',
        data: {
          adjustmentId: ID,
          warehouseId: W,
          reason: 'damaged',
          lines: [{ item: 'FFP2', lot: 'LATE', change: -5, lots: [{ lot: 'LATE', expiresOn: '2027-06-30', change: -5 }] }],
        },
      },
    ]);
  });

  it('writes off expired stock of an item earliest expiry first', () => {
    const [event] = given(mixedLots).when(adjust('expired', [{ item: 'FFP2', quantity: 45 }]));
    expect(event).toMatchObject({
      data: {
        lines: [
          {
            change: -45,
            lots: [
              { lot: 'EARLY', change: -40 },
              { lot: 'LATE', change: -5 },
            ],
          },
        ],
      },
    });
  });

  it('refuses to write off more than is on hand', () => {
    expect(refusal(() => given(mixedLots).when(adjust('damaged', [{ item: 'FFP2', lot: 'EARLY', quantity: 41 }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { field: 'lines[0].quantity', requested: 41, available: 40 },
    });
  });

  it('records a count below the ledger as the difference, taken earliest expiry first', () => {
    const [event] = given(mixedLots).when(adjust('counted', [{ item: 'FFP2', counted: 58 }]));
    expect(event).toMatchObject({
      data: {
        reason: 'counted',
        lines: [
          {
            item: 'FFP2',
            counted: 58,
            change: -42,
            lots: [
              { lot: 'EARLY', change: -40 },
              { lot: 'LATE', change: -2 },
            ],
          },
        ],
      },
    });
  });

  it('records a count above the ledger into the lot counted, or without a lot', () => {
    const [event] = given(mixedLots).when(
      adjust('counted', [
        { item: 'FFP2', lot: 'EARLY', counted: 45 },
        { item: 'FFP2', lot: 'NEW', counted: 3 },
        { item: 'VISOR', counted: 12 },
      ]),
    );
    expect(event).toMatchObject({
      data: {
        lines: [
          { item: 'FFP2', lot: 'EARLY', counted: 45, change: 5, lots: [{ lot: 'EARLY', expiresOn: '2026-09-30', change: 5 }] },
          { item: 'FFP2', lot: 'NEW', counted: 3, change: 3, lots: [{ lot: 'NEW', expiresOn: null, change: 3 }] },
          { item: 'VISOR', counted: 12, change: 12, lots: [{ lot: null, expiresOn: null, change: 12 }] },
        ],
      },
    });
  });

  it('records a count that confirms the ledger', () => {
    const [event] = given(mixedLots).when(adjust('counted', [{ item: 'FFP2', counted: 100 }]));
    expect(event).toMatchObject({ data: { lines: [{ item: 'FFP2', counted: 100, change: 0, lots: [] }] } });
  });

  it('refuses a count that names the same goods twice', () => {
    const error = refusal(() =>
      given(mixedLots).when(
        adjust('counted', [
          { item: 'FFP2', lot: 'EARLY', counted: 40 },
          { item: 'FFP2', counted: 100 },
        ]),
      ),
    );
    expect(error).toMatchObject({ code: 'WAREHOUSE.OVERLAPPING_COUNT', kind: 'invalid', details: { field: 'lines[1].item' } });
  });

  it('takes a signed change for another reason, with a note', () => {
    const [event] = given(mixedLots).when(
      adjust('other', [{ item: 'FFP2', lot: 'UNDATED', change: -30 }, { item: 'FFP2', change: 4 }], 'lent to the hospital'),
    );
    expect(event).toMatchObject({
      data: {
        note: 'lent to the hospital',
        lines: [
          { change: -30, lots: [{ lot: 'UNDATED', change: -30 }] },
          { change: 4, lots: [{ lot: null, change: 4 }] },
        ],
      },
    });
  });

  it('refuses another reason without a note', () => {
    expect(refusal(() => given(mixedLots).when(adjust('other', [{ item: 'FFP2', change: 1 }])))).toMatchObject({
      code: 'WAREHOUSE.NOTE_REQUIRED',
      kind: 'invalid',
      details: { field: 'note' },
    });
    expect(refusal(() => given(mixedLots).when(adjust('other', [{ item: 'FFP2', change: 1 }], '  ')))).toMatchObject({
      details: { field: 'note' },
    });
  });

  it('refuses a line without the field its reason needs, or with another', () => {
    const cases: [AdjustmentReason, AdjustStockLine, string][] = [
      ['damaged', { item: 'FFP2' }, 'lines[0].quantity'],
      ['expired', { item: 'FFP2', quantity: 1, change: -1 }, 'lines[0].change'],
      ['counted', { item: 'FFP2', quantity: 1 }, 'lines[0].quantity'],
      ['counted', { item: 'FFP2' }, 'lines[0].counted'],
      ['other', { item: 'FFP2', counted: 1 }, 'lines[0].counted'],
      ['other', { item: 'FFP2', change: 0 }, 'lines[0].change'],
      ['damaged', { item: 'FFP2', quantity: 0 }, 'lines[0].quantity'],
      ['counted', { item: 'FFP2', counted: -1 }, 'lines[0].counted'],
    ];
    for (const [reason, line, field] of cases) {
      expect(refusal(() => given(mixedLots).when(adjust(reason, [line], 'why')))).toMatchObject({
        code: 'WAREHOUSE.ADJUSTMENT_LINE_INVALID',
        kind: 'invalid',
        details: { field },
      });
    }
  });

  it('refuses another reason taking more than is on hand', () => {
    expect(refusal(() => given(mixedLots).when(adjust('other', [{ item: 'FFP2', change: -101 }], 'lost')))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { field: 'lines[0].change', requested: 101, available: 100 },
    });
  });

  it('folds adjustments into the stock per lot', () => {
    const events = given(mixedLots).when(adjust('expired', [{ item: 'FFP2', quantity: 45 }]));
    const state = stateOf([mixedLots, ...events]);
    expect(onHand(state, 'FFP2')).toBe(55);
    expect(onHand(state, 'FFP2', 'EARLY')).toBe(0);
    expect(state.stock.FFP2!.map((b) => b.lot)).toEqual([null, 'LATE', 'UNDATED']);
  });
});

describe('the events decided', () => {
  it('pass their schemas, a count that confirms the ledger included', () => {
    const registry = new EventRegistry().register(...WAREHOUSE_EVENTS);
    const decided = [
      mixedLots,
      ...given(mixedLots).when(dispatch([{ item: 'FFP2', quantity: 95 }])),
      ...given(mixedLots).when(adjust('counted', [{ item: 'FFP2', counted: 100 }])),
      ...given(mixedLots).when(adjust('other', [{ item: 'FFP2', change: -60 }, { item: 'VISOR', change: 2 }], 'moved')),
    ];
    for (const event of decided) {
      const metadata = {
        eventId: ID,
        correlationId: 'c',
        causationId: 'c',
        actor: 'u',
        role: 'warehouse',
        occurredAt: '2026-03-04T07:30:00.000Z',
        schemaVersion: 1,
      };
      expect(() => registry.checkForWrite({ ...event, metadata })).not.toThrow();
    }
  });
});
