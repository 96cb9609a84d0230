import { describe, expect, it } from '@jest/globals';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import { openDeliveryReaction } from './open-delivery.reaction.js';

const DELIVERY = '0b7e5f0c-6f8a-4c1e-9d51-3c2f1a7e9b40';
const ALLOCATION = '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10';

const dispatched = (overrides: Partial<DeliveryDispatchedData> = {}) => ({
  streamId: 'warehouse-01-central',
  type: 'DeliveryDispatched',
  data: {
    deliveryId: DELIVERY,
    warehouseId: '01-central',
    municipality: '0115',
    county: '01',
    allocationId: ALLOCATION,
    vehicle: 'ABC 123',
    dispatchedAt: '2026-03-05T06:30:00.000Z',
    lines: [
      {
        item: 'FFP2',
        quantity: 500,
        lots: [
          { lot: 'L-1', expiresOn: '2027-01-31', quantity: 300 },
          { lot: null, expiresOn: null, quantity: 200 },
        ],
      },
    ],
    ...overrides,
  } satisfies DeliveryDispatchedData,
  metadata: {
    eventId: '8c6d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e2f',
    correlationId: 'c',
    causationId: 'c',
    actor: 'u-31',
    role: 'warehouse',
    occurredAt: '2026-03-05T06:30:00.000Z',
    schemaVersion: 1,
  },
});

describe('a dispatch opens its delivery', () => {
  it('opens delivery-{id} (once: as the stream’s first event) with the dispatch minus lots and vehicle', () => {
    expect(openDeliveryReaction.react(dispatched())).toEqual([
      {
        streamId: `delivery-${DELIVERY}`,
        once: { kind: 'opens-stream' },
        events: [
          {
            type: 'DeliveryOpened',
            data: {
              deliveryId: DELIVERY,
              warehouseId: '01-central',
              municipality: '0115',
              county: '01',
              allocationId: ALLOCATION,
              dispatchedAt: '2026-03-05T06:30:00.000Z',
              lines: [{ item: 'FFP2', quantity: 500 }],
            },
          },
        ],
      },
    ]);
  });

  it('leaves out an allocation the dispatch did not name', () => {
    const [effect] = openDeliveryReaction.react(dispatched({ allocationId: undefined }));
    expect(effect!.events[0]!.data).not.toHaveProperty('allocationId');
  });
});
