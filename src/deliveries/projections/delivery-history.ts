import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import { claims, claimSide, foldInRounds } from '../../projections/two-sided-upsert.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import type { DeliveryReceivedData } from '../domain/delivery.events.js';

export const DELIVERY_HISTORY = 'delivery-history';

export const DELIVERY_STATUSES = ['in-transit', 'received', 'received-with-discrepancy'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

type DispatchedLot = DeliveryDispatchedData['lines'][number]['lots'][number];

/** A dispatch names each item once; should one name an item twice, the history shows it once, summed. */
const linesPerItem = (lines: DeliveryDispatchedData['lines']) => {
  const byItem = new Map<string, { lineNo: number; quantity: number; lots: DispatchedLot[] }>();
  lines.forEach((line, lineNo) => {
    const known = byItem.get(line.item);
    if (known) {
      known.quantity += line.quantity;
      known.lots.push(...line.lots);
    } else {
      byItem.set(line.item, { lineNo, quantity: line.quantity, lots: [...line.lots] });
    }
  });
  return [...byItem.entries()].map(([item, line]) => ({ item, ...line }));
};

type DeliveryFact = RecordedEvent<string, DeliveryDispatchedData | DeliveryReceivedData>;

/** What one page says about one delivery: its first dispatch and its first receipt there. */
interface Sides {
  readonly deliveryId: string;
  /** Whichever came first: the row's municipality and county are its. */
  readonly first: DeliveryFact;
  readonly dispatch?: RecordedEvent<string, DeliveryDispatchedData>;
  readonly receipt?: RecordedEvent<string, DeliveryReceivedData>;
}

interface LineSides {
  readonly deliveryId: string;
  readonly item: string;
  lineNo?: number;
  quantity?: number;
  lots?: DispatchedLot[];
  accepted?: number;
  rejected?: number;
  reason?: string | null;
}

const DISPATCH_COLUMNS = [
  'warehouse_id', 'allocation_id', 'vehicle', 'dispatched_at', 'dispatch_recorded_at', 'dispatched_by', 'dispatched_by_name',
  'dispatched_by_role', 'dispatch_event_id', 'dispatch_position',
];
const RECEIPT_COLUMNS = [
  'received_at', 'receipt_recorded_at', 'received_by', 'received_by_name', 'received_by_role', 'receipt_event_id', 'receipt_position',
  'discrepancy', 'status',
];

/**
 * Every dispatch with who recorded it and when, what it carried (by lot), for which allocation, and
 * its confirmation with any discrepancy — each side with the event id and log position that
 * recorded it, so an auditor can go from a row to the fact.
 *
 * Idempotent per event: each side of a row is claimed once, by the event that fills it
 * (`… IS NULL`); the same event again changes nothing. Either side may arrive first, so a receipt
 * whose dispatch is not (yet) known is kept rather than refused. A second, different dispatch or
 * receipt for the same delivery is a fact the ledger should never hold: it is noted on the row.
 */
export class DeliveryHistoryProjection implements Projection {
  readonly name = DELIVERY_HISTORY;
  readonly version = 1;
  readonly eventTypes = ['DeliveryDispatched', 'DeliveryReceived'];
  readonly tables = ['delivery_history', 'delivery_history_lines'];

  /**
   * A page in a few statements, however many deliveries it holds. Most deliveries are dispatched
   * and confirmed within a few days, so both sides of a delivery usually sit in the same page: they
   * are folded into one row and one set of lines before writing, each side still under its own
   * guard, so the rows are the same as event by event, however the log is cut into pages. A
   * delivery named twice on one side in a page (a conflicting second dispatch or receipt) has the
   * repeat applied in a second round, as it would be event by event.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const facts = events.filter((e) => e.type === 'DeliveryDispatched' || e.type === 'DeliveryReceived') as DeliveryFact[];
    const rounds = foldInRounds(facts, (e) => e.data.deliveryId, (sides: Sides | undefined, event): Sides | undefined => {
      const entry = sides ?? { deliveryId: event.data.deliveryId, first: event };
      if (event.type === 'DeliveryDispatched') return entry.dispatch ? undefined : { ...entry, dispatch: event as RecordedEvent<string, DeliveryDispatchedData> };
      return entry.receipt ? undefined : { ...entry, receipt: event as RecordedEvent<string, DeliveryReceivedData> };
    });
    for (const round of rounds) await this.write(round, tx);
  }

  private async write(deliveries: readonly Sides[], tx: EntityManager): Promise<void> {
    const column = <T>(value: (s: Sides) => T) => deliveries.map(value);
    const d = <T>(value: (e: RecordedEvent<string, DeliveryDispatchedData>) => T) => column((s) => (s.dispatch ? value(s.dispatch) : null));
    const r = <T>(value: (e: RecordedEvent<string, DeliveryReceivedData>) => T) => column((s) => (s.receipt ? value(s.receipt) : null));
    const claimed: { delivery_id: string; dispatch_event_id: string | null; receipt_event_id: string | null }[] = await tx.query(
      `INSERT INTO delivery_history AS h (delivery_id, municipality, county, ${DISPATCH_COLUMNS.join(', ')}, ${RECEIPT_COLUMNS.join(', ')})
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[],
                            $4::text[], $5::uuid[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::text[],
                            $12::uuid[], $13::bigint[],
                            $14::timestamptz[], $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::uuid[], $20::bigint[],
                            $21::boolean[], $22::text[])
       ON CONFLICT (delivery_id) DO UPDATE SET
         ${claimSide('h', 'dispatch_event_id', DISPATCH_COLUMNS)},
         ${claimSide('h', 'receipt_event_id', RECEIPT_COLUMNS)}
       WHERE ${claims('h', 'dispatch_event_id')} OR ${claims('h', 'receipt_event_id')}
       RETURNING delivery_id, dispatch_event_id, receipt_event_id`,
      [
        column((s) => s.deliveryId),
        column((s) => s.first.data.municipality),
        column((s) => s.first.data.county),
        d((e) => e.data.warehouseId),
        d((e) => e.data.allocationId ?? null),
        d((e) => e.data.vehicle ?? null),
        d((e) => e.data.dispatchedAt),
        d((e) => e.recordedAt.toISOString()),
        d((e) => e.metadata.actor),
        d((e) => e.metadata.actorName ?? null),
        d((e) => e.metadata.role),
        d((e) => e.metadata.eventId),
        d((e) => e.position.toString()),
        r((e) => e.data.receivedAt),
        r((e) => e.recordedAt.toISOString()),
        r((e) => e.metadata.actor),
        r((e) => e.metadata.actorName ?? null),
        r((e) => e.metadata.role),
        r((e) => e.metadata.eventId),
        r((e) => e.position.toString()),
        r((e) => e.data.discrepancy),
        column((s): DeliveryStatus => (!s.receipt ? 'in-transit' : s.receipt.data.discrepancy ? 'received-with-discrepancy' : 'received')),
      ],
    );
    // A side is this event's when the row now names it. A row not returned changed nothing: either
    // the same events again, or conflicting ones, which the note below tells apart.
    const onRow = new Map(claimed.map((row) => [row.delivery_id, row]));
    const holds = (s: Sides, side: 'dispatch' | 'receipt') =>
      s[side] !== undefined && onRow.get(s.deliveryId)?.[`${side}_event_id`]?.toLowerCase() === s[side]!.metadata.eventId.toLowerCase();
    await this.noteAnomalies(
      tx,
      'dispatch_event_id',
      deliveries.filter((s) => s.dispatch && !holds(s, 'dispatch')).map((s) => s.dispatch!),
      (e) => `another dispatch ${e.metadata.eventId} with this delivery id was ignored`,
    );
    await this.noteAnomalies(
      tx,
      'receipt_event_id',
      deliveries.filter((s) => s.receipt && !holds(s, 'receipt')).map((s) => s.receipt!),
      (e) => `another receipt ${e.metadata.eventId} of this delivery was ignored`,
    );

    const lines = deliveries.flatMap((s) => {
      const byItem = new Map<string, LineSides>();
      const line = (item: string) => byItem.get(item) ?? byItem.set(item, { deliveryId: s.deliveryId, item }).get(item)!;
      if (holds(s, 'dispatch')) for (const l of linesPerItem(s.dispatch!.data.lines)) Object.assign(line(l.item), { lineNo: l.lineNo, quantity: l.quantity, lots: l.lots });
      if (holds(s, 'receipt')) for (const l of s.receipt!.data.lines) Object.assign(line(l.item), { accepted: l.accepted, rejected: l.rejected, reason: l.reason ?? null });
      return [...byItem.values()];
    });
    if (lines.length === 0) return;
    await tx.query(
      `INSERT INTO delivery_history_lines AS l (delivery_id, item, line_no, quantity, lots, accepted, rejected, reason)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (delivery_id uuid, item text, line_no int, quantity int, lots jsonb,
                                                       accepted int, rejected int, reason text)
       ON CONFLICT (delivery_id, item) DO UPDATE SET
         ${claimSide('l', 'quantity', ['line_no', 'quantity', 'lots'])},
         ${claimSide('l', 'accepted', ['accepted', 'rejected', 'reason'])}
       WHERE ${claims('l', 'quantity')} OR ${claims('l', 'accepted')}`,
      // One JSON document: an array of JSON texts (the lots) costs twice as much to quote and parse.
      [
        JSON.stringify(
          lines.map((l) => ({
            delivery_id: l.deliveryId,
            item: l.item,
            line_no: l.lineNo ?? null,
            quantity: l.quantity ?? null,
            lots: l.lots ?? [],
            accepted: l.accepted ?? null,
            rejected: l.rejected ?? null,
            reason: l.reason ?? null,
          })),
        ),
      ],
    );
  }

  /**
   * Notes each conflicting fact once on its delivery's row; the same event applied again finds
   * itself on the row, or its note already there, and changes nothing.
   */
  private async noteAnomalies<E extends RecordedEvent<string, { deliveryId: string }>>(
    tx: EntityManager,
    column: 'dispatch_event_id' | 'receipt_event_id',
    events: readonly E[],
    note: (event: E) => string,
  ): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `UPDATE delivery_history h SET anomalies = array_append(h.anomalies, n.note)
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS n (delivery_id, note, event_id)
        WHERE h.delivery_id = n.delivery_id AND h.${column} <> n.event_id AND NOT (n.note = ANY (h.anomalies))`,
      [events.map((e) => e.data.deliveryId), events.map(note), events.map((e) => e.metadata.eventId)],
    );
  }
}

