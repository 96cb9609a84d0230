import { Controller, Get, Inject, Injectable, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { IsInstant } from '../../http/request-fields.js';
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

export class StockMomentQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ example: '2026-03-06T12:00:00+01:00', description: 'Business time to project the stock at; now when omitted' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    example: '751000003',
    description: 'Audit: only what the log held at this position (a write’s `position`), e.g. what an allocation decided at that position saw',
  })
  @IsOptional()
  @Matches(POSITION, { message: 'knownAt must be a log position (a decimal string)' })
  knownAt?: string;
}

export class CountyStockQueryDto extends StockMomentQueryDto {
  @ApiProperty({ example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;
}

const ITEM_EXAMPLE = {
  item: 'FFP2',
  lastCounted: { onHand: 600, countedAt: '2026-03-04T07:00:00.000Z', reportId: '6f1c…' },
  requested: 300,
  dailyUse: 100,
  deliveredSince: 450,
  inTransit: 0,
  estimatedUseSince: 250,
  projected: 800,
  daysOfSupply: 8,
  status: 'ok',
};

const summaryOf = (statuses: readonly StockStatus[]): Record<StockStatus, number> =>
  Object.fromEntries(STOCK_STATUSES.map((s) => [s, statuses.filter((x) => x === s).length])) as Record<StockStatus, number>;

/** The moment a stock is asked for: a business time, and optionally a log position it is known at. */
export interface StockMoment {
  readonly asOf: Date;
  /** Only what the log held at this position; everything recorded when omitted. */
  readonly knownAt?: bigint;
}

export interface ItemStock {
  readonly item: string;
  readonly lastCounted: { readonly onHand: number; readonly countedAt: string; readonly reportId: string } | null;
  readonly requested: number | null;
  readonly dailyUse: number | null;
  readonly deliveredSince: number;
  readonly inTransit: number;
  readonly estimatedUseSince: number;
  readonly projected: number;
  readonly daysOfSupply: number | null;
  readonly status: StockStatus;
  readonly notes?: readonly string[];
}

export interface LastReport {
  readonly reportId: string;
  readonly reportedAt: string;
  readonly infections: number;
  /** Its figures are a correction's, not the original report's. */
  readonly corrected: boolean;
}

export interface MunicipalityStock {
  readonly municipality: string;
  /** Worst item status; `unknown` when nothing is known. */
  readonly status: StockStatus;
  readonly lastReport: LastReport | null;
  readonly items: readonly ItemStock[];
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

  private itemStock(row: FactsRow, asOf: Date): ItemStock {
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
    summary: 'A municipality’s projected stock per item, now or as of a business time',
    description:
      'Per item with any data: last counted stock and when, delivered since, in transit, estimated use since, projected ' +
      'stock, days of supply and status (out / critical / low / ok; unknown when never counted). `dailyUse` is null until a ' +
      'second report gives a span to measure use over; estimated use then counts as 0. See docs/stock.md.',
  })
  @ApiParam({ name: 'code', description: 'Municipality code', example: '0115' })
  @ApiOkResponse({
    schema: {
      example: {
        municipality: { code: '0115', name: 'Vallentuna', county: '01' },
        asOf: '2026-03-06T11:00:00.000Z',
        knownAt: null,
        thresholds: { criticalDays: 3, lowDays: 7 },
        status: 'ok',
        lastReport: { reportId: '6f1c…', reportedAt: '2026-03-04T07:00:00.000Z', infections: 7, corrected: true },
        items: [ITEM_EXAMPLE],
      },
    },
  })
  async municipalityStock(@Param('code') code: string, @Query() query: StockMomentQueryDto) {
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
    summary: 'Every municipality of a county at a glance: projected stock, days of supply and status per item',
    description:
      'Each municipality’s status is its worst item’s (out, critical, low, unknown, ok in that order); a municipality that ' + 'never reported is `unknown`.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        county: { code: '01', name: 'Stockholms län' },
        asOf: '2026-03-06T11:00:00.000Z',
        knownAt: null,
        thresholds: { criticalDays: 3, lowDays: 7 },
        summary: { out: 0, critical: 1, low: 3, unknown: 2, ok: 20 },
        municipalities: [
          {
            code: '0115',
            name: 'Vallentuna',
            status: 'ok',
            lastReportedAt: '2026-03-04T07:00:00.000Z',
            infections: 7,
            items: [{ item: 'FFP2', projected: 800, daysOfSupply: 8, status: 'ok' }],
          },
        ],
      },
    },
  })
  async countyStock(@Query() query: CountyStockQueryDto) {
    const moment = await this.momentOf(query);
    const municipalities = this.reference.municipalitiesOf(query.county);
    const stocks = await this.stock.forMunicipalities(
      municipalities.map((m) => m.code),
      moment,
    );
    return {
      county: { code: query.county, name: this.reference.county(query.county)!.name },
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

  private echo(moment: StockMoment) {
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
