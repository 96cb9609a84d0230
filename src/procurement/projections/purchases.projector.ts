import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { PurchaseCancelledData, PurchaseOrderedData, PurchaseReceivedData } from '../domain/purchase.events.js';

export const PURCHASES = 'purchases';

/** One line of a purchase row: ordered and received so far, per item. */
export interface PurchaseRowLine {
  readonly item: string;
  readonly ordered: number;
  readonly received: number;
}

/**
 * Every purchase order with what has come of it. Idempotent per event: an order is inserted once; a
 * receipt adds its quantities only if its id is not yet in `receipt_ids` (items received that were
 * not ordered get a line with 0 ordered); a cancellation is set once.
 */
export class PurchasesProjection implements Projection {
  readonly name = PURCHASES;
  readonly version = 1;
  readonly eventTypes = ['PurchaseOrdered', 'PurchaseReceived', 'PurchaseCancelled'];
  readonly tables = ['purchases'];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'PurchaseOrdered': {
          const d = event.data as PurchaseOrderedData;
          const lines: PurchaseRowLine[] = d.lines.map((l) => ({ item: l.item, ordered: l.quantity, received: 0 }));
          await tx.query(
            `INSERT INTO purchases (purchase_id, county, warehouse_id, supplier, expected_at, ordered_at, ordered_by, ordered_by_name, lines, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (purchase_id) DO NOTHING`,
            [
              d.purchaseId,
              d.county,
              d.warehouseId,
              d.supplier,
              d.expectedAt ?? null,
              event.metadata.occurredAt,
              event.metadata.actor,
              event.metadata.actorName ?? null,
              JSON.stringify(lines),
              event.position.toString(),
            ],
          );
          break;
        }
        case 'PurchaseReceived': {
          const d = event.data as PurchaseReceivedData;
          const [row] = (await tx.query('SELECT lines, receipt_ids FROM purchases WHERE purchase_id = $1 FOR UPDATE', [d.purchaseId])) as {
            lines: PurchaseRowLine[];
            receipt_ids: string[];
          }[];
          if (!row || row.receipt_ids.includes(d.receiptId)) break;
          const lines = [...row.lines];
          for (const received of d.lines) {
            const at = lines.findIndex((l) => l.item === received.item);
            if (at === -1) lines.push({ item: received.item, ordered: 0, received: received.quantity });
            else lines[at] = { ...lines[at]!, received: lines[at]!.received + received.quantity };
          }
          await tx.query(
            `UPDATE purchases SET lines = $2, receipt_ids = array_append(receipt_ids, $3::uuid),
                    last_received_at = GREATEST(last_received_at, $4::timestamptz), position = $5
              WHERE purchase_id = $1`,
            [d.purchaseId, JSON.stringify(lines), d.receiptId, event.metadata.occurredAt, event.position.toString()],
          );
          break;
        }
        case 'PurchaseCancelled': {
          const d = event.data as PurchaseCancelledData;
          await tx.query(`UPDATE purchases SET cancelled_at = $2, cancel_reason = $3, position = $4 WHERE purchase_id = $1 AND cancelled_at IS NULL`, [
            d.purchaseId,
            event.metadata.occurredAt,
            d.reason,
            event.position.toString(),
          ]);
          break;
        }
        default:
          break;
      }
    }
  }
}