interface HistoryRow {
  delivery_id: string;
  warehouse_id: string | null;
  municipality: string;
  county: string;
  allocation_id: string | null;
  vehicle: string | null;
  dispatched_at: Date | null;
  dispatch_recorded_at: Date | null;
  dispatched_by: string | null;
  dispatched_by_name: string | null;
  dispatched_by_role: string | null;
  dispatch_event_id: string | null;
  dispatch_position: string | null;
  received_at: Date | null;
  receipt_recorded_at: Date | null;
  received_by: string | null;
  received_by_name: string | null;
  received_by_role: string | null;
  receipt_event_id: string | null;
  receipt_position: string | null;
  discrepancy: boolean | null;
  status: DeliveryStatus;
  anomalies: string[];
}

interface LineRow {
  delivery_id: string;
  item: string;
  quantity: number | null;
  lots: DispatchedLot[];
  accepted: number | null;
  rejected: number | null;
  reason: string | null;
}

export interface DeliveryRecord {
  readonly deliveryId: string;
  readonly status: DeliveryStatus;
  readonly warehouseId: string | null;
  readonly municipality: string;
  readonly county: string;
  readonly allocationId: string | null;
  readonly vehicle: string | null;
  readonly dispatchedAt: string | null;
  readonly dispatch: {
    readonly recordedAt: string;
    readonly recordedBy: { readonly sub: string; readonly name: string | null; readonly role: string };
    readonly eventId: string;
    readonly position: string;
  } | null;
  readonly lines: readonly {
    readonly item: string;
    readonly quantity: number | null;
    readonly lots: readonly DispatchedLot[];
    readonly accepted: number | null;
    readonly rejected: number | null;
    readonly reason: string | null;
  }[];
  readonly receipt: {
    readonly receivedAt: string;
    readonly recordedAt: string;
    readonly confirmedBy: { readonly sub: string; readonly name: string | null; readonly role: string };
    readonly discrepancy: boolean;
    readonly eventId: string;
    readonly position: string;
  } | null;
  readonly anomalies?: readonly string[];
}

