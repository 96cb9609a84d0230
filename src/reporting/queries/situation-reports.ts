import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { periodDue, periodOf } from '../domain/reporting-period.js';
import { SITUATION_REPORTS } from '../projections/situation-reports.projector.js';
import { ReportLineDto } from '../report-figures.dto.js';
import { ApiCount, ApiInstant, ApiLogPosition, ApiUuid, RecordedByDto } from '../../http/api-properties.js';

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
  lines: ReportLineDto[];
  corrections: number;
  last_corrected_at: Date | null;
  last_correction_reason: string | null;
}

export class SituationReportDto {
  @ApiUuid()
  reportId: string;

  @ApiProperty({ pattern: '^\\d{4}$', example: '0115' })
  municipality: string;

  @ApiProperty({ pattern: '^\\d{4}-W\\d{2}$', example: '2026-W10', description: 'The ISO week the report counts for' })
  period: string;

  @ApiInstant({ description: 'When the figures were counted (business time)' })
  reportedAt: string;

  @ApiInstant({ description: 'When the service recorded the report' })
  recordedAt: string;

  @ApiProperty({ type: () => RecordedByDto })
  reportedBy: RecordedByDto;

  @ApiProperty({ type: 'integer', minimum: 0, example: 7, description: 'Infections, as last corrected' })
  infections: number;

  @ApiProperty({ type: () => [ReportLineDto], description: 'The figures per item, as last corrected' })
  lines: ReportLineDto[];

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'How many times the report was corrected' })
  corrections: number;

  @ApiInstant({ nullable: true, description: 'When the last correction was recorded; null if never corrected' })
  lastCorrectedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'two care homes counted twice' })
  lastCorrectionReason: string | null;

  @ApiLogPosition({ description: 'Log position of the report' })
  position: string;
}

export class MunicipalityReportsDto {
  @ApiProperty({ pattern: '^\\d{4}$', example: '0115' })
  municipality: string;

  @ApiProperty({ type: () => [SituationReportDto], description: 'Newest first, at most 500' })
  reports: SituationReportDto[];
}

const toReport = (row: ReportRow): SituationReportDto => ({
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

const COMPLETENESS_STATUSES = ['reported', 'late', 'missing', 'pending'] as const;
type CompletenessStatus = (typeof COMPLETENESS_STATUSES)[number];

export class CompletenessSummaryDto implements Record<CompletenessStatus | 'corrected', number> {
  @ApiProperty({ type: 'integer', minimum: 0, example: 24, description: 'Municipalities that reported in time' })
  reported: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  late: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  missing: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  pending: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Municipalities with a corrected report' })
  corrected: number;
}

export class CompletenessReportDto {
  @ApiUuid()
  reportId: string;

  @ApiInstant()
  reportedAt: string;

  @ApiInstant()
  recordedAt: string;

  @ApiProperty({ description: 'Recorded after the period’s due time' })
  late: boolean;

  @ApiCount()
  corrections: number;

  @ApiProperty({ type: 'string', nullable: true })
  lastCorrectionReason: string | null;
}

export class MunicipalityCompletenessDto {
  @ApiProperty({ pattern: '^\\d{4}$', example: '0115' })
  code: string;

  @ApiProperty({ example: 'Vallentuna' })
  name: string;

  @ApiProperty({ enum: COMPLETENESS_STATUSES, example: 'reported' })
  status: CompletenessStatus;

  @ApiProperty({ description: 'One of its reports of the period was corrected' })
  corrected: boolean;

  @ApiProperty({ type: () => [CompletenessReportDto], description: 'Its reports of the period, in the order recorded' })
  reports: CompletenessReportDto[];
}

export class CompletenessDto {
  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  county: string;

  @ApiProperty({ pattern: '^\\d{4}-W\\d{2}$', example: '2026-W10' })
  period: string;

  @ApiInstant({ description: 'When the period’s reports were due' })
  dueAt: string;

  @ApiProperty({ type: () => CompletenessSummaryDto })
  summary: CompletenessSummaryDto;

  @ApiProperty({ type: () => [MunicipalityCompletenessDto], description: 'Every municipality of the county' })
  municipalities: MunicipalityCompletenessDto[];
}

const PERIOD = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

export class ReportsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ pattern: PERIOD.source, description: 'Only this ISO week, e.g. 2026-W10' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be an ISO week such as 2026-W10' })
  period?: string;
}

export class CompletenessQueryDto extends ReadQueryDto {
  @ApiProperty({ pattern: '^\\d{2}$', example: '01', description: 'County code (GET /api/municipalities)' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ pattern: PERIOD.source, description: 'ISO week, e.g. 2026-W10; the current one when omitted' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be an ISO week such as 2026-W10' })
  period?: string;
}

@ApiTags('reporting')
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
  @ApiOperation({ operationId: 'listSituationReports', summary: 'A municipality’s reports, newest first, with their current figures and corrections' })
  @ApiParam({ name: 'code', description: 'Municipality code (GET /api/municipalities)', example: '0115' })
  @ApiOkResponse({ type: MunicipalityReportsDto })
  async reports(@Param('code') code: string, @Query() query: ReportsQueryDto): Promise<MunicipalityReportsDto> {
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
    operationId: 'getReportingCompleteness',
    summary: 'Reporting discipline for a period: who has reported, who is late or missing, which reports were corrected',
    description:
      'A report is due REPORT_DUE_HOURS (default 36) after its ISO week starts (Monday 00:00 Stockholm time). ' +
      '`late`: the first report of the period was recorded after that; `missing`: none and the time is past; `pending`: none yet.',
  })
  @ApiOkResponse({ type: CompletenessDto })
  async completeness(@Query() query: CompletenessQueryDto): Promise<CompletenessDto> {
    const now = new Date();
    const period = query.period ?? periodOf(now);
    const dueAt = periodDue(period, this.config.REPORT_DUE_HOURS);
    const rows: ReportRow[] = await this.db.query('SELECT * FROM situation_reports WHERE county = $1 AND period = $2 ORDER BY recorded_at', [
      query.county,
      period,
    ]);
    const summary = { reported: 0, late: 0, missing: 0, pending: 0, corrected: 0 };
    const municipalities = this.reference.municipalitiesOf(query.county).map((m): MunicipalityCompletenessDto => {
      const reports = rows.filter((r) => r.municipality === m.code);
      const status: CompletenessStatus = reports.length === 0 ? (now > dueAt ? 'missing' : 'pending') : reports[0]!.recorded_at > dueAt ? 'late' : 'reported';
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
