import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models of the reporting context: every situation report with its current figures. */
export class ReportingReadModels1732700000000 implements MigrationInterface {
  name = 'ReportingReadModels1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE situation_reports (
        report_id                uuid        PRIMARY KEY,
        municipality             text        NOT NULL,
        county                   text        NOT NULL,
        period                   text        NOT NULL,
        reported_at              timestamptz NOT NULL,
        recorded_at              timestamptz NOT NULL,
        position                 bigint      NOT NULL,
        event_id                 uuid        NOT NULL,
        reported_by              text        NOT NULL,
        reported_by_name         text,
        reported_by_role         text        NOT NULL,
        infections               int         NOT NULL,
        lines                    jsonb       NOT NULL,
        corrections              int         NOT NULL DEFAULT 0,
        last_corrected_at        timestamptz,
        last_correction_reason   text,
        last_correction_position bigint
      )`);
    await q.query('CREATE INDEX situation_reports_county_period ON situation_reports (county, period)');
    await q.query('CREATE INDEX situation_reports_municipality ON situation_reports (municipality, reported_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE situation_reports');
  }
}
