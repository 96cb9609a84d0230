import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { countyCode, id, instant, isoDate, itemCode, lot, positiveUnits, text, warehouseId } from '../../shared/schemas.js';

/** Stream: `purchase-{purchaseId}`. */
export const purchaseStream = (purchaseId: string): string => `purchase-${purchaseId}`;

const purchaseOrdered = z.strictObject({
  purchaseId: id,
  supplier: text(200),
  warehouseId,
  county: countyCode,
  lines: z
    .array(z.strictObject({ item: itemCode, quantity: positiveUnits }))
    .min(1)
    .max(100),
  expectedAt: instant.optional(),
});

export const receivedLine = z.strictObject({
  item: itemCode,
  quantity: positiveUnits,
  lot: lot.optional(),
  expiresOn: isoDate.optional(),
});
export type ReceivedLine = z.infer<typeof receivedLine>;

const purchaseReceived = z.strictObject({
  purchaseId: id,
  receiptId: id,
  warehouseId,
  county: countyCode,
  supplier: text(200),
  lines: z.array(receivedLine).min(1).max(100),
  /** More than ordered on some line, accepted because the receiver flagged it. */
  overDelivery: z.boolean(),
});

const purchaseCancelled = z.strictObject({
  purchaseId: id,
  reason: text(1000),
});

export const PurchaseOrdered = defineEvent({ type: 'PurchaseOrdered', schemaVersion: 1, schema: purchaseOrdered });
export const PurchaseReceived = defineEvent({ type: 'PurchaseReceived', schemaVersion: 1, schema: purchaseReceived });
export const PurchaseCancelled = defineEvent({ type: 'PurchaseCancelled', schemaVersion: 1, schema: purchaseCancelled });

export type PurchaseOrderedData = z.infer<typeof purchaseOrdered>;
export type PurchaseReceivedData = z.infer<typeof purchaseReceived>;
export type PurchaseCancelledData = z.infer<typeof purchaseCancelled>;

export type PurchaseEvent =
  | DomainEvent<'PurchaseOrdered', PurchaseOrderedData>
  | DomainEvent<'PurchaseReceived', PurchaseReceivedData>
  | DomainEvent<'PurchaseCancelled', PurchaseCancelledData>;

export const PROCUREMENT_EVENTS = [PurchaseOrdered, PurchaseReceived, PurchaseCancelled];
