import { Controller, Get, Inject, Injectable, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentActor } from '../../auth/current-actor.js';
import { IsInstant } from '../../http/request-fields.js';
import { ApiCount, nullableRef } from '../../http/api-properties.js';
import type { Actor } from '../../shared/actor.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { EVENT_STORE, type EventStore, MAX_LOG_POSITION } from '../../event-store/event-store.js';
import { ProjectionLaggingException } from '../../http/problem-details.filter.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ProjectionsService } from '../../projections/projections.service.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';
import { projectStock, STOCK_STATUSES, type StockStatus, type StockThresholds, worstStatus } from '../domain/projected-stock.js';
import { MUNICIPALITY_STOCK } from '../projections/municipality-stock.projector.js';

const POSITION = /^\d{1,19}$/;
const POSITION_SCHEMA = { type: 'string', pattern: '^[0-9]{1,19}$' } as const;

export class StockMomentQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Business time to project the stock at, with its offset; now when omitted' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    ...POSITION_SCHEMA,
    description:
      'Audit: only what the log held at this position (a write’s `position`, a decimal string), e.g. what an allocation ' +
      'decided at that position saw; everything recorded when omitted',
  })
  @IsOptional()
  @Matches(POSITION, { message: 'knownAt must be a log position (a decimal string)' })
  knownAt?: string;
}

export class CountyStockQueryDto extends StockMomentQueryDto {
  @ApiPropertyOptional({
    pattern: '^[0-9]{2}$',
    description: 'County code; the county of the caller’s token when omitted (required for a token without a county)',
  })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county?: string;
}

const summaryOf = (statuses: readonly StockStatus[]): StatusSummaryDto =>
  Object.fromEntries(STOCK_STATUSES.map((s) => [s, statuses.filter((x) => x === s).length])) as Record<StockStatus, number>;

/** The moment a stock is asked for: a business time, and optionally a log position it is known at. */
export interface StockMoment {
  readonly asOf: Date;
  /** Only what the log held at this position; everything recorded when omitted. */
  readonly knownAt?: bigint;
}

export class LastCountedDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 600, description: 'Units on hand the report counted' })
  readonly onHand: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-04T07:00:00.000Z', description: 'When the count was made (the report’s business time)' })
  readonly countedAt: string;

  @ApiProperty({ format: 'uuid', description: 'The report that counted it' })
  readonly reportId: string;
}

export class ItemStockDto {
  @ApiProperty({ example: 'FFP2', description: 'Item code' })
  readonly item: string;

  @ApiProperty(nullableRef(() => LastCountedDto, { description: 'The latest count at `asOf`; null when never counted' }))
  readonly lastCounted: LastCountedDto | null;

  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, example: 300, description: 'What the latest report asked for; null when never counted' })
  readonly requested: number | null;

  @ApiProperty({
    type: 'number',
    minimum: 0,
    nullable: true,
    example: 100,
    description: 'Units a day (two decimals) over the span the last report covers; null until a second report gives one',
  })
  readonly dailyUse: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 450, description: 'Accepted from deliveries received after the count' })
  readonly deliveredSince: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Dispatched and not yet received' })
  readonly inTransit: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 250, description: 'Estimated use since the count, whole units (0 while daily use is unknown)' })
  readonly estimatedUseSince: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 800, description: 'Counted + delivered since − estimated use since, never below 0' })
  readonly projected: number;

  @ApiProperty({
    type: 'number',
    minimum: 0,
    nullable: true,
    example: 8,
    description: 'Days the projected stock lasts, rounded down to a tenth; null when daily use is unknown or zero',
  })
  readonly daysOfSupply: number | null;

  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus', example: 'ok' })
  readonly status: StockStatus;

  @ApiPropertyOptional({ type: [String], description: 'Caveats of the figures, e.g. that daily use is not known yet' })
  readonly notes?: readonly string[];
}

