import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first answer to each (caller, Idempotency-Key), replayed to retries of the same request. */
export class Idempotency1732400000000 implements MigrationInterface {
  name = 'Idempotency1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_records (
        actor          text        NOT NULL,
        key            text        NOT NULL,
        request_hash   text        NOT NULL,
        state          text        NOT NULL CHECK (state IN ('pending', 'done')),
        status         int,
        body           jsonb,
        created_at     timestamptz NOT NULL DEFAULT now(),
        completed_at   timestamptz,
        PRIMARY KEY (actor, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_records');
  }
}