const toRecord = (row: HistoryRow, lines: readonly LineRow[]): DeliveryRecord => ({
  deliveryId: row.delivery_id,
  status: row.status,
  warehouseId: row.warehouse_id,
  municipality: row.municipality,
  county: row.county,
  allocationId: row.allocation_id,
  vehicle: row.vehicle,
  dispatchedAt: row.dispatched_at?.toISOString() ?? null,
  dispatch: row.dispatch_event_id
    ? {
        recordedAt: row.dispatch_recorded_at!.toISOString(),
        recordedBy: { sub: row.dispatched_by!, name: row.dispatched_by_name, role: row.dispatched_by_role! },
        eventId: row.dispatch_event_id,
        position: row.dispatch_position!,
      }
    : null,
  lines: lines.map((l) => ({ item: l.item, quantity: l.quantity, lots: l.lots, accepted: l.accepted, rejected: l.rejected, reason: l.reason })),
  receipt: row.receipt_event_id
    ? {
        receivedAt: row.received_at!.toISOString(),
        recordedAt: row.receipt_recorded_at!.toISOString(),
        confirmedBy: { sub: row.received_by!, name: row.received_by_name, role: row.received_by_role! },
        discrepancy: row.discrepancy!,
        eventId: row.receipt_event_id,
        position: row.receipt_position!,
      }
    : null,
  ...(row.anomalies.length > 0 ? { anomalies: row.anomalies } : {}),
});

