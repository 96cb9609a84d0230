import type { Reaction } from '../../projections/reaction.js';
import type { StockReceivedData } from '../../warehouse/domain/warehouse.events.js';
import { warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import type { PurchaseReceivedData } from '../domain/purchase.events.js';

/**
 * Goods received against a purchase enter the warehouse's stock. The warehouse stream takes the
 * receipt with any expected revision: an arrival only adds stock, so it cannot break the warehouse's
 * rule, and it must never be refused because a dispatch was recorded meanwhile.
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
    return [{ streamId: warehouseStream(receipt.warehouseId), events: [{ type: 'StockReceived', data }], expectedRevision: 'any' }];
  },
};
