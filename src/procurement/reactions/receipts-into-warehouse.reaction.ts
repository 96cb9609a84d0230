import { type Reaction, unlessRecorded } from '../../projections/reaction.js';
import { hasReceipt, warehouseDecider } from '../../warehouse/domain/warehouse.decider.js';
import type { StockReceivedData } from '../../warehouse/domain/warehouse.events.js';
import { warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import type { PurchaseReceivedData } from '../domain/purchase.events.js';

/**
 * Goods received against a purchase enter the warehouse's stock, once: unless the warehouse already
 * has the receipt. An arrival only adds stock, so it cannot break the warehouse's rule and is never
 * refused; a dispatch recorded meanwhile only makes it look again.
 */
export const receiptsIntoWarehouse: Reaction = {
  name: 'purchase-receipts-into-warehouse',
  eventTypes: ['PurchaseReceived'],
  react(event) {
    const receipt = event.data as PurchaseReceivedData;
    const data: StockReceivedData = {
      receiptId: receipt.receiptId,
      warehouseId: receipt.warehouseId,
      source: 'purchase',
      from: receipt.supplier,
      purchaseId: receipt.purchaseId,
      lines: receipt.lines,
    };
    return [
      {
        streamId: warehouseStream(receipt.warehouseId),
        events: [{ type: 'StockReceived', data }],
        once: unlessRecorded(warehouseDecider, (state) => hasReceipt(state, receipt.receiptId)),
      },
    ];
  },
};
