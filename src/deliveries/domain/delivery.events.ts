import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { countyCode, id, instant, itemCode, municipalityCode, positiveUnits, text, units, warehouseId } from '../../shared/schemas.js';

/** Stream: `delivery-{deliveryId}`. */
export const deliveryStream = (deliveryId: string): string => `delivery-${deliveryId}`;

/**
 * Opens the delivery's own stream when the warehouse dispatches it (a reaction to the warehouse's
 * DeliveryDispatched), so that its receipt can be decided on the delivery alone.
 */
const deliveryOpened = z.strictObject({
  deliveryId: id,
  warehouseId,
  municipality: municipalityCode,
  county: countyCode,
  allocationId: id.optional(),
  dispatchedAt: instant,
  lines: z
    .array(z.strictObject({ item: itemCode, quantity: positiveUnits }))
    .min(1)
    .max(100),
});

const receivedLine = z.strictObject({
  item: itemCode,
  dispatched: positiveUnits,
  /** Arrived and accepted into stock. */
  accepted: units,
  /** Arrived but refused (damaged, wrong item), or missing: dispatched − accepted. */
  rejected: units,
  /** Why accepted differs from dispatched; required when it does. */
  reason: text(500).optional(),
});

const deliveryReceived = z.strictObject({
  deliveryId: id,
  municipality: municipalityCode,
  county: countyCode,
  receivedAt: instant,
  lines: z.array(receivedLine).min(1).max(100),
  /** True when any line's accepted quantity differs from what was dispatched. */
  discrepancy: z.boolean(),
});

export const DeliveryOpened = defineEvent({ type: 'DeliveryOpened', schemaVersion: 1, schema: deliveryOpened });
export const DeliveryReceived = defineEvent({ type: 'DeliveryReceived', schemaVersion: 1, schema: deliveryReceived });

export type DeliveryOpenedData = z.infer<typeof deliveryOpened>;
export type DeliveryReceivedData = z.infer<typeof deliveryReceived>;

export type DeliveryEvent = DomainEvent<'DeliveryOpened', DeliveryOpenedData> | DomainEvent<'DeliveryReceived', DeliveryReceivedData>;

export const DELIVERY_EVENTS = [DeliveryOpened, DeliveryReceived];
