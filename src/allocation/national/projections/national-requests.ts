import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../../event-store/event-store.js';
import type { Projection } from '../../../projections/projection.js';
import type { StockReceivedData } from '../../../warehouse/domain/warehouse.events.js';
import type { NationalRequestAnsweredData, NationalRequestRaisedData } from '../../domain/allocation.events.js';

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

interface RequestRow {
  request_id: string;
  county: string;
  allocation_id: string | null;
  lines: { item: string; quantity: number }[];
  note: string | null;
  raised_at: Date;
  raised_by: string;
  raised_by_name: string | null;
  raised_position: string;
  outcome: NationalRequestAnsweredData['outcome'] | null;
  answer_lines: { item: string; quantity: number }[] | null;
  answer_note: string | null;
  answered_at: Date | null;
  answered_by: string | null;
  answered_by_name: string | null;
  answer_position: string | null;
}

interface ReceiptRow {
  receipt_id: string;
  request_id: string;
  item: string;
  warehouse_id: string;
  quantity: number;
  received_at: Date;
  position: string;
}

export interface NationalRequestRecord {
  readonly requestId: string;
  readonly county: string;
  readonly allocationId: string | null;
  /** As of the moment asked: `answered` once the answer's business time has come. */
  readonly status: 'open' | 'answered';
  readonly lines: readonly { readonly item: string; readonly quantity: number; readonly granted: number | null; readonly received: number }[];
  readonly note: string | null;
  readonly raised: { readonly at: string; readonly by: { readonly sub: string; readonly name: string | null }; readonly position: string };
  readonly answer: {
    readonly outcome: NationalRequestAnsweredData['outcome'];
    readonly lines: readonly { readonly item: string; readonly quantity: number }[];
    readonly note: string | null;
    readonly at: string;
    readonly by: { readonly sub: string; readonly name: string | null };
    readonly position: string;
  } | null;
  readonly received: readonly { readonly receiptId: string; readonly item: string; readonly quantity: number; readonly warehouseId: string; readonly receivedAt: string; readonly position: string }[];
}

const toRecord = (row: RequestRow, receipts: readonly ReceiptRow[], asOf: Date | undefined): NationalRequestRecord => {
  const answered = row.answered_at !== null && (asOf === undefined || row.answered_at <= asOf);
  const mine = receipts.filter((r) => r.request_id === row.request_id && (asOf === undefined || r.received_at <= asOf));
  const items = [...new Set([...row.lines.map((l) => l.item), ...mine.map((r) => r.item)])];
  return {
    requestId: row.request_id,
    county: row.county,
    allocationId: row.allocation_id,
    status: answered ? 'answered' : 'open',
    lines: items.map((item) => ({
      item,
      quantity: row.lines.find((l) => l.item === item)?.quantity ?? 0,
      granted: answered ? (row.answer_lines!.find((l) => l.item === item)?.quantity ?? 0) : null,
      received: mine.filter((r) => r.item === item).reduce((sum, r) => sum + r.quantity, 0),
    })),
    note: row.note,
    raised: { at: row.raised_at.toISOString(), by: { sub: row.raised_by, name: row.raised_by_name }, position: row.raised_position },
    answer: answered
      ? {
          outcome: row.outcome!,
          lines: row.answer_lines!,
          note: row.answer_note,
          at: row.answered_at!.toISOString(),
          by: { sub: row.answered_by!, name: row.answered_by_name },
          position: row.answer_position!,
        }
      : null,
    received: mine.map((r) => ({
      receiptId: r.receipt_id,
      item: r.item,
      quantity: r.quantity,
      warehouseId: r.warehouse_id,
      receivedAt: r.received_at.toISOString(),
      position: r.position,
    })),
  };
};

@Injectable()
export class NationalRequestsQuery {
  constructor(private readonly db: DataSource) {}

  /** A county's requests raised by `asOf` (every one when omitted), newest first. */
  async ofCounty(county: string, asOf?: Date): Promise<NationalRequestRecord[]> {
    const rows: RequestRow[] = await this.db.query(
      `SELECT * FROM national_requests WHERE county = $1 AND ($2::timestamptz IS NULL OR raised_at <= $2)
        ORDER BY raised_at DESC, request_id`,
      [county, asOf?.toISOString() ?? null],
    );
    if (rows.length === 0) return [];
    const receipts: ReceiptRow[] = await this.db.query(
      'SELECT * FROM national_request_receipts WHERE request_id = ANY ($1::uuid[]) ORDER BY position, item',
      [rows.map((r) => r.request_id)],
    );
    return rows.map((row) => toRecord(row, receipts, asOf));
  }
}
