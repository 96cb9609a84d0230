import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { countyCode, id, instant, isoDate, itemCode, lot, municipalityCode, positiveUnits, text, warehouseId } from '../../shared/schemas.js';

/** Stream: `warehouse-{warehouseId}`. */
export const warehouseStream = (id: string): string => `warehouse-${id}`;

export const STOCK_SOURCES = ['purchase', 'donation', 'national-allocation', 'emergency-stockpile', 'return'] as const;
export type StockSource = (typeof STOCK_SOURCES)[number];
export const ADJUSTMENT_REASONS = ['damaged', 'expired', 'counted', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

const stockLine = z.strictObject({
  item: itemCode,
  quantity: positiveUnits,
  lot: lot.optional(),
  expiresOn: isoDate.optional(),
});

const stockReceived = z.strictObject({
  receiptId: id,
  warehouseId,
  source: z.enum(STOCK_SOURCES),
  /** Supplier, donor, national board, stockpile or returning municipality, in words. */
  from: text(200),
  purchaseId: id.optional(),
  /** A national allocation names the national request it answers. */
  nationalRequestId: id.optional(),
  lines: z.array(stockLine).min(1).max(100),
});

/** A bucket of stock an adjustment changed: the lot (null: stock received without one) and its expiry. */
const adjustedLot = z.strictObject({
  lot: lot.nullable(),
  expiresOn: isoDate.nullable(),
  change: z
    .number()
    .int()
    .refine((n) => n !== 0, 'must not be zero'),
});

const adjustmentLine = z
  .strictObject({
    item: itemCode,
    lot: lot.optional(),
    /** Signed change in units; for `counted`, counted minus what the ledger held (zero: the count confirmed it). */
    change: z.number().int(),
    /** For `counted`: the quantity counted. */
    counted: z.number().int().nonnegative().optional(),
    /** Where the change landed, so every reader applies it to the same lots (earliest expiry first for removals). */
    lots: z.array(adjustedLot),
  })
  .refine((l) => l.change !== 0 || l.counted !== undefined, { path: ['change'], message: 'must not be zero unless it records a count' })
  .refine((l) => l.lots.reduce((sum, b) => sum + b.change, 0) === l.change, { path: ['lots'], message: 'must add up to change' });

const stockAdjusted = z.strictObject({
  adjustmentId: id,
  warehouseId,
  reason: z.enum(ADJUSTMENT_REASONS),
  note: text(1000).optional(),
  lines: z.array(adjustmentLine).min(1).max(100),
});

/** Which lots a dispatched line was taken from (earliest expiry first unless a lot was named). */
const dispatchedLot = z.strictObject({
  lot: lot.nullable(),
  expiresOn: isoDate.nullable(),
  quantity: positiveUnits,
});

const deliveryDispatched = z.strictObject({
  deliveryId: id,
  warehouseId,
  municipality: municipalityCode,
  county: countyCode,
  allocationId: id.optional(),
  vehicle: text(100).optional(),
  dispatchedAt: instant,
  lines: z
    .array(z.strictObject({ item: itemCode, quantity: positiveUnits, lots: z.array(dispatchedLot).min(1) }))
    .min(1)
    .max(100),
});

/**
 * Stock held for an approved allocation: per municipality and item, what the warehouse keeps back
 * until dispatches naming the allocation draw it down. Written by a reaction to `AllocationApproved`.
 */
const stockReserved = z.strictObject({
  allocationId: id,
  warehouseId,
  lines: z
    .array(z.strictObject({ municipality: municipalityCode, item: itemCode, quantity: positiveUnits }))
    .min(1)
    .max(10_000),
});

export const StockReceived = defineEvent({ type: 'StockReceived', schemaVersion: 1, schema: stockReceived });
export const StockAdjusted = defineEvent({ type: 'StockAdjusted', schemaVersion: 1, schema: stockAdjusted });
export const DeliveryDispatched = defineEvent({ type: 'DeliveryDispatched', schemaVersion: 1, schema: deliveryDispatched });
export const StockReserved = defineEvent({ type: 'StockReserved', schemaVersion: 1, schema: stockReserved });

export type StockReceivedData = z.infer<typeof stockReceived>;
export type StockAdjustedData = z.infer<typeof stockAdjusted>;
export type DeliveryDispatchedData = z.infer<typeof deliveryDispatched>;
export type StockReservedData = z.infer<typeof stockReserved>;

export type WarehouseEvent =
  | DomainEvent<'StockReceived', StockReceivedData>
  | DomainEvent<'StockAdjusted', StockAdjustedData>
  | DomainEvent<'DeliveryDispatched', DeliveryDispatchedData>
  | DomainEvent<'StockReserved', StockReservedData>;

export const WAREHOUSE_EVENTS = [StockReceived, StockAdjusted, DeliveryDispatched, StockReserved];
