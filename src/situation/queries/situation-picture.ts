import { Readable } from 'node:stream';
import { Controller, Get, Query, Req, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { csvField } from '../../deliveries/queries/delivery-history.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { businessTime, IsInstant } from '../../http/request-fields.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { STOCK_STATUSES, type StockStatus } from '../../stock/domain/projected-stock.js';
import { MUNICIPALITY_STOCK } from '../../stock/projections/municipality-stock.projector.js';
import { CountyRefDto, MunicipalityStockQuery, StatusSummaryDto, StockThresholdsDto } from '../../stock/queries/municipality-stock.js';
import { ApiCount, nullableRef } from '../../http/api-properties.js';
import { type SheetColumn, spreadsheet, XLSX } from '../../http/spreadsheet.js';
import { DriftDto } from '../../allocation/allocation-round.dto.js';
import type { RoundOutputsData } from '../../allocation/domain/allocation.events.js';
import { DECISION_DRIFT } from '../../allocation/projections/decision-drift.projector.js';
import { driftFor } from '../../allocation/queries/decision-drift.js';
import { NATIONAL_REQUESTS } from '../../national-requests/projections/national-requests.projector.js';
import { NationalRequestsQuery } from '../../national-requests/queries/national-requests.js';

const FORMATS = ['json', 'csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];
const MEDIA_TYPES: Record<Format, string> = { json: 'application/json', csv: 'text/csv', xlsx: XLSX };

export class SituationQueryDto extends ReadQueryDto {
  @ApiProperty({ pattern: '^[0-9]{2}$', example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Business time the picture describes, with its offset; now when omitted' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    enum: FORMATS,
    description:
      'The answer’s form, for a link that cannot set `Accept`: `json`, `csv` or `xlsx` (an Excel workbook). Wins over ' + '`Accept` when both are given.',
  })
  @IsOptional()
  @IsIn(FORMATS, { message: `format must be one of ${FORMATS.join(', ')}` })
  format?: Format;
}

interface ApprovedRoundRow {
  allocation_id: string;
  decided_at: Date;
  as_of: Date;
  outputs: RoundOutputsData;
  plan: { municipality: string; item: string; quantity: number }[];
}

/**
 * Unmet need per municipality and item after an approved round: what the policy judged it needs less
 * what the meeting approved for it (the plan, amendments included).
 */
const unmetAfter = (round: ApprovedRoundRow | undefined): Map<string, Map<string, number>> => {
  const unmet = new Map<string, Map<string, number>>();
  if (!round) return unmet;
  const planned = new Map(round.plan.map((l) => [`${l.municipality}/${l.item}`, l.quantity]));
  for (const line of round.outputs.lines) {
    const units = Math.max(0, line.need - (planned.get(`${line.municipality}/${line.item}`) ?? 0));
    if (units === 0) continue;
    const items = unmet.get(line.municipality) ?? new Map<string, number>();
    items.set(line.item, units);
    unmet.set(line.municipality, items);
  }
  return unmet;
};

const CSV_COLUMNS = [
  'county',
  'as_of',
  'municipality',
  'municipality_name',
  'infections',
  'last_reported_at',
  'municipality_status',
  'item',
  'projected',
  'days_of_supply',
  'item_status',
  'unmet_need',
  'drifted_rounds',
] as const;

export class SituationItemDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Projected stock; null for an item it has unmet need of but no stock figures' })
  readonly projected: number | null;
  @ApiProperty({ type: 'number', minimum: 0, nullable: true })
  readonly daysOfSupply: number | null;
  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus' })
  readonly status: StockStatus;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Need left unmet by the latest approved round (need less what was approved)' })
  readonly unmetNeed: number;
}

export class SituationMunicipalityDto {
  @ApiProperty({ example: '0115' })
  readonly code: string;
  @ApiProperty({ example: 'Vallentuna' })
  readonly name: string;
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Confirmed infections of its latest report at `asOf`' })
  readonly infections: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  readonly lastReportedAt: string | null;
  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus' })
  readonly status: StockStatus;
  @ApiProperty({ type: () => [SituationItemDto] })
  readonly items: readonly SituationItemDto[];
  @ApiProperty({ type: 'string', format: 'uuid', isArray: true, description: 'Approved rounds whose inputs of this municipality have drifted' })
  readonly driftedRounds: readonly string[];
}

export class LatestRoundDto {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;
  @ApiProperty({ format: 'date-time', description: 'When the meeting decided' })
  readonly decidedAt: string;
  @ApiProperty({ format: 'date-time', description: 'The business time its inputs were projected to' })
  readonly asOf: string;
}

export class OpenNationalRequestDto {
  @ApiProperty({ format: 'uuid' })
  readonly requestId: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  readonly allocationId: string | null;
  @ApiProperty({ format: 'date-time' })
  readonly raisedAt: string;
  @ApiProperty({ type: () => [SituationRequestLineDto] })
  readonly lines: readonly SituationRequestLineDto[];
}

export class SituationRequestLineDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiCount()
  readonly quantity: number;
}

