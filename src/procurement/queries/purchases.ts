import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentActor } from '../../auth/current-actor.js';
import { ApiInstant } from '../../http/api-properties.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import type { Actor } from '../../shared/actor.js';
import { PURCHASES, type PurchaseRowLine } from '../projections/purchases.projector.js';
import { PURCHASE_STATUSES, PurchaseDto, type PurchaseStatus } from './get-purchase.js';

/** `open`: still expecting goods (ordered or partially received); or one status exactly. */
const STATUS_FILTERS = ['open', ...PURCHASE_STATUSES] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];

export class PurchasesQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ pattern: '^[0-9]{2}$', example: '01', description: 'County code; the county of the caller’s token when omitted' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county?: string;

  @ApiPropertyOptional({ enum: STATUS_FILTERS, description: '`open`: ordered or partially received; otherwise that status only. Every order when omitted' })
  @IsOptional()
  @IsIn(STATUS_FILTERS)
  status?: StatusFilter;
}

export class OrderedByDto {
  @ApiProperty({ example: 'u-4711', description: 'The token’s subject' })
  sub: string;

  @ApiProperty({ example: 'Anna Inköp', description: 'The name the token carried; the subject when none' })
  name: string;
}

/** A purchase in the list: the fields of its own view (GET /api/purchases/{id}) but its receipts, with when goods last came. */
export class PurchaseSummaryDto extends PickType(PurchaseDto, [
  'purchaseId',
  'supplier',
  'warehouseId',
  'status',
  'expectedAt',
  'orderedAt',
  'lines',
  'position',
] as const) {
  @ApiProperty({ type: () => OrderedByDto })
  orderedBy: OrderedByDto;

  @ApiInstant({ nullable: true, description: 'When goods last arrived against it; null before any' })
  lastReceivedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why it was cancelled; null unless cancelled' })
  cancelReason: string | null;
}

export class PurchasesDto {
  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  county: string;

  @ApiProperty({ type: () => [PurchaseSummaryDto], description: 'Newest order first' })
  purchases: PurchaseSummaryDto[];
}

interface PurchaseRow {
  purchase_id: string;
  warehouse_id: string;
  supplier: string;
  expected_at: Date | null;
  ordered_at: Date;
  ordered_by: string;
  ordered_by_name: string | null;
  lines: PurchaseRowLine[];
  last_received_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  position: string;
}

/** The same rule as a purchase's own view: cancelled, else received once every ordered line has come, else partially once anything has. */
const statusOf = (row: PurchaseRow): PurchaseStatus => {
  if (row.cancelled_at) return 'cancelled';
  const ordered = row.lines.filter((l) => l.ordered > 0);
  if (ordered.every((l) => l.received >= l.ordered)) return 'received';
  return row.lines.some((l) => l.received > 0) ? 'partially-received' : 'ordered';
};

const toSummary = (row: PurchaseRow): PurchaseSummaryDto => ({
  purchaseId: row.purchase_id,
  supplier: row.supplier,
  warehouseId: row.warehouse_id,
  status: statusOf(row),
  expectedAt: row.expected_at?.toISOString() ?? null,
  orderedAt: row.ordered_at.toISOString(),
  orderedBy: { sub: row.ordered_by, name: row.ordered_by_name ?? row.ordered_by },
  lines: row.lines.map((l) => ({
    item: l.item,
    ordered: l.ordered,
    received: l.received,
    outstanding: row.cancelled_at ? 0 : Math.max(0, l.ordered - l.received),
  })),
  lastReceivedAt: row.last_received_at?.toISOString() ?? null,
  cancelReason: row.cancel_reason,
  position: row.position,
});

@Injectable()
export class PurchasesQuery {
  constructor(private readonly db: DataSource) {}

  async ofCounty(county: string, status?: StatusFilter): Promise<PurchaseSummaryDto[]> {
    const rows: PurchaseRow[] = await this.db.query('SELECT * FROM purchases WHERE county = $1 ORDER BY ordered_at DESC, purchase_id', [county]);
    const all = rows.map(toSummary);
    if (status === undefined) return all;
    if (status === 'open') return all.filter((p) => p.status === 'ordered' || p.status === 'partially-received');
    return all.filter((p) => p.status === status);
  }
}

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('purchases')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesQuery) {}

  @Get()
  @ReadsFrom(PURCHASES)
  @ApiOperation({
    operationId: 'listPurchases',
    summary: 'A county’s purchase orders: ordered, received and outstanding per line',
    description:
      'Newest order first. For the region, the warehouse (to receive against an open order), the county board and auditors. ' +
      'Without `county`, the county of the caller’s token.',
  })
  @ApiOkResponse({ type: PurchasesDto })
  async list(@Query() query: PurchasesQueryDto, @CurrentActor() actor: Actor): Promise<PurchasesDto> {
    // The guard has checked `county` against the token, or that the token names one when it is omitted.
    const county = query.county ?? actor.county!;
    return { county, purchases: await this.purchases.ofCounty(county, query.status) };
  }
}
