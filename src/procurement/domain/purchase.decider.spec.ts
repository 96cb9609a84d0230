import { describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../event-store/event-registry.js';
import { isFullyReceived, purchaseDecider, type PurchaseCommand, type PurchaseOrder } from './purchase.decider.js';
import { PROCUREMENT_EVENTS, type PurchaseEvent, type ReceivedLine } from './purchase.events.js';
import { deciderSpec, refusal } from '../../../test/support/decider.js';

const PURCHASE = '0d6f3c1e-6a4b-4c1f-9b0e-2b7c8a1d9e01';
const RECEIPT = '7a1e2c3d-4b5f-4a6b-8c7d-9e0f1a2b3c4d';

const order: PurchaseOrder = {
  purchaseId: PURCHASE,
  supplier: 'Medisupply AB',
  warehouseId: '01-central',
  county: '01',
  lines: [
    { item: 'FFP2', quantity: 1000 },
    { item: 'GLOVE-NITRILE-M', quantity: 500 },
  ],
};

const ordered: PurchaseEvent = { type: 'PurchaseOrdered', data: { ...order, lines: [...order.lines] } };
const received = (lines: { item: string; quantity: number }[], overDelivery = false): PurchaseEvent => ({
  type: 'PurchaseReceived',
  data: {
    purchaseId: PURCHASE,
    receiptId: RECEIPT,
    warehouseId: '01-central',
    county: '01',
    supplier: 'Medisupply AB',
    lines,
    overDelivery,
  },
});
const cancelled: PurchaseEvent = { type: 'PurchaseCancelled', data: { purchaseId: PURCHASE, reason: 'supplier cannot deliver' } };

const { when } = deciderSpec(purchaseDecider);

const receive = (lines: ReceivedLine[], acceptOverDelivery = false): PurchaseCommand => ({
  type: 'ReceivePurchase',
  receiptId: RECEIPT,
  lines,
  acceptOverDelivery,
});

describe('ordering', () => {
  it('records the order', () => {
    expect(when([], { type: 'OrderPurchase', order: { ...order, expectedAt: '2026-03-10T08:00:00.000Z' } })).toEqual([
      { type: 'PurchaseOrdered', data: { ...order, lines: [...order.lines], expectedAt: '2026-03-10T08:00:00.000Z' } },
    ]);
  });

  it('refuses to order the same purchase twice', () => {
    expect(refusal(() => when([ordered], { type: 'OrderPurchase', order }))).toMatchObject({
      code: 'PURCHASE.ALREADY_ORDERED',
      kind: 'rule',
    });
  });

  it('refuses an item ordered on two lines, naming the second', () => {
    const twice = { ...order, lines: [...order.lines, { item: 'FFP2', quantity: 5 }] };
    expect(refusal(() => when([], { type: 'OrderPurchase', order: twice }))).toMatchObject({
      code: 'PURCHASE.DUPLICATE_LINE',
      kind: 'invalid',
      details: { field: 'lines[2].item' },
    });
  });
});

describe('receiving', () => {
  it('records a partial receipt, with lots, as no over-delivery', () => {
    const lines = [
      { item: 'FFP2', quantity: 300, lot: 'L-1', expiresOn: '2027-01-31' },
      { item: 'FFP2', quantity: 200, lot: 'L-2' },
    ];
    expect(when([ordered], receive(lines))).toEqual([{ type: 'PurchaseReceived', data: { ...received(lines).data, overDelivery: false } }]);
  });

  it('accepts receipts up to exactly what was ordered', () => {
    const events = when([ordered, received([{ item: 'FFP2', quantity: 600 }])], receive([{ item: 'FFP2', quantity: 400 }]));
    expect(events[0]!.type).toBe('PurchaseReceived');
  });

  it('refuses more than ordered across receipts unless flagged, naming the line', () => {
    const error = refusal(() =>
      when(
        [ordered, received([{ item: 'FFP2', quantity: 600 }])],
        receive([
          { item: 'GLOVE-NITRILE-M', quantity: 10 },
          { item: 'FFP2', quantity: 300 },
          { item: 'FFP2', quantity: 101 },
        ]),
      ),
    );
    expect(error).toMatchObject({
      code: 'PURCHASE.OVER_DELIVERY',
      kind: 'rule',
      details: { field: 'lines[2].quantity', item: 'FFP2', ordered: 1000, alreadyReceived: 600, receiving: 401 },
    });
  });

  it('records a flagged over-delivery as such', () => {
    const [event] = when([ordered, received([{ item: 'FFP2', quantity: 1000 }])], receive([{ item: 'FFP2', quantity: 20 }], true));
    expect(event).toMatchObject({ type: 'PurchaseReceived', data: { overDelivery: true } });
  });

  it('records a flagged receipt that stays within the order as no over-delivery', () => {
    const [event] = when([ordered], receive([{ item: 'FFP2', quantity: 20 }], true));
    expect(event).toMatchObject({ data: { overDelivery: false } });
  });

  it('refuses an item that is not on the order', () => {
    const lines = [
      { item: 'FFP2', quantity: 1 },
      { item: 'VISOR', quantity: 1 },
    ];
    expect(refusal(() => when([ordered], receive(lines, true)))).toMatchObject({
      code: 'PURCHASE.ITEM_NOT_ORDERED',
      details: { field: 'lines[1].item', item: 'VISOR' },
    });
  });

  it('refuses a receipt against a cancelled order', () => {
    expect(refusal(() => when([ordered, cancelled], receive([{ item: 'FFP2', quantity: 1 }])))).toMatchObject({
      code: 'PURCHASE.CANCELLED',
      kind: 'rule',
    });
  });

  it('answers not found for a purchase never ordered', () => {
    expect(refusal(() => when([], receive([{ item: 'FFP2', quantity: 1 }])))).toMatchObject({
      code: 'PURCHASE.NOT_FOUND',
      kind: 'not-found',
    });
  });
});

describe('cancelling', () => {
  it('cancels an order with nothing received', () => {
    expect(when([ordered], { type: 'CancelPurchase', reason: 'supplier cannot deliver' })).toEqual([cancelled]);
  });

  it('cancels the rest of a partly received order', () => {
    const partly = [ordered, received([{ item: 'FFP2', quantity: 1000 }])];
    expect(when(partly, { type: 'CancelPurchase', reason: 'gloves not coming' })).toEqual([
      { type: 'PurchaseCancelled', data: { purchaseId: PURCHASE, reason: 'gloves not coming' } },
    ]);
  });

  it('refuses to cancel an order received in full', () => {
    const full = received([
      { item: 'FFP2', quantity: 1000 },
      { item: 'GLOVE-NITRILE-M', quantity: 500 },
    ]);
    expect(refusal(() => when([ordered, full], { type: 'CancelPurchase', reason: 'x' }))).toMatchObject({
      code: 'PURCHASE.FULLY_RECEIVED',
    });
  });

  it('cancels only once', () => {
    expect(refusal(() => when([ordered, cancelled], { type: 'CancelPurchase', reason: 'again' }))).toMatchObject({
      code: 'PURCHASE.ALREADY_CANCELLED',
    });
  });

  it('answers not found for a purchase never ordered', () => {
    expect(refusal(() => when([], { type: 'CancelPurchase', reason: 'x' }))).toMatchObject({ kind: 'not-found' });
  });
});

describe('state', () => {
  it('sums what was received per item and knows when the order is complete', () => {
    const state = [
      ordered,
      received([{ item: 'FFP2', quantity: 400 }]),
      received([
        { item: 'FFP2', quantity: 600 },
        { item: 'GLOVE-NITRILE-M', quantity: 499 },
      ]),
    ].reduce(purchaseDecider.evolve, purchaseDecider.initialState());
    expect(state).toMatchObject({ status: 'open', received: { FFP2: 1000, 'GLOVE-NITRILE-M': 499 } });
    if (state.status !== 'open') throw new Error('open expected');
    expect(isFullyReceived(state.order, state.received)).toBe(false);
    expect(isFullyReceived(state.order, { ...state.received, 'GLOVE-NITRILE-M': 500 })).toBe(true);
  });
});

describe('the events decided', () => {
  it('pass their schemas', () => {
    const registry = new EventRegistry().register(...PROCUREMENT_EVENTS);
    const decided = [
      ...when([], { type: 'OrderPurchase', order: { ...order, expectedAt: '2026-03-10T08:00:00.000Z' } }),
      ...when([ordered], receive([{ item: 'FFP2', quantity: 1001, lot: 'L-1', expiresOn: '2027-01-31' }], true)),
      ...when([ordered], { type: 'CancelPurchase', reason: 'supplier cannot deliver' }),
    ];
    for (const event of decided) {
      const metadata = {
        eventId: RECEIPT,
        correlationId: 'c',
        causationId: 'c',
        actor: 'u',
        role: 'region',
        occurredAt: '2026-03-04T07:30:00.000Z',
        schemaVersion: 1,
      };
      expect(() => registry.checkForWrite({ ...event, metadata })).not.toThrow();
    }
  });
});