export class RoundDriftDto extends DriftDto {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;
}

export class ItemUnitsDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiCount()
  readonly units: number;
}

export class SituationTotalsDto {
  @ApiCount()
  readonly infections: number;
  @ApiProperty({ type: () => StatusSummaryDto, description: 'How many municipalities are in each status' })
  readonly municipalities: StatusSummaryDto;
  @ApiProperty({ type: () => [ItemUnitsDto] })
  readonly unmetNeed: readonly ItemUnitsDto[];
  @ApiCount()
  readonly openNationalRequests: number;
}

@ApiExtraModels(LatestRoundDto)
export class SituationPictureDto {
  @ApiProperty({ type: () => CountyRefDto })
  readonly county: CountyRefDto;
  @ApiProperty({ format: 'date-time' })
  readonly asOf: string;
  @ApiProperty({ type: () => StockThresholdsDto })
  readonly thresholds: StockThresholdsDto;
  @ApiProperty(nullableRef(() => LatestRoundDto, { description: 'The latest approved round at `asOf`; null when none' }))
  readonly round: LatestRoundDto | null;
  @ApiProperty({ type: () => [SituationMunicipalityDto] })
  readonly municipalities: readonly SituationMunicipalityDto[];
  @ApiProperty({ type: () => [OpenNationalRequestDto], description: 'National requests still open at `asOf`' })
  readonly nationalRequests: readonly OpenNationalRequestDto[];
  @ApiProperty({ type: () => [RoundDriftDto], description: 'Approved rounds whose inputs have drifted since' })
  readonly drift: readonly RoundDriftDto[];
  @ApiProperty({ type: () => SituationTotalsDto })
  readonly totals: SituationTotalsDto;
}

/** Statuses as Swedish staff say them, in the spreadsheet. */
const STATUS_SV: Record<StockStatus, string> = { out: 'slut', critical: 'kritisk', low: 'låg', unknown: 'okänd', ok: 'ok' };

/** An instant as Stockholm's wall clock, for a spreadsheet cell (Excel has no time zones: it shows what it is given). */
const stockholmTime = (iso: string | null): Date | null => {
  if (iso === null) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Stockholm',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return new Date(Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!));
};

interface SheetRow {
  readonly municipality: SituationMunicipalityDto;
  readonly item: SituationItemDto | undefined;
}

const TIME = 'yyyy-mm-dd hh:mm';

