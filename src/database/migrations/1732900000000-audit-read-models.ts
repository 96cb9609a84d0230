import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models of national requests, and of allocation decisions and their drift. */
export class AuditReadModels1732900000000 implements MigrationInterface {
  name = 'AuditReadModels1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE national_requests (
        request_id uuid PRIMARY KEY,
        county text NOT NULL,
        allocation_id uuid,
        lines jsonb NOT NULL,
        note text,
        raised_at timestamptz NOT NULL,
        raised_by text NOT NULL,
        raised_by_name text,
        raised_event_id uuid NOT NULL,
        raised_position bigint NOT NULL,
        outcome text,
        answer_lines jsonb,
        answer_note text,
        answered_at timestamptz,
        answered_by text,
        answered_by_name text,
        answer_event_id uuid,
        answer_position bigint
      )`);
    await q.query('CREATE INDEX national_requests_county ON national_requests (county, raised_at)');
    // Kept apart from the request: a national allocation may be recorded before its request's row exists.
    await q.query(`
      CREATE TABLE national_request_receipts (
        receipt_id uuid NOT NULL,
        item text NOT NULL,
        request_id uuid NOT NULL,
        warehouse_id text NOT NULL,
        quantity integer NOT NULL,
        received_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (receipt_id, item)
      )`);
    await q.query('CREATE INDEX national_request_receipts_request ON national_request_receipts (request_id)');

    await q.query(`
      CREATE TABLE decision_drift_rounds (
        allocation_id uuid PRIMARY KEY,
        county text NOT NULL,
        warehouse_id text NOT NULL,
        municipalities text[] NOT NULL,
        items jsonb NOT NULL,
        as_of timestamptz NOT NULL,
        input_position bigint NOT NULL,
        recorded jsonb NOT NULL,
        outputs jsonb NOT NULL,
        proposed_position bigint NOT NULL,
        status text NOT NULL,
        plan jsonb,
        decided_at timestamptz,
        decided_position bigint
      )`);
    await q.query('CREATE INDEX decision_drift_rounds_scope ON decision_drift_rounds USING gin (municipalities)');
    await q.query('CREATE INDEX decision_drift_rounds_county ON decision_drift_rounds (county, status, decided_at)');
    await q.query(`
      CREATE TABLE decision_drift_municipalities (
        allocation_id uuid NOT NULL,
        municipality text NOT NULL,
        differences jsonb NOT NULL,
        caused_by jsonb NOT NULL,
        detected_at timestamptz NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (allocation_id, municipality)
      )`);
    await q.query(`
      CREATE TABLE decision_drift_deliveries (
        delivery_id uuid PRIMARY KEY,
        municipality text NOT NULL,
        received_at timestamptz NOT NULL,
        position bigint NOT NULL
      )`);
    await q.query('CREATE INDEX decision_drift_deliveries_municipality ON decision_drift_deliveries (municipality, received_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS decision_drift_deliveries');
    await q.query('DROP TABLE IF EXISTS decision_drift_municipalities');
    await q.query('DROP TABLE IF EXISTS decision_drift_rounds');
    await q.query('DROP TABLE IF EXISTS national_request_receipts');
    await q.query('DROP TABLE IF EXISTS national_requests');
  }
}
