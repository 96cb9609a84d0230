import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { DeliveryDispatchedData, StockAdjustedData, StockReceivedData, StockReservedData } from '../domain/warehouse.events.js';

export const WAREHOUSE_STOCK = 'warehouse-stock';

/** A change of stock in one bucket (item, lot, expiry). */
interface Movement {
  readonly item: string;
  readonly lot: string | null;
  readonly expiresOn: string | null;
  readonly change: number;
}

/** What an event does to the stock: every warehouse event names the lots it touched. */
const movementsOf = (event: RecordedEvent): Movement[] => {
  switch (event.type) {
    case 'StockReceived':
      return (event.data as StockReceivedData).lines.map((l) => ({
        item: l.item,
        lot: l.lot ?? null,
        expiresOn: l.expiresOn ?? null,
        change: l.quantity,
      }));
    case 'StockAdjusted':
      return (event.data as StockAdjustedData).lines.flatMap((l) => l.lots.map((b) => ({ item: l.item, ...b })));
    case 'DeliveryDispatched':
      return (event.data as DeliveryDispatchedData).lines.flatMap((l) =>
        l.lots.map((b) => ({ item: l.item, lot: b.lot, expiresOn: b.expiresOn, change: -b.quantity })),
      );
    default:
      return [];
  }
};

/** Sums movements per key: one upsert must not touch a row twice. */
const sumBy = (movements: readonly Movement[], key: (m: Movement) => string): Movement[] => {
  const sums = new Map<string, Movement>();
  for (const m of movements) {
    const k = key(m);
    const seen = sums.get(k);
    sums.set(k, seen ? { ...seen, change: seen.change + m.change } : m);
  }
  return [...sums.values()];
};

/**
 * Each warehouse's stock by item and by lot and expiry, from its stream's receipts, adjustments and
 * dispatches, and what approved allocations hold of it ("allocated": reserved and not dispatched
 * yet). Applies each event once per stream revision, so replays and retries change nothing. A
 * movement the rows cannot account for (stock going below zero, a dispatch naming an allocation
 * that reserved nothing) is kept as it is, visible, never refused: the log is the truth.
 */
export class WarehouseStockProjection implements Projection {
  readonly name = WAREHOUSE_STOCK;
  // 2: allocated follows reservations and the dispatches that draw them down.
  readonly version = 2;
  readonly eventTypes = ['StockReceived', 'StockAdjusted', 'DeliveryDispatched', 'StockReserved'] as const;
  readonly tables = ['warehouse_stock_items', 'warehouse_stock_lots', 'warehouse_stock_streams', 'warehouse_stock_reservations'] as const;

  /**
   * A batch in a few statements, however many events it holds: stock movements are summed per
   * warehouse, item and lot and written once (sums commute, so the rows are the same as event by
   * event, whatever the batch boundaries); reservations and their draw-downs follow in log order.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const claimed = await this.claim(events, tx);
    const moves = new Map<string, Movement[]>();
    for (const event of claimed) {
      if (event.type === 'StockReserved') continue;
      const warehouseId = (event.data as { warehouseId: string }).warehouseId;
      const list = moves.get(warehouseId) ?? [];
      list.push(...movementsOf(event));
      moves.set(warehouseId, list);
    }
    for (const [warehouseId, movements] of moves) if (movements.length > 0) await this.move(warehouseId, movements, tx);
    for (const event of claimed) {
      if (event.type === 'StockReserved') await this.reserve(event.data as StockReservedData, tx);
      const dispatched = event.type === 'DeliveryDispatched' ? (event.data as DeliveryDispatchedData) : undefined;
      if (dispatched?.allocationId !== undefined) await this.drawDown(dispatched, tx);
    }
  }

  /**
   * The events not applied yet: each stream's last applied revision guards it, so an event applied
   * twice (a replay, an overlapping batch) changes nothing the second time.
   */
  private async claim(events: readonly RecordedEvent[], tx: EntityManager): Promise<RecordedEvent[]> {
    if (events.length === 0) return [];
    const streams = [...new Set(events.map((e) => e.streamId))];
    const rows: { stream_id: string; last_revision: string }[] = await tx.query(
      'SELECT stream_id, last_revision FROM warehouse_stock_streams WHERE stream_id = ANY($1::text[]) FOR UPDATE',
      [streams],
    );
    const last = new Map(rows.map((r) => [r.stream_id, BigInt(r.last_revision)]));
    const claimed = events.filter((e) => {
      const applied = last.get(e.streamId);
      if (applied !== undefined && e.revision <= applied) return false;
      last.set(e.streamId, e.revision);
      return true;
    });
    if (claimed.length > 0) {
      const touched = [...new Set(claimed.map((e) => e.streamId))];
      await tx.query(
        `INSERT INTO warehouse_stock_streams AS s (stream_id, last_revision)
         SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET last_revision = greatest(s.last_revision, excluded.last_revision)`,
        [touched, touched.map((id) => last.get(id)!.toString())],
      );
    }
    return claimed;
  }