/** The spreadsheet's columns: one row per municipality and item, as the CSV. */
const SHEET_COLUMNS: readonly SheetColumn<SheetRow>[] = [
  { header: 'Kommunkod', value: (r) => r.municipality.code, width: 11 },
  { header: 'Kommun', value: (r) => r.municipality.name, width: 20 },
  { header: 'Smittade', value: (r) => r.municipality.infections, format: '# ##0', width: 10 },
  { header: 'Senast rapporterad (svensk tid)', value: (r) => stockholmTime(r.municipality.lastReportedAt), format: TIME, width: 20 },
  { header: 'Status', value: (r) => STATUS_SV[r.municipality.status], width: 10 },
  { header: 'Artikel', value: (r) => r.item?.item, width: 18 },
  { header: 'Prognos (st)', value: (r) => r.item?.projected, format: '# ##0', width: 12 },
  { header: 'Dagar i lager', value: (r) => r.item?.daysOfSupply, format: '0.0', width: 12 },
  { header: 'Artikelstatus', value: (r) => (r.item ? STATUS_SV[r.item.status] : null), width: 12 },
  { header: 'Ej täckt behov (st)', value: (r) => r.item?.unmetNeed, format: '# ##0', width: 16 },
  { header: 'Beslut med avvikelser', value: (r) => r.municipality.driftedRounds.join(' '), width: 40 },
];

@ApiTags('situation')
@ApiBearerAuth()
@Controller('situation')
export class SituationPictureController {
  constructor(
    private readonly stock: MunicipalityStockQuery,
    private readonly requests: NationalRequestsQuery,
    private readonly reference: ReferenceData,
    private readonly db: DataSource,
  ) {}

