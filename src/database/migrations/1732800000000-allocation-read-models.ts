import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `allocation-rounds` read model: one row per round with its proposal and decision (the
 * recorded inputs and outputs kept as JSON, as the events hold them), and its plan per
 * municipality and item with what dispatches naming the round have taken. `last_position` is the
 * log position last applied to a row, so an event applied twice changes nothing.
 *
 * Also the reservations behind the `warehouse-stock` read model's "allocated": they come into
 * being with allocations, so they are created here, beside them.
 */
export class AllocationReadModels1732800000000 implements MigrationInterface {
  name = 'AllocationReadModels1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE allocation_rounds (
        allocation_id          text        PRIMARY KEY,
        county                 text        NOT NULL,
        warehouse_id           text        NOT NULL,
        status                 text        NOT NULL,
        policy_name            text        NOT NULL,
        policy_version         integer     NOT NULL,
        parameters             jsonb       NOT NULL,
        inputs_position        bigint      NOT NULL,
        inputs_as_of           timestamptz NOT NULL,
        inputs                 jsonb       NOT NULL,
        outputs                jsonb       NOT NULL,
        proposed_by            text        NOT NULL,
        proposed_by_name       text,
        proposed_role          text        NOT NULL,
        proposed_at            timestamptz NOT NULL,
        proposed_event_id      text        NOT NULL,
        proposed_position      bigint      NOT NULL,
        decided_by             jsonb,
        decision_note          text,
        amendments             jsonb,
        decision_entered_by    text,
        decision_entered_name  text,
        decision_role          text,
        decided_at             timestamptz,
        decision_recorded_at   timestamptz,
        decision_event_id      text,
        decision_position      bigint,
        last_position          bigint      NOT NULL
      )`);
    await q.query('CREATE INDEX allocation_rounds_by_county ON allocation_rounds (county, proposed_position DESC)');
    await q.query(`
      CREATE TABLE allocation_round_plan (
        allocation_id   text   NOT NULL,
        municipality    text   NOT NULL,
        item            text   NOT NULL,
        planned         bigint NOT NULL,
        dispatched      bigint NOT NULL DEFAULT 0,
        last_position   bigint NOT NULL,
        PRIMARY KEY (allocation_id, municipality, item)
      )`);
    await q.query(`
      CREATE TABLE warehouse_stock_reservations (
        warehouse_id    text   NOT NULL,
        allocation_id   text   NOT NULL,
        municipality    text   NOT NULL,
        item            text   NOT NULL,
        reserved        bigint NOT NULL,
        dispatched      bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (allocation_id, municipality, item)
      )`);
    await q.query('CREATE INDEX warehouse_stock_reservations_by_item ON warehouse_stock_reservations (warehouse_id, item)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE warehouse_stock_reservations');
    await q.query('DROP TABLE allocation_round_plan');
    await q.query('DROP TABLE allocation_rounds');
  }
}