export class LastReportDto {
  @ApiProperty({ format: 'uuid' })
  readonly reportId: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-04T07:00:00.000Z' })
  readonly reportedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 7, description: 'Confirmed infections in its care homes' })
  readonly infections: number;

  /** Its figures are a correction's, not the original report's. */
  @ApiProperty({ description: 'Its figures are a correction’s, not the original report’s' })
  readonly corrected: boolean;
}

export interface MunicipalityStock {
  readonly municipality: string;
  /** Worst item status; `unknown` when nothing is known. */
  readonly status: StockStatus;
  readonly lastReport: LastReportDto | null;
  readonly items: readonly ItemStockDto[];
}

export class StockThresholdsDto implements StockThresholds {
  @ApiProperty({ type: 'number', example: 3, description: 'Under this many days of supply an item is critical' })
  readonly criticalDays: number;

  @ApiProperty({ type: 'number', example: 7, description: 'Under this many days of supply an item is low' })
  readonly lowDays: number;
}

/** How many municipalities are in each status. */
export class StatusSummaryDto implements Record<StockStatus, number> {
  @ApiCount()
  readonly out: number;
  @ApiCount()
  readonly critical: number;
  @ApiCount()
  readonly low: number;
  @ApiCount()
  readonly unknown: number;
  @ApiCount()
  readonly ok: number;
}

/** When a stock answer was computed for, and with which thresholds. */
export class StockMomentEchoDto {
  @ApiProperty({ format: 'date-time', description: 'The business time the stock is projected to' })
  readonly asOf: string;

  @ApiProperty({ ...POSITION_SCHEMA, nullable: true, description: 'The log position asked for with `knownAt`; null when everything recorded counts' })
  readonly knownAt: string | null;

  @ApiProperty({ type: () => StockThresholdsDto })
  readonly thresholds: StockThresholdsDto;
}

export class MunicipalityRefDto {
  @ApiProperty({ example: '0115' })
  readonly code: string;
  @ApiProperty({ example: 'Vallentuna' })
  readonly name: string;
  @ApiProperty({ example: '01', description: 'County code' })
  readonly county: string;
}

@ApiExtraModels(LastCountedDto, LastReportDto)
export class MunicipalityStockDto extends StockMomentEchoDto {
  @ApiProperty({ type: () => MunicipalityRefDto })
  readonly municipality: MunicipalityRefDto;

  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus', description: 'The worst item’s status; `unknown` when nothing is known' })
  readonly status: StockStatus;

  @ApiProperty(nullableRef(() => LastReportDto, { description: 'Its latest report at `asOf`; null when it never reported' }))
  readonly lastReport: LastReportDto | null;

  @ApiProperty({ type: () => [ItemStockDto], description: 'Per item with any data, in catalogue order' })
  readonly items: readonly ItemStockDto[];
}

export class CountyRefDto {
  @ApiProperty({ example: '01' })
  readonly code: string;
  @ApiProperty({ example: 'Stockholms län' })
  readonly name: string;
}

export class CountyItemStockDto implements Pick<ItemStockDto, 'item' | 'projected' | 'daysOfSupply' | 'status'> {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 800 })
  readonly projected: number;
  @ApiProperty({ type: 'number', minimum: 0, nullable: true, example: 8 })
  readonly daysOfSupply: number | null;
  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus' })
  readonly status: StockStatus;
}

export class CountyMunicipalityStockDto {
  @ApiProperty({ example: '0115' })
  readonly code: string;
  @ApiProperty({ example: 'Vallentuna' })
  readonly name: string;
  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus', description: 'Its worst item’s status; `unknown` when it never reported' })
  readonly status: StockStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'Its latest report’s business time; null when it never reported' })
  readonly lastReportedAt: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Confirmed infections of its latest report' })
  readonly infections: number | null;
  @ApiProperty({ type: () => [CountyItemStockDto] })
  readonly items: readonly CountyItemStockDto[];
}

export class CountyStockDto extends StockMomentEchoDto {
  @ApiProperty({ type: () => CountyRefDto })
  readonly county: CountyRefDto;
  @ApiProperty({ type: () => StatusSummaryDto, description: 'How many municipalities are in each status' })
  readonly summary: StatusSummaryDto;
  @ApiProperty({ type: () => [CountyMunicipalityStockDto] })
  readonly municipalities: readonly CountyMunicipalityStockDto[];
}

