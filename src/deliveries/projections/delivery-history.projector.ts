import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import { claims, claimSide, foldInRounds } from '../../projections/two-sided-upsert.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import type { DeliveryReceivedData } from '../domain/delivery.events.js';

export const DELIVERY_HISTORY = 'delivery-history';

export const DELIVERY_STATUSES = ['in-transit', 'received', 'received-with-discrepancy'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type DispatchedLot = DeliveryDispatchedData['lines'][number]['lots'][number];

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
  'warehouse_id',
  'allocation_id',
  'vehicle',
  'dispatched_at',
  'dispatch_recorded_at',
  'dispatched_by',
  'dispatched_by_name',
  'dispatched_by_role',
  'dispatch_event_id',
  'dispatch_position',
];
const RECEIPT_COLUMNS = [
  'received_at',
  'receipt_recorded_at',
  'received_by',
  'received_by_name',
  'received_by_role',
  'receipt_event_id',
  'receipt_position',
  'discrepancy',
  'status',
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
    const rounds = foldInRounds(
      facts,
      (e) => e.data.deliveryId,
      (sides: Sides | undefined, event): Sides | undefined => {
        const entry = sides ?? { deliveryId: event.data.deliveryId, first: event };
        if (event.type === 'DeliveryDispatched')
          return entry.dispatch ? undefined : { ...entry, dispatch: event as RecordedEvent<string, DeliveryDispatchedData> };
        return entry.receipt ? undefined : { ...entry, receipt: event as RecordedEvent<string, DeliveryReceivedData> };
      },
    );
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
      if (holds(s, 'dispatch'))
        for (const l of linesPerItem(s.dispatch!.data.lines)) Object.assign(line(l.item), { lineNo: l.lineNo, quantity: l.quantity, lots: l.lots });
      if (holds(s, 'receipt'))
        for (const l of s.receipt!.data.lines) Object.assign(line(l.item), { accepted: l.accepted, rejected: l.rejected, reason: l.reason ?? null });
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
