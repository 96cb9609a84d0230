import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { StockReceivedData } from '../../warehouse/domain/warehouse.events.js';
import type { NationalRequestAnsweredData, NationalRequestRaisedData } from '../domain/national-request.events.js';

export const NATIONAL_REQUESTS = 'national-requests';

/**
 * Every national request with its answer, and what the warehouse has received against it (stock
 * from a national allocation naming the request). Idempotent per event: a request is inserted once,
 * its answer claimed once (`answer_event_id IS NULL`), a receipt line inserted once.
 */
export class NationalRequestsProjection implements Projection {
  readonly name = NATIONAL_REQUESTS;
  readonly version = 1;
  readonly eventTypes = ['NationalRequestRaised', 'NationalRequestAnswered', 'StockReceived'];
  readonly tables = ['national_requests', 'national_request_receipts'];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'NationalRequestRaised': {
          const d = event.data as NationalRequestRaisedData;
          await tx.query(
            `INSERT INTO national_requests (request_id, county, allocation_id, lines, note, raised_at, raised_by, raised_by_name,
                                            raised_event_id, raised_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (request_id) DO NOTHING`,
            [
              d.requestId,
              d.county,
              d.allocationId ?? null,
              JSON.stringify(d.lines),
              d.note ?? null,
              event.metadata.occurredAt,
              event.metadata.actor,
              event.metadata.actorName ?? null,
              event.metadata.eventId,
              event.position.toString(),
            ],
          );
          break;
        }
        case 'NationalRequestAnswered': {
          const d = event.data as NationalRequestAnsweredData;
          await tx.query(
            `UPDATE national_requests SET outcome = $2, answer_lines = $3, answer_note = $4, answered_at = $5, answered_by = $6,
                    answered_by_name = $7, answer_event_id = $8, answer_position = $9
              WHERE request_id = $1 AND answer_event_id IS NULL`,
            [
              d.requestId,
              d.outcome,
              JSON.stringify(d.lines),
              d.note ?? null,
              event.metadata.occurredAt,
              event.metadata.actor,
              event.metadata.actorName ?? null,
              event.metadata.eventId,
              event.position.toString(),
            ],
          );
          break;
        }
        case 'StockReceived': {
          const d = event.data as StockReceivedData;
          if (d.source !== 'national-allocation' || d.nationalRequestId === undefined) break;
          const perItem = new Map<string, number>();
          for (const line of d.lines) perItem.set(line.item, (perItem.get(line.item) ?? 0) + line.quantity);
          await tx.query(
            `INSERT INTO national_request_receipts (receipt_id, item, request_id, warehouse_id, quantity, received_at, event_id, position)
             SELECT $1::uuid, item, $2::uuid, $3, quantity, $4, $5, $6 FROM unnest($7::text[], $8::int[]) AS l (item, quantity)
             ON CONFLICT (receipt_id, item) DO NOTHING`,
            [
              d.receiptId,
              d.nationalRequestId,
              d.warehouseId,
              event.metadata.occurredAt,
              event.metadata.eventId,
              event.position.toString(),
              [...perItem.keys()],
              [...perItem.values()],
            ],
          );
          break;
        }
        default:
          break;
      }
    }
  }
}
