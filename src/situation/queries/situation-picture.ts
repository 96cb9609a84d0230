import { Readable } from 'node:stream';
import { Controller, Get, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { csvField } from '../../deliveries/queries/delivery-history.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { businessTime, IsInstant } from '../../http/request-fields.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { STOCK_STATUSES, type StockStatus } from '../../stock/domain/projected-stock.js';
import { MUNICIPALITY_STOCK } from '../../stock/projections/municipality-stock.projector.js';
import { MunicipalityStockQuery } from '../../stock/queries/municipality-stock.js';
import type { RoundOutputsData } from '../../allocation/domain/allocation.events.js';
import { DECISION_DRIFT } from '../../allocation/projections/decision-drift.projector.js';
import { type DriftSummary, driftFor } from '../../allocation/queries/decision-drift.js';
import { NATIONAL_REQUESTS } from '../../national-requests/projections/national-requests.projector.js';
import { NationalRequestsQuery } from '../../national-requests/queries/national-requests.js';

export class SituationQueryDto extends ReadQueryDto {
  @ApiProperty({ example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ example: '2026-03-06T12:00:00+01:00', description: 'Business time the picture describes; now when omitted' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
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

const EXAMPLE = {
  county: { code: '01', name: 'Stockholms län' },
  asOf: '2026-03-06T11:00:00.000Z',
  thresholds: { criticalDays: 3, lowDays: 7 },
  round: { allocationId: '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10', decidedAt: '2026-03-05T14:00:00.000Z', asOf: '2026-03-05T09:00:00.000Z' },
  municipalities: [
    {
      code: '0115',
      name: 'Vallentuna',
      infections: 7,
      lastReportedAt: '2026-03-04T07:00:00.000Z',
      status: 'critical',
      items: [{ item: 'FFP2', projected: 200, daysOfSupply: 2, status: 'critical', unmetNeed: 1200 }],
      driftedRounds: ['5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10'],
    },
  ],
  nationalRequests: [
    { requestId: '5e2b7c3a-9d1f-4e6a-8b0c-1a2d3e4f5a6b', allocationId: null, raisedAt: '2026-03-05T15:00:00.000Z', lines: [{ item: 'FFP2', quantity: 1200 }] },
  ],
  drift: [
    {
      allocationId: '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10',
      drifted: true,
      detectedAt: '2026-03-06T08:00:00.000Z',
      causedBy: { eventId: '1f2e…', position: '751000052', type: 'SituationReportCorrected', streamId: 'municipality-0115' },
      differences: [{ municipality: '0115', item: 'FFP2', field: 'projectedStock', recorded: 650, now: 600 }],
    },
  ],
  totals: {
    infections: 7,
    municipalities: { out: 0, critical: 1, low: 0, unknown: 25, ok: 0 },
    unmetNeed: [{ item: 'FFP2', units: 1200 }],
    openNationalRequests: 1,
  },
};

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
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary: 'The situation picture (lägesbild) of a county, now or as of a past business time',
    description:
      'Per municipality: confirmed infections (latest report at or before `asOf`), stock status and days of supply per item, ' +
      'unmet need after the latest approved allocation round (need less what was approved), open national requests, and ' +
      'the approved rounds whose inputs have drifted since. County totals. With `Accept: text/csv`, one row per municipality ' +
      'and item.',
  })
  @ApiOkResponse({
    content: {
      'application/json': { example: EXAMPLE },
      'text/csv': {
        example: `${CSV_COLUMNS.join(',')}\r\n01,2026-03-06T11:00:00.000Z,0115,Vallentuna,7,2026-03-04T07:00:00.000Z,critical,FFP2,200,2,critical,1200,5d2f8a61-…\r\n`,
      },
    },
  })
  async picture(@Query() query: SituationQueryDto, @Req() request: Request) {
    const picture = await this.compose(query.county, businessTime(query.asOf, 'asOf', new Date()));
    if (request.accepts(['application/json', 'text/csv']) === 'text/csv') return this.csv(picture);
    return picture;
  }

  private async compose(county: string, asOf: Date) {
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
      drift: [...drift.entries()].map(([allocationId, d]): { allocationId: string } & DriftSummary => ({ allocationId, ...d })),
      totals: {
        infections: rows.reduce((sum, r) => sum + (r.infections ?? 0), 0),
        municipalities: Object.fromEntries(STOCK_STATUSES.map((status) => [status, rows.filter((r) => r.status === status).length])),
        unmetNeed: [...unmetTotals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([item, units]) => ({ item, units })),
        openNationalRequests: open.length,
      },
    };
  }

  private csv(picture: Awaited<ReturnType<SituationPictureController['compose']>>): StreamableFile {
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
}