export interface DeliveryFilter {
  readonly municipality?: string;
  readonly county?: string;
  /** Dispatched at or after (inclusive). */
  readonly from?: Date;
  /** Dispatched before (exclusive). */
  readonly to?: Date;
  readonly status?: DeliveryStatus;
}

export type ExportPages = AsyncGenerator<DeliveryRecord[]> & { close(): Promise<void> };

const EXPORT_PAGE = 500;

export interface DeliveryPage {
  readonly deliveries: DeliveryRecord[];
  readonly total: number;
}

const WHERE = `($1::text IS NULL OR municipality = $1) AND ($2::text IS NULL OR county = $2)
  AND ($3::timestamptz IS NULL OR dispatched_at >= $3) AND ($4::timestamptz IS NULL OR dispatched_at < $4)
  AND ($5::text IS NULL OR status = $5)`;

const whereParams = (f: DeliveryFilter) => [
  f.municipality ?? null,
  f.county ?? null,
  f.from?.toISOString() ?? null,
  f.to?.toISOString() ?? null,
  f.status ?? null,
];

/** Reads of the delivery history, in the order the goods left (then by id, for a stable order). */
@Injectable()
export class DeliveryHistoryQuery {
  constructor(private readonly db: DataSource) {}

  async byId(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const rows = await this.db.query<HistoryRow[]>('SELECT * FROM delivery_history WHERE delivery_id = $1', [deliveryId]);
    return rows[0] && (await this.withLines(this.db.manager, rows))[0];
  }

  async page(filter: DeliveryFilter, limit: number, offset: number, db: EntityManager = this.db.manager): Promise<DeliveryPage> {
    const [{ total }] = await db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM delivery_history WHERE ${WHERE}`, whereParams(filter));
    return { deliveries: await this.rows(filter, limit, offset, db), total };
  }

  async rows(filter: DeliveryFilter, limit: number, offset: number, db: EntityManager = this.db.manager): Promise<DeliveryRecord[]> {
    const rows: HistoryRow[] = await db.query(
      `SELECT * FROM delivery_history WHERE ${WHERE}
        ORDER BY dispatched_at NULLS LAST, delivery_id LIMIT $6 OFFSET $7`,
      [...whereParams(filter), limit, offset],
    );
    return this.withLines(db, rows);
  }

  /**
   * Every matching delivery (or `limit` of them), page by page, from one repeatable-read snapshot:
   * rows recorded while a long export runs neither shift nor repeat its pages. The first page is
   * read before this resolves, so a failing database fails the request rather than the file.
   * `close` gives the connection back; it is safe to call more than once.
   */
  async exportPages(filter: DeliveryFilter, limit: number | undefined, offset: number): Promise<ExportPages> {
    const runner = this.db.createQueryRunner();
    let open = true;
    const close = async () => {
      if (!open) return;
      open = false;
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    };
    const pageSize = (read: number) => Math.min(EXPORT_PAGE, (limit ?? Infinity) - read);
    let first: DeliveryRecord[];
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      first = await this.rows(filter, pageSize(0), offset, runner.manager);
    } catch (error) {
      await close();
      throw error;
    }
    const rows = this.rows.bind(this);
    async function* pages(): AsyncGenerator<DeliveryRecord[]> {
      try {
        let page = first;
        let read = 0;
        for (;;) {
          yield page;
          read += page.length;
          const size = pageSize(read);
          if (page.length < EXPORT_PAGE || size <= 0) break;
          page = await rows(filter, size, offset + read, runner.manager);
        }
      } finally {
        await close();
      }
    }
    return Object.assign(pages(), { close });
  }

  private async withLines(db: EntityManager, rows: HistoryRow[]): Promise<DeliveryRecord[]> {
    if (rows.length === 0) return [];
    const lines: LineRow[] = await db.query(
      `SELECT delivery_id, item, quantity, lots, accepted, rejected, reason FROM delivery_history_lines
        WHERE delivery_id = ANY ($1::uuid[]) ORDER BY delivery_id, line_no NULLS LAST, item`,
      [rows.map((r) => r.delivery_id)],
    );
    const byDelivery = new Map<string, LineRow[]>();
    for (const line of lines) byDelivery.set(line.delivery_id, [...(byDelivery.get(line.delivery_id) ?? []), line]);
    return rows.map((row) => toRecord(row, byDelivery.get(row.delivery_id) ?? []));
  }
}
