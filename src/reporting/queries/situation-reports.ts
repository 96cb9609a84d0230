import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { periodDue, periodOf } from '../domain/reporting-period.js';
import { SITUATION_REPORTS } from '../projections/situation-reports.projector.js';

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
    const rows: ReportRow[] = await this.db.query('SELECT * FROM situation_reports WHERE county = $1 AND period = $2 ORDER BY recorded_at', [
      query.county,
      period,
    ]);
    const summary = { reported: 0, late: 0, missing: 0, pending: 0, corrected: 0 };
    const municipalities = this.reference.municipalitiesOf(query.county).map((m) => {
      const reports = rows.filter((r) => r.municipality === m.code);
      const status = reports.length === 0 ? (now > dueAt ? 'missing' : 'pending') : reports[0]!.recorded_at > dueAt ? 'late' : 'reported';
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
