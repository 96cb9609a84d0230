import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsInstant } from '../../http/request-fields.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { ProjectionLaggingException } from '../../http/problem-details.filter.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ProjectionsService } from '../../projections/projections.service.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';
import { STOCK_STATUSES, type StockStatus } from '../domain/projected-stock.js';
import { MUNICIPALITY_STOCK, MunicipalityStockQuery, type StockMoment } from '../projections/municipality-stock.js';
import { MAX_LOG_POSITION } from '../../event-store/event-store.js';

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
      'Each municipality’s status is its worst item’s (out, critical, low, unknown, ok in that order); a municipality that ' +
      'never reported is `unknown`.',
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
      const positions = Object.fromEntries(this.projections.status().filter((s) => behind.includes(s.name)).map((s) => [s.name, s.position]));
      throw new ProjectionLaggingException(target.toString(), positions);
    }
    return { asOf, knownAt };
  }
}
