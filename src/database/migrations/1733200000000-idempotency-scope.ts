import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency records learn the caller's scope (a replay is only handed to the same scope), an
 * `uncertain` state (the attempt ended without a known outcome: a retry runs at once and looks for
 * what it may have written), and an index for expiring old records.
 */
export class IdempotencyScope1733200000000 implements MigrationInterface {
  name = 'IdempotencyScope1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_records ADD COLUMN scope text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE idempotency_records DROP CONSTRAINT idempotency_records_state_check`);
    await q.query(`ALTER TABLE idempotency_records ADD CONSTRAINT idempotency_records_state_check CHECK (state IN ('pending', 'done', 'uncertain'))`);
    await q.query(`CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idempotency_records_created_at`);
    await q.query(`DELETE FROM idempotency_records WHERE state = 'uncertain'`);
    await q.query(`ALTER TABLE idempotency_records DROP CONSTRAINT idempotency_records_state_check`);
    await q.query(`ALTER TABLE idempotency_records ADD CONSTRAINT idempotency_records_state_check CHECK (state IN ('pending', 'done'))`);
    await q.query(`ALTER TABLE idempotency_records DROP COLUMN scope`);
  }
}
