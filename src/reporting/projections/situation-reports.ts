import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { RecordedEvent } from '../../event-store/event-store.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import type { Projection } from '../../projections/projection.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { periodDue, periodOf } from '../domain/reporting-period.js';
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

interface ReportRow {
  report_id: string;
  municipality: string;
  period: string;
  reported_at: Date;
  recorded_at: Date;
  position: string;
  reported_by: string;
  reported_by_name: string | null;
  reported_by_role: string;
  infections: number;
  lines: unknown;
  corrections: number;
  last_corrected_at: Date | null;
  last_correction_reason: string | null;
}

const toReport = (row: ReportRow) => ({
  reportId: row.report_id,
  municipality: row.municipality,
  period: row.period,
  reportedAt: row.reported_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  reportedBy: { sub: row.reported_by, name: row.reported_by_name, role: row.reported_by_role },
  infections: row.infections,
  lines: row.lines,
  corrections: row.corrections,
  lastCorrectedAt: row.last_corrected_at?.toISOString() ?? null,
  lastCorrectionReason: row.last_correction_reason,
  position: row.position,
});

const PERIOD = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

export class ReportsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ example: '2026-W10', description: 'Only this ISO week' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be an ISO week such as 2026-W10' })
  period?: string;
}

export class CompletenessQueryDto extends ReadQueryDto {
  @ApiProperty({ example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ example: '2026-W10', description: 'ISO week; the current one when omitted' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be an ISO week such as 2026-W10' })
  period?: string;
}

@ApiTags('situation reports')
@ApiBearerAuth()
@Controller()
export class SituationReportsController {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('municipalities/:code/reports')
  @ReadsFrom(SITUATION_REPORTS)
  @ApiOperation({ summary: 'A municipality’s reports, newest first, with their current figures and corrections' })
  @ApiOkResponse({
    schema: {
      example: {
        municipality: '0115',
        reports: [
          {
            reportId: '6f1c…',
            period: '2026-W10',
            reportedAt: '2026-03-04T07:00:00.000Z',
            recordedAt: '2026-03-04T07:02:11.000Z',
            reportedBy: { sub: 'u-17', name: 'Anna Berg', role: 'municipality' },
            infections: 7,
            lines: [{ item: 'FFP2', onHand: 420, usedSinceLastReport: 180, requested: 300 }],
            corrections: 1,
            lastCorrectedAt: '2026-03-06T09:00:00.000Z',
            lastCorrectionReason: 'two care homes counted twice',
            position: '751000001',
          },
        ],
      },
    },
  })
  async reports(@Param('code') code: string, @Query() query: ReportsQueryDto) {
    const rows: ReportRow[] = await this.db.query(
      `SELECT * FROM situation_reports WHERE municipality = $1 AND ($2::text IS NULL OR period = $2)
        ORDER BY reported_at DESC LIMIT 500`,
      [code, query.period ?? null],
    );
    return { municipality: code, reports: rows.map(toReport) };
  }

  @Get('reporting/completeness')
  @ReadsFrom(SITUATION_REPORTS)
  @ApiOperation({
    summary: 'Reporting discipline for a period: who has reported, who is late or missing, which reports were corrected',
    description:
      'A report is due REPORT_DUE_HOURS (default 36) after its ISO week starts (Monday 00:00 Stockholm time). ' +
      '`late`: the first report of the period was recorded after that; `missing`: none and the time is past; `pending`: none yet.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        county: '01',
        period: '2026-W10',
        dueAt: '2026-03-03T11:00:00.000Z',
        summary: { reported: 24, late: 1, missing: 1, pending: 0, corrected: 2 },
        municipalities: [{ code: '0115', name: 'Vallentuna', status: 'reported', corrected: false, reports: [] }],
      },
    },
  })
  async completeness(@Query() query: CompletenessQueryDto) {
    const now = new Date();
    const period = query.period ?? periodOf(now);
    const dueAt = periodDue(period, this.config.REPORT_DUE_HOURS);
    const rows: ReportRow[] = await this.db.query(
      'SELECT * FROM situation_reports WHERE county = $1 AND period = $2 ORDER BY recorded_at',
      [query.county, period],
    );
    const summary = { reported: 0, late: 0, missing: 0, pending: 0, corrected: 0 };
    const municipalities = this.reference.municipalitiesOf(query.county).map((m) => {
      const reports = rows.filter((r) => r.municipality === m.code);
      const status =
        reports.length === 0
          ? now > dueAt
            ? 'missing'
            : 'pending'
          : reports[0]!.recorded_at > dueAt
            ? 'late'
            : 'reported';
      const corrected = reports.some((r) => r.corrections > 0);
      summary[status]++;
      if (corrected) summary.corrected++;
      return {
        code: m.code,
        name: m.name,
        status,
        corrected,
        reports: reports.map((r) => ({
          reportId: r.report_id,
          reportedAt: r.reported_at.toISOString(),
          recordedAt: r.recorded_at.toISOString(),
          late: r.recorded_at > dueAt,
          corrections: r.corrections,
          lastCorrectionReason: r.last_correction_reason,
        })),
      };
    });
    return { county: query.county, period, dueAt: dueAt.toISOString(), summary, municipalities };
  }
}
