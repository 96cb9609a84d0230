import { type Reaction, unlessRecorded } from '../../projections/reaction.js';
import { hasReservation, warehouseDecider } from '../../warehouse/domain/warehouse.decider.js';
import { type StockReservedData, warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import type { AllocationApprovedData } from '../domain/allocation.events.js';

/**
 * An approved allocation sets its plan aside in the warehouse, once: unless the warehouse already
 * holds a reservation for the allocation. It is never refused: the committee has decided, and a
 * dispatch recorded in between must not make the decision unrecordable (the approval checked what
 * the warehouse could set aside); a write in between only makes it look again. A plan of nothing
 * reserves nothing.
 */
export const reserveStockReaction: Reaction = {
  name: 'allocation-reserves-stock',
  eventTypes: ['AllocationApproved'],
  react(event) {
    const approved = event.data as AllocationApprovedData;
    if (approved.plan.length === 0) return [];
    const data: StockReservedData = { allocationId: approved.allocationId, warehouseId: approved.warehouseId, lines: approved.plan };
    return [
      {
        streamId: warehouseStream(approved.warehouseId),
        events: [{ type: 'StockReserved', data }],
        once: unlessRecorded(warehouseDecider, (state) => hasReservation(state, approved.allocationId)),
      },
    ];
  },
};