/** A report version, or a line of one, is the newest of its report as known at $3. */
const NEWEST_AT = (alias: string) => `${alias}.position <= $3 AND (${alias}.superseded_at IS NULL OR ${alias}.superseded_at > $3)`;

/**
 * Per (municipality, item) with any data: the latest count at $2 as known at $3, the report before
 * it, what was accepted since it, and what was on its way. Each part reads only what can count: one
 * descent for the count and for the report before, the lines that arrived since the count, and for
 * what was in transit the lines never received and those that left within the longest transit
 * before $2 (with $3 given — an audit — every line that left by $2, since a receipt recorded after
 * $3 may be of any age).
 */
const FACTS = `
  SELECT i.municipality, i.item, c.report_id, c.reported_at, p.reported_at AS previous_at, c.on_hand, c.used_since_last, c.requested,
         coalesce(arrived.total, 0)::text AS delivered_since,
         (coalesce(unreceived.total, 0) + coalesce(later.total, 0))::text AS in_transit
    FROM stock_items i
    LEFT JOIN LATERAL (
      SELECT l.report_id, l.reported_at, l.on_hand, l.used_since_last, l.requested
        FROM stock_report_lines l
       WHERE l.municipality = i.municipality AND l.item = i.item AND l.reported_at <= $2 AND ${NEWEST_AT('l')}
       ORDER BY l.reported_at DESC, l.report_id DESC
       LIMIT 1
    ) c ON true
    LEFT JOIN LATERAL (
      SELECT v.reported_at
        FROM stock_report_versions v
       WHERE v.municipality = i.municipality AND (v.reported_at, v.report_id) < (c.reported_at, c.report_id) AND ${NEWEST_AT('v')}
       ORDER BY v.reported_at DESC, v.report_id DESC
       LIMIT 1
    ) p ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.accepted) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item
         AND d.received_at <= $2 AND d.received_at > coalesce(c.reported_at, '-infinity') AND d.receipt_position <= $3
    ) arrived ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.quantity) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at IS NULL
         AND d.dispatched_at <= $2 AND d.dispatch_position <= $3
    ) unreceived ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.quantity) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at IS NOT NULL
         AND d.dispatched_at <= $2 AND d.dispatch_position <= $3
         AND d.dispatched_at >= CASE WHEN $3::bigint < ${MAX_LOG_POSITION} THEN '-infinity' ELSE $2::timestamptz - coalesce(i.longest_transit, interval '0') END
         AND NOT (d.received_at <= $2 AND d.receipt_position <= $3)
    ) later ON true
   WHERE i.municipality = ANY ($1::text[])
     AND (c.report_id IS NOT NULL
          OR EXISTS (SELECT 1 FROM stock_deliveries d
                      WHERE d.municipality = i.municipality AND d.item = i.item AND d.dispatched_at <= $2 AND d.dispatch_position <= $3)
          OR EXISTS (SELECT 1 FROM stock_deliveries d
                      WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at <= $2 AND d.receipt_position <= $3))`;

/** Per municipality: its latest report at $2 as known at $3, and whether a correction stated it. */
const LAST_REPORTS = `
  SELECT m.code AS municipality, v.report_id, v.reported_at, v.infections,
         EXISTS (SELECT 1 FROM stock_report_versions o WHERE o.report_id = v.report_id AND o.event_id <> v.event_id AND o.position <= $3) AS corrected
    FROM unnest($1::text[]) AS m(code)
   CROSS JOIN LATERAL (
     SELECT v.report_id, v.event_id, v.reported_at, v.infections
       FROM stock_report_versions v
      WHERE v.municipality = m.code AND v.reported_at <= $2 AND ${NEWEST_AT('v')}
      ORDER BY v.reported_at DESC, v.report_id DESC
      LIMIT 1
   ) v`;

