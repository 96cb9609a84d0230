import type { Reaction, ReactionEffect, SourceEvent } from '../../projections/reaction.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import type { DeliveryEvent } from '../domain/delivery.events.js';
import { deliveryStream } from '../domain/delivery.events.js';

/**
 * Each dispatch from a warehouse opens the delivery's own stream, so that its receipt is decided on
 * the delivery alone rather than on the whole warehouse stream. Which lots the goods came from
 * stays the warehouse's business: the municipality answers per item.
 */
export const openDeliveryReaction: Reaction = {
  name: 'open-delivery',
  eventTypes: ['DeliveryDispatched'],

  react(event: SourceEvent): ReactionEffect[] {
    const d = event.data as DeliveryDispatchedData;
    const opened: DeliveryEvent = {
      type: 'DeliveryOpened',
      data: {
        deliveryId: d.deliveryId,
        warehouseId: d.warehouseId,
        municipality: d.municipality,
        county: d.county,
        ...(d.allocationId ? { allocationId: d.allocationId } : {}),
        dispatchedAt: d.dispatchedAt,
        lines: d.lines.map((line) => ({ item: line.item, quantity: line.quantity })),
      },
    };
    return [{ streamId: deliveryStream(d.deliveryId), events: [opened], once: { kind: 'opens-stream' } }];
  },
};
