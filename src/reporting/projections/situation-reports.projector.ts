import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import type { SituationReportCorrectedData, SituationReportedData } from '../domain/situation-report.events.js';

export const SITUATION_REPORTS = 'situation-reports';

/**
 * Every situation report with its current figures (a correction replaces them and is counted),
 * who reported and when — both the time described and the time recorded. Feeds the reports list
 * and reporting completeness.
 */
export class SituationReportsProjection implements Projection {
  readonly name = SITUATION_REPORTS;
  readonly version = 1;
  readonly eventTypes = ['SituationReported', 'SituationReportCorrected'];
  readonly tables = ['situation_reports'];

  constructor(private readonly reference: ReferenceData) {}

  /**
   * A page in two statements: its reports inserted together, then its corrections applied
   * together — after the inserts, since a correction may correct a report of the same page.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const reports = events.filter((e) => e.type === 'SituationReported');
    const corrections = events.filter((e) => e.type === 'SituationReportCorrected');
    if (reports.length > 0) await this.insertReports(reports, tx);
    if (corrections.length > 0) await this.correct(corrections, tx);
  }

  /**
   * The rows go as one JSON document rather than one array per column: `pg` and the server spend
   * about twice as long quoting and parsing an array of JSON texts (the lines) as one document.
   */
  private async insertReports(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const rows = events.map((e) => {
      const d = e.data as SituationReportedData;
      return {
        report_id: d.reportId,
        municipality: d.municipality,
        county: this.reference.municipality(d.municipality)?.countyCode ?? 'unknown',
        period: d.period,
        reported_at: d.reportedAt,
        recorded_at: e.recordedAt.toISOString(),
        position: e.position.toString(),
        event_id: e.metadata.eventId,
        reported_by: e.metadata.actor,
        reported_by_name: e.metadata.actorName ?? null,
        reported_by_role: e.metadata.role,
        infections: d.infections,
        lines: d.lines,
      };
    });
    await tx.query(
      `INSERT INTO situation_reports (report_id, municipality, county, period, reported_at, recorded_at, position, event_id,
                                      reported_by, reported_by_name, reported_by_role, infections, lines)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r (report_id uuid, municipality text, county text, period text,
              reported_at timestamptz, recorded_at timestamptz, position bigint, event_id uuid, reported_by text,
              reported_by_name text, reported_by_role text, infections int, lines jsonb)
       ON CONFLICT (report_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Each report takes its latest correction's figures and counts the corrections it had not counted
   * yet (by position, so the same correction twice counts once): the position guard makes a
   * repeated correction a no-op, and an earlier one arriving after a later one would not overwrite it.
   */
  private async correct(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const data = events.map((e) => e.data as SituationReportCorrectedData);
    await tx.query(
      `WITH c AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::jsonb[], $4::timestamptz[], $5::text[], $6::bigint[])
                    AS c (report_id, infections, lines, recorded_at, reason, position)
       ), latest AS (
         SELECT DISTINCT ON (report_id) * FROM c ORDER BY report_id, position DESC
       )
       UPDATE situation_reports r
          SET infections = latest.infections, lines = latest.lines, last_corrected_at = latest.recorded_at,
              last_correction_reason = latest.reason, last_correction_position = latest.position,
              corrections = r.corrections + (SELECT count(DISTINCT c.position) FROM c WHERE c.report_id = r.report_id
                                               AND c.position > coalesce(r.last_correction_position, 0))
         FROM latest
        WHERE r.report_id = latest.report_id AND coalesce(r.last_correction_position, 0) < latest.position`,
      [
        data.map((d) => d.corrects),
        data.map((d) => d.infections),
        data.map((d) => JSON.stringify(d.lines)),
        events.map((e) => e.recordedAt.toISOString()),
        data.map((d) => d.reason),
        events.map((e) => e.position.toString()),
      ],
    );
  }
}