/** One (municipality, item) of the stock query: its latest count and what arrived and left since. */
export interface FactsRow {
  municipality: string;
  item: string;
  report_id: string | null;
  reported_at: Date | null;
  previous_at: Date | null;
  on_hand: number | null;
  used_since_last: number | null;
  requested: number | null;
  delivered_since: string;
  in_transit: string;
}

export interface LastReportRow {
  municipality: string;
  report_id: string;
  reported_at: Date;
  infections: number;
  corrected: boolean;
}

/**
 * Each municipality's projected stock per item at a moment, from the read model's history. Used by
 * the stock reads, and open to any context that needs the figures an allocation would see.
 */
@Injectable()
export class MunicipalityStockQuery {
  constructor(
    protected readonly db: DataSource,
    private readonly reference: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get thresholds(): StockThresholds {
    return { criticalDays: this.config.STOCK_CRITICAL_DAYS, lowDays: this.config.STOCK_LOW_DAYS };
  }

  /** One entry per municipality asked for, in the order asked, those with no data included. */
  async forMunicipalities(codes: readonly string[], moment: StockMoment): Promise<MunicipalityStock[]> {
    const params = [codes, moment.asOf.toISOString(), moment.knownAt?.toString() ?? MAX_LOG_POSITION.toString()] as const;
    const [facts, lastReports] = await this.rows(params);
    const catalogueOrder = new Map(this.reference.items.map((item, i) => [item.code, i]));
    const order = (item: string) => catalogueOrder.get(item) ?? Number.MAX_SAFE_INTEGER;
    return codes.map((code) => {
      const items = facts
        .filter((row) => row.municipality === code)
        .sort((a, b) => order(a.item) - order(b.item) || a.item.localeCompare(b.item))
        .map((row) => this.itemStock(row, moment.asOf));
      const last = lastReports.find((r) => r.municipality === code);
      return {
        municipality: code,
        status: worstStatus(items.map((i) => i.status)),
        lastReport: last
          ? { reportId: last.report_id, reportedAt: last.reported_at.toISOString(), infections: last.infections, corrected: last.corrected }
          : null,
        items,
      };
    });
  }

  /** The rows the stock is computed from; params are the codes, `asOf` and the `knownAt` position. */
  protected rows(params: readonly [readonly string[], string, string]): Promise<[FactsRow[], LastReportRow[]]> {
    return Promise.all([this.db.query<FactsRow[]>(FACTS, [...params]), this.db.query<LastReportRow[]>(LAST_REPORTS, [...params])]);
  }

  private itemStock(row: FactsRow, asOf: Date): ItemStockDto {
    const lastCount =
      row.report_id === null
        ? undefined
        : {
            reportId: row.report_id,
            countedAt: row.reported_at!,
            onHand: row.on_hand!,
            usedSinceLastReport: row.used_since_last!,
            requested: row.requested!,
            ...(row.previous_at ? { previousReportAt: row.previous_at } : {}),
          };
    const deliveredSince = Number(row.delivered_since);
    const inTransit = Number(row.in_transit);
    const projection = projectStock({ lastCount, deliveredSince, inTransit }, asOf, this.thresholds);
    return {
      item: row.item,
      lastCounted: lastCount ? { onHand: lastCount.onHand, countedAt: lastCount.countedAt.toISOString(), reportId: lastCount.reportId } : null,
      requested: lastCount?.requested ?? null,
      dailyUse: projection.dailyUse,
      deliveredSince,
      inTransit,
      estimatedUseSince: projection.estimatedUseSince,
      projected: projection.projected,
      daysOfSupply: projection.daysOfSupply,
      status: projection.status,
      ...(projection.notes.length > 0 ? { notes: projection.notes } : {}),
    };
  }
}

@ApiTags('stock')
@ApiBearerAuth()
@Controller()
export class StockReadsController {
  constructor(
    private readonly stock: MunicipalityStockQuery,
    private readonly reference: ReferenceData,
    private readonly projections: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('municipalities/:code/stock')
  @ReadsFrom(MUNICIPALITY_STOCK)
  @ApiOperation({
    operationId: 'getMunicipalityStock',
    summary: 'A municipality’s projected stock per item, now or as of a business time',
    description:
      'Per item with any data: last counted stock and when, delivered since, in transit, estimated use since, projected ' +
      'stock, days of supply and status (out / critical / low / ok; unknown when never counted). `dailyUse` is null until a ' +
      'second report gives a span to measure use over; estimated use then counts as 0. See docs/stock.md.',
  })
  @ApiParam({ name: 'code', description: 'Municipality code', example: '0115', schema: { type: 'string', pattern: '^[0-9]{4}$' } })
  @ApiOkResponse({ type: MunicipalityStockDto })
  async municipalityStock(@Param('code') code: string, @Query() query: StockMomentQueryDto): Promise<MunicipalityStockDto> {
    const moment = await this.momentOf(query);
    const [stock] = await this.stock.forMunicipalities([code], moment);
    const municipality = this.reference.municipality(code)!;
    return {
      municipality: { code, name: municipality.name, county: municipality.countyCode },
      ...this.echo(moment),
      status: stock!.status,
      lastReport: stock!.lastReport,
      items: stock!.items,
    };
  }

  @Get('stock')
  @ReadsFrom(MUNICIPALITY_STOCK)
  @ApiOperation({
    operationId: 'getCountyStock',
    summary: 'Every municipality of a county at a glance: projected stock, days of supply and status per item',
    description:
      'Each municipality’s status is its worst item’s (out, critical, low, unknown, ok in that order); a municipality that ' +
      'never reported is `unknown`. Without `county`, the county of the caller’s token (a token without one: 400 naming ' +
      '`county`).',
  })
  @ApiOkResponse({ type: CountyStockDto })
  async countyStock(@Query() query: CountyStockQueryDto, @CurrentActor() actor: Actor): Promise<CountyStockDto> {
    // The guard has checked `county` against the token, or that the token names one when it is omitted.
    const county = query.county ?? actor.county!;
    const moment = await this.momentOf(query);
    const municipalities = this.reference.municipalitiesOf(county);
    const stocks = await this.stock.forMunicipalities(
      municipalities.map((m) => m.code),
      moment,
    );
    return {
      county: { code: county, name: this.reference.county(county)!.name },
      ...this.echo(moment),
      summary: summaryOf(stocks.map((s) => s.status)),
      municipalities: stocks.map((s, i) => ({
        code: s.municipality,
        name: municipalities[i]!.name,
        status: s.status,
        lastReportedAt: s.lastReport?.reportedAt ?? null,
        infections: s.lastReport?.infections ?? null,
        items: s.items.map((item) => ({ item: item.item, projected: item.projected, daysOfSupply: item.daysOfSupply, status: item.status })),
      })),
    };
  }

  private echo(moment: StockMoment): StockMomentEchoDto {
    return {
      asOf: moment.asOf.toISOString(),
      knownAt: moment.knownAt?.toString() ?? null,
      thresholds: this.stock.thresholds,
    };
  }

  /**
   * "As known at" a position is only true once the read model holds everything up to it: wait for
   * that (or for the head of the log, when the position lies beyond it) as `waitFor` would.
   */
  private async momentOf(query: StockMomentQueryDto): Promise<StockMoment> {
    const asOf = query.asOf === undefined ? new Date() : new Date(query.asOf);
    if (query.knownAt === undefined) return { asOf };
    const knownAt = BigInt(query.knownAt);
    if (knownAt > MAX_LOG_POSITION) {
      throw new DomainError('STOCK.BAD_POSITION', 'knownAt is beyond any log position', 'invalid', { field: 'knownAt' });
    }
    const head = await this.store.headPosition();
    const target = knownAt < head ? knownAt : head;
    const behind = await this.projections.waitFor(target, [MUNICIPALITY_STOCK], this.config.WAIT_FOR_TIMEOUT_MS);
    if (behind.length > 0) {
      const positions = Object.fromEntries(
        this.projections
          .status()
          .filter((s) => behind.includes(s.name))
          .map((s) => [s.name, s.position]),
      );
      throw new ProjectionLaggingException(target.toString(), positions);
    }
    return { asOf, knownAt };
  }
}