  @Get()
  @ReadsFrom(MUNICIPALITY_STOCK, NATIONAL_REQUESTS, DECISION_DRIFT)
  @ApiProduces('application/json', 'text/csv', XLSX)
  @ApiOperation({
    operationId: 'getSituationPicture',
    summary: 'The situation picture (lägesbild) of a county, now or as of a past business time',
    description:
      'Per municipality: confirmed infections (latest report at or before `asOf`), stock status and days of supply per item, ' +
      'unmet need after the latest approved allocation round (need less what was approved), open national requests, and ' +
      'the approved rounds whose inputs have drifted since. County totals. With `Accept: text/csv` (or `?format=csv`), one ' +
      'row per municipality and item; with `Accept: ' +
      XLSX +
      '` (or `?format=xlsx`), the same rows as an Excel workbook ' +
      'with Swedish column names (Kommun, Smittade, Status, Ej täckt behov …) and times in Swedish time.',
  })
  @ApiOkResponse({
    description: 'The picture; as CSV or an Excel workbook when asked for (a file to save: `Content-Disposition: attachment`)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SituationPictureDto) } },
      'text/csv': {
        schema: { type: 'string', description: `UTF-8 with a byte order mark; columns: ${CSV_COLUMNS.join(', ')}` },
      },
      [XLSX]: { schema: { type: 'string', format: 'binary', description: 'An Excel workbook of one sheet, Lägesbild' } },
    },
  })
  @ApiExtraModels(SituationPictureDto)
  async picture(@Query() query: SituationQueryDto, @Req() request: Request): Promise<SituationPictureDto | StreamableFile> {
    const picture = await this.compose(query.county, businessTime(query.asOf, 'asOf', new Date()));
    const format = query.format ?? FORMATS.find((f) => MEDIA_TYPES[f] === request.accepts(Object.values(MEDIA_TYPES))) ?? 'json';
    if (format === 'csv') return this.csv(picture);
    if (format === 'xlsx') return this.xlsx(picture);
    return picture;
  }

  private async compose(county: string, asOf: Date): Promise<SituationPictureDto> {
    const municipalities = this.reference.municipalitiesOf(county);
    const stock = await this.stock.forMunicipalities(
      municipalities.map((m) => m.code),
      { asOf },
    );
    const approved: ApprovedRoundRow[] = await this.db.query(
      `SELECT allocation_id, decided_at, as_of, outputs, plan FROM decision_drift_rounds
        WHERE county = $1 AND status = 'approved' AND decided_at <= $2
        ORDER BY decided_at DESC, decided_position DESC`,
      [county, asOf.toISOString()],
    );
    const latest = approved[0];
    const unmet = unmetAfter(latest);
    const drift = await driftFor(
      this.db,
      approved.map((r) => r.allocation_id),
    );
    const driftedRounds = (code: string) => [...drift.entries()].filter(([, d]) => d.differences.some((x) => x.municipality === code)).map(([id]) => id);
    const open = (await this.requests.ofCounty(county, asOf)).filter((r) => r.status === 'open');

    const rows = municipalities.map((m, i) => {
      const s = stock[i]!;
      const mine = unmet.get(m.code) ?? new Map<string, number>();
      const items = [...new Set([...s.items.map((x) => x.item), ...mine.keys()])].map((item) => {
        const known = s.items.find((x) => x.item === item);
        return {
          item,
          projected: known?.projected ?? null,
          daysOfSupply: known?.daysOfSupply ?? null,
          status: (known?.status ?? 'unknown') as StockStatus,
          unmetNeed: mine.get(item) ?? 0,
        };
      });
      return {
        code: m.code,
        name: m.name,
        infections: s.lastReport?.infections ?? null,
        lastReportedAt: s.lastReport?.reportedAt ?? null,
        status: s.status,
        items,
        driftedRounds: driftedRounds(m.code),
      };
    });

    const unmetTotals = new Map<string, number>();
    for (const items of unmet.values()) for (const [item, units] of items) unmetTotals.set(item, (unmetTotals.get(item) ?? 0) + units);
    return {
      county: { code: county, name: this.reference.county(county)!.name },
      asOf: asOf.toISOString(),
      thresholds: this.stock.thresholds,
      round: latest ? { allocationId: latest.allocation_id, decidedAt: latest.decided_at.toISOString(), asOf: latest.as_of.toISOString() } : null,
      municipalities: rows,
      nationalRequests: open.map((r) => ({
        requestId: r.requestId,
        allocationId: r.allocationId,
        raisedAt: r.raised.at,
        lines: r.lines.map(({ item, quantity }) => ({ item, quantity })),
      })),
      drift: [...drift.entries()].map(([allocationId, d]): RoundDriftDto => ({ allocationId, ...d })),
      totals: {
        infections: rows.reduce((sum, r) => sum + (r.infections ?? 0), 0),
        municipalities: Object.fromEntries(STOCK_STATUSES.map((status) => [status, rows.filter((r) => r.status === status).length])) as Record<
          StockStatus,
          number
        >,
        unmetNeed: [...unmetTotals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([item, units]) => ({ item, units })),
        openNationalRequests: open.length,
      },
    };
  }

  private csv(picture: SituationPictureDto): StreamableFile {
    const lines = [CSV_COLUMNS.join(',')];
    for (const m of picture.municipalities) {
      const items = m.items.length > 0 ? m.items : [undefined];
      for (const item of items) {
        lines.push(
          [
            picture.county.code,
            picture.asOf,
            m.code,
            m.name,
            m.infections,
            m.lastReportedAt,
            m.status,
            item?.item,
            item?.projected,
            item?.daysOfSupply,
            item?.status,
            item?.unmetNeed,
            m.driftedRounds.join(' '),
          ]
            .map(csvField)
            .join(','),
        );
      }
    }
    return new StreamableFile(Readable.from([`\uFEFF${lines.join('\r\n')}\r\n`]), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="situation-${picture.county.code}.csv"`,
    });
  }

  /** The CSV's rows as an Excel workbook with Swedish column names; one sheet, bounded by the county's size. */
  private async xlsx(picture: SituationPictureDto): Promise<StreamableFile> {
    const rows = picture.municipalities.flatMap((municipality): SheetRow[] =>
      municipality.items.length > 0 ? municipality.items.map((item) => ({ municipality, item })) : [{ municipality, item: undefined }],
    );
    const day = stockholmTime(picture.asOf)!.toISOString().slice(0, 10);
    return new StreamableFile(await spreadsheet('Lägesbild', SHEET_COLUMNS, rows), {
      type: XLSX,
      disposition: `attachment; filename="lagesbild-${picture.county.code}-${day}.xlsx"`,
    });
  }
}
