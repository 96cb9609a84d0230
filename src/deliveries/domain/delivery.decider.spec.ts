import { describe, expect, it } from '@jest/globals';
import { type DeliveryCommand, deliveryDecider as decider, type ReceivedLine } from './delivery.decider.js';
import type { DeliveryEvent } from './delivery.events.js';
import { deciderSpec } from '../../../test/support/decider.js';

const DELIVERY = '0b7e5f0c-6f8a-4c1e-9d51-3c2f1a7e9b40';
const NOW = new Date('2026-03-05T12:00:00.000Z');

const opened: DeliveryEvent = {
  type: 'DeliveryOpened',
  data: {
    deliveryId: DELIVERY,
    warehouseId: '01-central',
    municipality: '0115',
    county: '01',
    dispatchedAt: '2026-03-05T06:30:00.000Z',
    lines: [
      { item: 'FFP2', quantity: 500 },
      { item: 'GLOVE-NITRILE-M', quantity: 1000 },
    ],
  },
};

const allArrived: ReceivedLine[] = [
  { item: 'FFP2', received: 500 },
  { item: 'GLOVE-NITRILE-M', received: 1000 },
];

const receive = (lines: readonly ReceivedLine[] = allArrived, receivedAt = '2026-03-05T09:30:00.000Z'): DeliveryCommand => ({
  type: 'ReceiveDelivery',
  deliveryId: DELIVERY,
  receivedAt: new Date(receivedAt),
  lines,
  now: NOW,
});

const { given, when, thenRefused } = deciderSpec(decider);

describe('receiving a delivery', () => {
  it('records a delivery that arrived in full, without discrepancy', () => {
    expect(when([opened], receive())).toEqual([
      {
        type: 'DeliveryReceived',
        data: {
          deliveryId: DELIVERY,
          municipality: '0115',
          county: '01',
          receivedAt: '2026-03-05T09:30:00.000Z',
          lines: [
            { item: 'FFP2', dispatched: 500, accepted: 500, rejected: 0 },
            { item: 'GLOVE-NITRILE-M', dispatched: 1000, accepted: 1000, rejected: 0 },
          ],
          discrepancy: false,
        },
      },
    ]);
  });

  it('records what was not accepted as rejected, with its reason, and flags the discrepancy', () => {
    const [event] = when(
      [opened],
      receive([
        { item: 'GLOVE-NITRILE-M', received: 0, reason: 'wrong size delivered' },
        { item: 'FFP2', received: 450, reason: 'torn packaging' },
      ]),
    );
    expect(event!.type === 'DeliveryReceived' && event!.data).toEqual(
      expect.objectContaining({
        lines: [
          { item: 'GLOVE-NITRILE-M', dispatched: 1000, accepted: 0, rejected: 1000, reason: 'wrong size delivered' },
          { item: 'FFP2', dispatched: 500, accepted: 450, rejected: 50, reason: 'torn packaging' },
        ],
        discrepancy: true,
      }),
    );
  });

  it('keeps a reason given for a line that arrived in full', () => {
    const [event] = when([opened], receive([{ item: 'FFP2', received: 500, reason: 'late but complete' }, allArrived[1]!]));
    expect(event!.type === 'DeliveryReceived' && event!.data.lines[0]).toEqual({
      item: 'FFP2',
      dispatched: 500,
      accepted: 500,
      rejected: 0,
      reason: 'late but complete',
    });
    expect(event!.type === 'DeliveryReceived' && event!.data.discrepancy).toBe(false);
  });

  it('answers per item the total of a dispatch that named an item twice', () => {
    const twice: DeliveryEvent = {
      type: 'DeliveryOpened',
      data: {
        ...opened.data,
        lines: [
          { item: 'FFP2', quantity: 300 },
          { item: 'FFP2', quantity: 200 },
        ],
      } as typeof opened.data,
    };
    const [event] = when([twice], receive([{ item: 'FFP2', received: 500 }]));
    expect(event!.type === 'DeliveryReceived' && event!.data.lines).toEqual([{ item: 'FFP2', dispatched: 500, accepted: 500, rejected: 0 }]);
  });

  it('refuses a delivery that was never dispatched (404)', () => {
    const error = thenRefused([], receive(), 'DELIVERY.NOT_FOUND');
    expect(error.kind).toBe('not-found');
  });

  it('refuses a second receipt (409)', () => {
    const [received] = when([opened], receive());
    const error = thenRefused([opened, received!], receive(), 'DELIVERY.ALREADY_RECEIVED');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual({ receivedAt: '2026-03-05T09:30:00.000Z' });
  });

  it('refuses a receipt from the future, naming the field, within a clock tolerance', () => {
    const error = thenRefused([opened], receive(allArrived, '2026-03-05T12:06:00.000Z'), 'DELIVERY.RECEIVED_IN_FUTURE');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'receivedAt' } });
    expect(when([opened], receive(allArrived, '2026-03-05T12:04:00.000Z'))).toHaveLength(1);
  });

  it('refuses a receipt before the dispatch, naming the field; at the very moment is allowed', () => {
    const error = thenRefused([opened], receive(allArrived, '2026-03-05T06:29:59.000Z'), 'DELIVERY.RECEIVED_BEFORE_DISPATCH');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'receivedAt' } });
    expect(when([opened], receive(allArrived, '2026-03-05T06:30:00.000Z'))).toHaveLength(1);
  });

  it('refuses more than was dispatched, naming the line', () => {
    const error = thenRefused(
      [opened],
      receive([allArrived[0]!, { item: 'GLOVE-NITRILE-M', received: 1001, reason: 'extra' }]),
      'DELIVERY.RECEIVED_MORE_THAN_DISPATCHED',
    );
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'lines[1].received' } });
  });

  it('refuses a difference without a reason, naming the reason field', () => {
    const error = thenRefused([opened], receive([{ item: 'FFP2', received: 499 }, allArrived[1]!]), 'DELIVERY.REASON_REQUIRED');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'lines[0].reason' } });
  });

  it('refuses an item that was not in the delivery', () => {
    const error = thenRefused([opened], receive([...allArrived, { item: 'VISOR', received: 0, reason: 'not ours' }]), 'DELIVERY.ITEM_NOT_DISPATCHED');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'lines[2].item' } });
  });

  it('refuses an item answered twice', () => {
    const error = thenRefused([opened], receive([...allArrived, { item: 'FFP2', received: 0, reason: 'again' }]), 'DELIVERY.ITEM_ANSWERED_TWICE');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'lines[2].item' } });
  });

  it('refuses a receipt that leaves a dispatched item unanswered', () => {
    const error = thenRefused([opened], receive([allArrived[0]!]), 'DELIVERY.LINE_MISSING');
    expect(error).toMatchObject({ kind: 'invalid', details: { field: 'lines' } });
    expect(error.message).toContain('GLOVE-NITRILE-M');
  });
});

describe('delivery state', () => {
  it('is unknown until opened, in transit once opened, received once received', () => {
    expect(given([]).status).toBe('unknown');
    expect(given([opened]).status).toBe('in-transit');
    expect(given([opened, ...when([opened], receive())]).status).toBe('received');
  });
});
