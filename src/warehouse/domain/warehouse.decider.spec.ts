import { describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../event-store/event-registry.js';
import {
  hasReceipt,
  hasReservation,
  onHand,
  reserved,
  unreserved,
  warehouseDecider,
  type AdjustStockLine,
  type DispatchLine,
  type WarehouseCommand,
} from './warehouse.decider.js';
import { WAREHOUSE_EVENTS, type AdjustmentReason, type StockReceivedData, type StockReservedData, type WarehouseEvent } from './warehouse.events.js';
import { deciderSpec, refusal } from '../../../test/support/decider.js';

const W = '01-central';
const ID = '3b9d6a52-0c1e-4f7a-9d2b-6e8f0a1c2d3e';

const receipt = (lines: StockReceivedData['lines'], source: StockReceivedData['source'] = 'donation'): WarehouseEvent => ({
  type: 'StockReceived',
  data: { receiptId: ID, warehouseId: W, source, from: 'Företaget AB', lines },
});

const { given, when } = deciderSpec(warehouseDecider);

const ALLOCATION = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

const reservation = (lines: StockReservedData['lines'], allocationId = ID): WarehouseEvent => ({
  type: 'StockReserved',
  data: { allocationId, warehouseId: W, lines },
});

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
    expect(when([], command)).toEqual([receipt([{ item: 'FFP2', quantity: 100, lot: 'A', expiresOn: '2027-01-31' }])]);
  });

  it('records a national allocation with the request it answers', () => {
    const [event] = when([], {
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
    expect(refusal(() => when([], receiveFrom('return', { nationalRequestId: ID })))).toMatchObject({
      code: 'WAREHOUSE.NATIONAL_REQUEST_NOT_EXPECTED',
      kind: 'invalid',
      details: { field: 'nationalRequestId' },
    });
  });

  it('refuses goods from a purchase: they are received against the purchase', () => {
    expect(refusal(() => when([], receiveFrom('purchase')))).toMatchObject({
      code: 'WAREHOUSE.PURCHASE_RECEIPT_NOT_HERE',
      kind: 'invalid',
      details: { field: 'source' },
    });
  });

  it('adds up stock of every source, per item and lot', () => {
    const state = given([
      receipt([{ item: 'FFP2', quantity: 100, lot: 'A' }], 'purchase'),
      receipt(
        [
          { item: 'FFP2', quantity: 50, lot: 'A' },
          { item: 'FFP2', quantity: 7 },
        ],
        'return',
      ),
    ]);
    expect(onHand(state, 'FFP2')).toBe(157);
    expect(onHand(state, 'FFP2', 'A')).toBe(150);
    expect(onHand(state, 'VISOR')).toBe(0);
  });
});

