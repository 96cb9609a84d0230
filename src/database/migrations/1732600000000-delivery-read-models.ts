import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of deliveries and municipality stock.
 *
 * `delivery_history*`: one row per dispatch with its confirmation, for the auditable history.
 *
 * `stock_*`: the history each municipality's stock is computed from at query time, so that "as of"
 * a business time, and "as known at" a log position, are queries rather than replays:
 *  - every version of every report's figures (the report, then each correction), keyed by the
 *    event that stated them; the current figures are the latest version;
 *  - every delivery line with when it left and when (and how much of it) was accepted.
 */
export class DeliveryReadModels1732600000000 implements MigrationInterface {
  name = 'DeliveryReadModels1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_history (
        delivery_id          uuid        PRIMARY KEY,
        warehouse_id         text,
        municipality         text        NOT NULL,
        county               text        NOT NULL,
        allocation_id        uuid,
        vehicle              text,
        dispatched_at        timestamptz,
        dispatch_recorded_at timestamptz,
        dispatched_by        text,
        dispatched_by_name   text,
        dispatched_by_role   text,
        dispatch_event_id    uuid,
        dispatch_position    bigint,
        received_at          timestamptz,
        receipt_recorded_at  timestamptz,
        received_by          text,
        received_by_name     text,
        received_by_role     text,
        receipt_event_id     uuid,
        receipt_position     bigint,
        discrepancy          boolean,
        status               text        NOT NULL CHECK (status IN ('in-transit', 'received', 'received-with-discrepancy')),
        anomalies            text[]      NOT NULL DEFAULT '{}'
      )`);
    await q.query('CREATE INDEX delivery_history_dispatched ON delivery_history (dispatched_at, delivery_id)');
    await q.query('CREATE INDEX delivery_history_municipality ON delivery_history (municipality, dispatched_at)');
    await q.query('CREATE INDEX delivery_history_county ON delivery_history (county, dispatched_at)');
    await q.query(`
      CREATE TABLE delivery_history_lines (
        delivery_id uuid    NOT NULL,
        item        text    NOT NULL,
        line_no     int,
        quantity    int,
        lots        jsonb   NOT NULL DEFAULT '[]',
        accepted    int,
        rejected    int,
        reason      text,
        PRIMARY KEY (delivery_id, item)
      )`);

    await q.query(`
      CREATE TABLE stock_report_versions (
        report_id        uuid        NOT NULL,
        event_id         uuid        NOT NULL,
        event_type       text        NOT NULL,
        position         bigint      NOT NULL,
        revision         bigint      NOT NULL,
        municipality     text        NOT NULL,
        reported_at      timestamptz NOT NULL,
        infections       int         NOT NULL,
        recorded_at      timestamptz NOT NULL,
        PRIMARY KEY (report_id, event_id)
      )`);
    await q.query('CREATE INDEX stock_report_versions_municipality ON stock_report_versions (municipality, report_id, position)');
    await q.query(`
      CREATE TABLE stock_report_lines (
        report_id       uuid   NOT NULL,
        event_id        uuid   NOT NULL,
        item            text   NOT NULL,
        on_hand         int    NOT NULL,
        used_since_last int    NOT NULL,
        requested       int    NOT NULL,
        PRIMARY KEY (report_id, event_id, item)
      )`);
    await q.query(`
      CREATE TABLE stock_deliveries (
        delivery_id       uuid        NOT NULL,
        item              text        NOT NULL,
        municipality      text        NOT NULL,
        quantity          int,
        dispatched_at     timestamptz,
        dispatch_position bigint,
        accepted          int,
        received_at       timestamptz,
        receipt_position  bigint,
        PRIMARY KEY (delivery_id, item)
      )`);
    await q.query('CREATE INDEX stock_deliveries_municipality ON stock_deliveries (municipality, item)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['stock_deliveries', 'stock_report_lines', 'stock_report_versions', 'delivery_history_lines', 'delivery_history']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