  private async reserve(data: StockReservedData, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO warehouse_stock_reservations AS r (warehouse_id, allocation_id, municipality, item, reserved)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::bigint[])
       ON CONFLICT (allocation_id, municipality, item) DO UPDATE SET reserved = r.reserved + excluded.reserved`,
      [data.warehouseId, data.allocationId, data.lines.map((l) => l.municipality), data.lines.map((l) => l.item), data.lines.map((l) => l.quantity)],
    );
    await this.recountAllocated(
      data.warehouseId,
      data.lines.map((l) => l.item),
      tx,
    );
  }

  /** Only lines an allocation reserved are drawn down; a dispatch beyond them shows as stock leaving, nothing more. */
  private async drawDown(data: DeliveryDispatchedData, tx: EntityManager): Promise<void> {
    const items = sumBy(
      data.lines.map((l) => ({ item: l.item, lot: null, expiresOn: null, change: l.quantity })),
      (m) => m.item,
    );
    await tx.query(
      `UPDATE warehouse_stock_reservations r SET dispatched = r.dispatched + d.quantity
         FROM unnest($3::text[], $4::bigint[]) AS d(item, quantity)
        WHERE r.allocation_id = $1 AND r.municipality = $2 AND r.item = d.item`,
      [data.allocationId, data.municipality, items.map((m) => m.item), items.map((m) => m.change)],
    );
    await this.recountAllocated(
      data.warehouseId,
      items.map((m) => m.item),
      tx,
    );
  }

  /** Allocated is recounted from the reservations rather than moved, so it can never drift from them. */
  private async recountAllocated(warehouseId: string, items: readonly string[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO warehouse_stock_items AS i (warehouse_id, item, on_hand, allocated)
       SELECT $1, item, 0, coalesce((
                SELECT sum(greatest(r.reserved - r.dispatched, 0)) FROM warehouse_stock_reservations r
                 WHERE r.warehouse_id = $1 AND r.item = items.item), 0)
         FROM unnest($2::text[]) AS items(item)
       ON CONFLICT (warehouse_id, item) DO UPDATE SET allocated = excluded.allocated`,
      [warehouseId, [...new Set(items)]],
    );
  }

  private async move(warehouseId: string, movements: readonly Movement[], tx: EntityManager): Promise<void> {
    const lots = sumBy(movements, (m) => JSON.stringify([m.item, m.lot, m.expiresOn]));
    const items = sumBy(movements, (m) => m.item);
    await tx.query(
      `INSERT INTO warehouse_stock_lots AS s (warehouse_id, item, lot, expires_on, on_hand)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::date[], $5::bigint[])
       ON CONFLICT (warehouse_id, item, lot, expires_on) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand`,
      [warehouseId, lots.map((m) => m.item), lots.map((m) => m.lot), lots.map((m) => m.expiresOn), lots.map((m) => m.change)],
    );
    // An emptied lot is gone from the shelf; the item's row stays, showing zero.
    await tx.query(`DELETE FROM warehouse_stock_lots WHERE warehouse_id = $1 AND item = ANY($2::text[]) AND on_hand = 0`, [
      warehouseId,
      items.map((m) => m.item),
    ]);
    await tx.query(
      `INSERT INTO warehouse_stock_items AS i (warehouse_id, item, on_hand)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[])
       ON CONFLICT (warehouse_id, item) DO UPDATE SET on_hand = i.on_hand + excluded.on_hand`,
      [warehouseId, items.map((m) => m.item), items.map((m) => m.change)],
    );
  }
}