describe('dispatching', () => {
  it('takes the earliest expiry first, then undated lots, then stock without a lot', () => {
    const [event] = when([mixedLots], dispatch([{ item: 'FFP2', quantity: 95 }]));
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
    const [event] = when([mixedLots], dispatch([{ item: 'FFP2', quantity: 15, lot: 'LATE' }]));
    expect(event).toMatchObject({ data: { lines: [{ lots: [{ lot: 'LATE', expiresOn: '2027-06-30', quantity: 15 }] }] } });
  });

  it('records the allocation and the vehicle when given', () => {
    const command = { ...dispatch([{ item: 'FFP2', quantity: 1 }]), allocationId: ID, vehicle: 'ABC 123' } as WarehouseCommand;
    const [event] = when([mixedLots, reservation([{ municipality: '0115', item: 'FFP2', quantity: 5 }])], command);
    expect(event).toMatchObject({ data: { allocationId: ID, vehicle: 'ABC 123' } });
  });

  it('moves on past what the dispatch before it took', () => {
    const first = when([mixedLots], dispatch([{ item: 'FFP2', quantity: 45 }]));
    const [second] = when([mixedLots, ...first], dispatch([{ item: 'FFP2', quantity: 10 }]));
    expect(second).toMatchObject({ data: { lines: [{ lots: [{ lot: 'LATE', quantity: 10 }] }] } });
  });

  it('refuses more than is on hand, saying how much there is', () => {
    expect(refusal(() => when([mixedLots], dispatch([{ item: 'FFP2', quantity: 101 }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      kind: 'rule',
      details: { field: 'lines[0].quantity', item: 'FFP2', requested: 101, available: 100 },
    });
  });

  it('refuses more than the named lot holds, though the item has more', () => {
    expect(refusal(() => when([mixedLots], dispatch([{ item: 'FFP2', quantity: 21, lot: 'LATE' }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { item: 'FFP2', lot: 'LATE', requested: 21, available: 20 },
    });
  });

  it('refuses an item never received', () => {
    expect(refusal(() => when([mixedLots], dispatch([{ item: 'VISOR', quantity: 1 }])))).toMatchObject({
      details: { item: 'VISOR', requested: 1, available: 0 },
    });
  });

  it('counts earlier lines of the same dispatch against the stock', () => {
    const error = refusal(() =>
      when(
        [mixedLots],
        dispatch([
          { item: 'FFP2', quantity: 15, lot: 'LATE' },
          { item: 'FFP2', quantity: 86 },
        ]),
      ),
    );
    expect(error).toMatchObject({ details: { field: 'lines[1].quantity', requested: 86, available: 85 } });
  });

  it('can empty the warehouse, but not go below', () => {
    const all = when([mixedLots], dispatch([{ item: 'FFP2', quantity: 100 }]));
    expect(onHand(given([mixedLots, ...all]), 'FFP2')).toBe(0);
    expect(refusal(() => when([mixedLots, ...all], dispatch([{ item: 'FFP2', quantity: 1 }])))).toMatchObject({
      details: { available: 0 },
    });
  });
});

describe('adjusting', () => {
  it('writes off damaged stock of a lot', () => {
    expect(when([mixedLots], adjust('damaged', [{ item: 'FFP2', lot: 'LATE', quantity: 5 }]))).toEqual([
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
    const [event] = when([mixedLots], adjust('expired', [{ item: 'FFP2', quantity: 45 }]));
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
    expect(refusal(() => when([mixedLots], adjust('damaged', [{ item: 'FFP2', lot: 'EARLY', quantity: 41 }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { field: 'lines[0].quantity', requested: 41, available: 40 },
    });
  });

  it('records a count below the ledger as the difference, taken earliest expiry first', () => {
    const [event] = when([mixedLots], adjust('counted', [{ item: 'FFP2', counted: 58 }]));
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
    const [event] = when(
      [mixedLots],
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
    const [event] = when([mixedLots], adjust('counted', [{ item: 'FFP2', counted: 100 }]));
    expect(event).toMatchObject({ data: { lines: [{ item: 'FFP2', counted: 100, change: 0, lots: [] }] } });
  });

  it('refuses a count that names the same goods twice', () => {
    const error = refusal(() =>
      when(
        [mixedLots],
        adjust('counted', [
          { item: 'FFP2', lot: 'EARLY', counted: 40 },
          { item: 'FFP2', counted: 100 },
        ]),
      ),
    );
    expect(error).toMatchObject({ code: 'WAREHOUSE.OVERLAPPING_COUNT', kind: 'invalid', details: { field: 'lines[1].item' } });
  });

  it('takes a signed change for another reason, with a note', () => {
    const [event] = when(
      [mixedLots],
      adjust(
        'other',
        [
          { item: 'FFP2', lot: 'UNDATED', change: -30 },
          { item: 'FFP2', change: 4 },
        ],
        'lent to the hospital',
      ),
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
    expect(refusal(() => when([mixedLots], adjust('other', [{ item: 'FFP2', change: 1 }])))).toMatchObject({
      code: 'WAREHOUSE.NOTE_REQUIRED',
      kind: 'invalid',
      details: { field: 'note' },
    });
    expect(refusal(() => when([mixedLots], adjust('other', [{ item: 'FFP2', change: 1 }], '  ')))).toMatchObject({
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
      expect(refusal(() => when([mixedLots], adjust(reason, [line], 'why')))).toMatchObject({
        code: 'WAREHOUSE.ADJUSTMENT_LINE_INVALID',
        kind: 'invalid',
        details: { field },
      });
    }
  });

  it('refuses another reason taking more than is on hand', () => {
    expect(refusal(() => when([mixedLots], adjust('other', [{ item: 'FFP2', change: -101 }], 'lost')))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { field: 'lines[0].change', requested: 101, available: 100 },
    });
  });

  it('folds adjustments into the stock per lot', () => {
    const events = when([mixedLots], adjust('expired', [{ item: 'FFP2', quantity: 45 }]));
    const state = given([mixedLots, ...events]);
    expect(onHand(state, 'FFP2')).toBe(55);
    expect(onHand(state, 'FFP2', 'EARLY')).toBe(0);
    expect(state.stock.FFP2!.map((b) => b.lot)).toEqual([null, 'LATE', 'UNDATED']);
  });
});

describe('reservations of approved allocations', () => {
  /** 100 FFP2 and 10 VISOR on hand; allocation ALLOCATION holds 30 FFP2 for 0115 and 20 for 0117, and 4 VISOR for 0115. */
  const held = [
    mixedLots,
    receipt([{ item: 'VISOR', quantity: 10 }]),
    reservation(
      [
        { municipality: '0115', item: 'FFP2', quantity: 30 },
        { municipality: '0117', item: 'FFP2', quantity: 20 },
        { municipality: '0115', item: 'VISOR', quantity: 4 },
      ],
      ALLOCATION,
    ),
  ];
  const against = (lines: DispatchLine[], municipality = '0115', allocationId = ALLOCATION): WarehouseCommand =>
    ({ ...dispatch(lines), municipality, allocationId }) as WarehouseCommand;

  it('hold stock per allocation, municipality and item, apart from what is on hand', () => {
    const state = given(held);
    expect(state.reservations).toEqual({ [ALLOCATION]: { '0115': { FFP2: 30, VISOR: 4 }, '0117': { FFP2: 20 } } });
    expect([onHand(state, 'FFP2'), reserved(state, 'FFP2'), unreserved(state, 'FFP2')]).toEqual([100, 50, 50]);
  });

  it('let a dispatch against the allocation take what it holds for the municipality, and draw it down', () => {
    const first = when(
      [...held],
      against([
        { item: 'FFP2', quantity: 25 },
        { item: 'VISOR', quantity: 4 },
      ]),
    );
    expect(first).toMatchObject([{ type: 'DeliveryDispatched', data: { allocationId: ALLOCATION, municipality: '0115' } }]);
    const state = given([...held, ...first]);
    expect(state.reservations[ALLOCATION]).toEqual({ '0115': { FFP2: 5, VISOR: 0 }, '0117': { FFP2: 20 } });
    expect([onHand(state, 'FFP2'), reserved(state, 'FFP2')]).toEqual([75, 25]);
    // What remains for the municipality can still go; more cannot.
    expect(when([...held, ...first], against([{ item: 'FFP2', quantity: 5 }]))[0]!.type).toBe('DeliveryDispatched');
    expect(refusal(() => when([...held, ...first], against([{ item: 'FFP2', quantity: 6 }])))).toMatchObject({
      code: 'WAREHOUSE.BEYOND_PLAN',
      kind: 'rule',
      details: { field: 'lines[0].quantity', item: 'FFP2', requested: 6, remaining: 5 },
    });
  });

  it('refuse more than the plan holds for the municipality, lines of one item added up', () => {
    const error = refusal(() =>
      when(
        [...held],
        against([
          { item: 'FFP2', quantity: 20 },
          { item: 'FFP2', quantity: 11, lot: 'LATE' },
        ]),
      ),
    );
    expect(error).toMatchObject({ code: 'WAREHOUSE.BEYOND_PLAN', details: { field: 'lines[1].quantity', requested: 11, remaining: 10 } });
  });

  it('refuse an item the plan does not hold for the municipality', () => {
    expect(refusal(() => when([...held], against([{ item: 'VISOR', quantity: 1 }], '0117')))).toMatchObject({
      code: 'WAREHOUSE.BEYOND_PLAN',
      details: { field: 'lines[0].quantity', remaining: 0 },
    });
  });

  it('refuse a municipality outside the plan', () => {
    expect(refusal(() => when([...held], against([{ item: 'FFP2', quantity: 1 }], '0114')))).toMatchObject({
      code: 'WAREHOUSE.NOT_IN_PLAN',
      kind: 'rule',
      details: { field: 'municipality' },
    });
  });

  it('refuse an allocation that holds nothing in this warehouse', () => {
    expect(refusal(() => when([...held], against([{ item: 'FFP2', quantity: 1 }], '0115', ID)))).toMatchObject({
      code: 'WAREHOUSE.UNKNOWN_ALLOCATION',
      kind: 'rule',
      details: { field: 'allocationId' },
    });
  });

  it('still know an allocation fully dispatched, and say nothing remains', () => {
    const all = when(
      [...held],
      against([
        { item: 'FFP2', quantity: 30 },
        { item: 'VISOR', quantity: 4 },
      ]),
    );
    expect(refusal(() => when([...held, ...all], against([{ item: 'FFP2', quantity: 1 }])))).toMatchObject({
      code: 'WAREHOUSE.BEYOND_PLAN',
      details: { remaining: 0 },
    });
  });

  it('keep a dispatch without an allocation to stock no allocation holds', () => {
    expect(when([...held], dispatch([{ item: 'FFP2', quantity: 50 }]))[0]!.type).toBe('DeliveryDispatched');
    expect(refusal(() => when([...held], dispatch([{ item: 'FFP2', quantity: 51 }])))).toMatchObject({
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      kind: 'rule',
      details: { field: 'lines[0].quantity', item: 'FFP2', requested: 51, available: 50, reserved: 50 },
    });
    expect(
      refusal(() =>
        when(
          [...held],
          dispatch([
            { item: 'VISOR', quantity: 5 },
            { item: 'VISOR', quantity: 2 },
          ]),
        ),
      ),
    ).toMatchObject({
      details: { field: 'lines[1].quantity', requested: 2, available: 1 },
    });
  });

  it('free stock for other dispatches as the allocation is delivered', () => {
    const delivered = when([...held], against([{ item: 'FFP2', quantity: 30 }]));
    // 70 on hand, 20 still held for 0117: 50 free, as before the delivery.
    expect(unreserved(given([...held, ...delivered]), 'FFP2')).toBe(50);
  });

  it('do not hold back write-offs: damage is a fact', () => {
    const [event] = when([...held], adjust('damaged', [{ item: 'FFP2', quantity: 80 }]));
    const state = given([...held, event!]);
    expect([onHand(state, 'FFP2'), reserved(state, 'FFP2'), unreserved(state, 'FFP2')]).toEqual([20, 50, 0]);
  });

  it('fold a recorded dispatch naming an allocation that reserved nothing without refusing it', () => {
    const recorded: WarehouseEvent = {
      type: 'DeliveryDispatched',
      data: {
        deliveryId: ID,
        warehouseId: W,
        municipality: '0115',
        county: '01',
        allocationId: ID,
        dispatchedAt: '2026-03-04T07:30:00.000Z',
        lines: [{ item: 'FFP2', quantity: 5, lots: [{ lot: 'EARLY', expiresOn: '2026-09-30', quantity: 5 }] }],
      },
    };
    const state = given([...held, recorded]);
    expect([onHand(state, 'FFP2'), reserved(state, 'FFP2')]).toEqual([95, 50]);
    expect(state.reservations[ID]).toBeUndefined();
  });
});

describe('the events decided', () => {
  it('pass their schemas, a count that confirms the ledger included', () => {
    const registry = new EventRegistry().register(...WAREHOUSE_EVENTS);
    const decided = [
      mixedLots,
      ...when([mixedLots], dispatch([{ item: 'FFP2', quantity: 95 }])),
      ...when([mixedLots], adjust('counted', [{ item: 'FFP2', counted: 100 }])),
      ...when(
        [mixedLots],
        adjust(
          'other',
          [
            { item: 'FFP2', change: -60 },
            { item: 'VISOR', change: 2 },
          ],
          'moved',
        ),
      ),
      reservation([{ municipality: '0115', item: 'FFP2', quantity: 30 }]),
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

describe('what the warehouse knows it has recorded (so a reaction run twice applies once)', () => {
  it('knows every receipt it has taken in, whatever its source', () => {
    const other: WarehouseEvent = {
      type: 'StockReceived',
      data: { receiptId: 'r-2', warehouseId: W, source: 'purchase', from: 'Leverantören AB', lines: [{ item: 'FFP2', quantity: 1 }] },
    };
    const state = given([receipt([{ item: 'FFP2', quantity: 5 }]), other]);
    expect(hasReceipt(state, ID)).toBe(true);
    expect(hasReceipt(state, 'r-2')).toBe(true);
    expect(hasReceipt(state, 'r-3')).toBe(false);
    expect(hasReceipt(warehouseDecider.initialState(), ID)).toBe(false);
  });

  it('knows every allocation it holds stock for, also once fully dispatched', () => {
    const held = given([receipt([{ item: 'FFP2', quantity: 10 }]), reservation([{ municipality: '0115', item: 'FFP2', quantity: 10 }], ALLOCATION)]);
    expect(hasReservation(held, ALLOCATION)).toBe(true);
    expect(hasReservation(held, ID)).toBe(false);
    const [sent] = warehouseDecider.decide(
      { ...(dispatch([{ item: 'FFP2', quantity: 10 }]) as Extract<WarehouseCommand, { type: 'DispatchDelivery' }>), allocationId: ALLOCATION },
      held,
    );
    expect(hasReservation(warehouseDecider.evolve(held, sent!), ALLOCATION)).toBe(true);
  });
});
