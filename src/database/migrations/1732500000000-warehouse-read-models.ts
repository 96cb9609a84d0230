import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `warehouse-stock` read model: per warehouse and item what is on hand and allocated, and per
 * lot and expiry what is on hand. A lot is `NULL` for stock received without one; `NULLS NOT
 * DISTINCT` makes that "no lot" bucket (and a lot without expiry) one row like any other.
 * `warehouse_stock_streams` remembers the last revision applied per warehouse stream, so an event
 * applied twice changes nothing.
 */
export class WarehouseReadModels1732500000000 implements MigrationInterface {
  name = 'WarehouseReadModels1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE warehouse_stock_items (
        warehouse_id   text   NOT NULL,
        item           text   NOT NULL,
        on_hand        bigint NOT NULL DEFAULT 0,
        -- Approved for a municipality but not dispatched yet; moved by allocations once they exist.
        allocated      bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (warehouse_id, item)
      )`);
    await q.query(`
      CREATE TABLE warehouse_stock_lots (
        warehouse_id   text   NOT NULL,
        item           text   NOT NULL,
        lot            text,
        expires_on     date,
        on_hand        bigint NOT NULL,
        UNIQUE NULLS NOT DISTINCT (warehouse_id, item, lot, expires_on)
      )`);
    await q.query(`
      CREATE TABLE warehouse_stock_streams (
        stream_id      text   PRIMARY KEY,
        last_revision  bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE warehouse_stock_streams');
    await q.query('DROP TABLE warehouse_stock_lots');
    await q.query('DROP TABLE warehouse_stock_items');
  }
}
