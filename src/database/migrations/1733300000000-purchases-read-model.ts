import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The county's purchase orders in one table, for the purchaser's list of what is still outstanding
 * and the warehouse's choice of the order a delivery belongs to. One row per order; `lines` holds
 * ordered and received per item; `receipt_ids` makes each receipt count once.
 */
export class PurchasesReadModel1733300000000 implements MigrationInterface {
  name = 'PurchasesReadModel1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE purchases (
        purchase_id uuid PRIMARY KEY,
        county text NOT NULL,
        warehouse_id text NOT NULL,
        supplier text NOT NULL,
        expected_at timestamptz,
        ordered_at timestamptz NOT NULL,
        ordered_by text NOT NULL,
        ordered_by_name text,
        lines jsonb NOT NULL,
        receipt_ids uuid[] NOT NULL DEFAULT '{}',
        last_received_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        position bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX purchases_county_ordered_at ON purchases (county, ordered_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE purchases`);
  }
}
