import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import type { NationalRequestAnsweredData } from '../domain/national-request.events.js';
import { NATIONAL_REQUESTS } from '../projections/national-requests.projector.js';

const STATUSES = ['open', 'answered'] as const;

export class NationalRequestsQueryDto extends ReadQueryDto {
  @ApiProperty({ example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ enum: STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}

interface RequestRow {
  request_id: string;
  county: string;
  allocation_id: string | null;
  lines: { item: string; quantity: number }[];
  note: string | null;
  raised_at: Date;
  raised_by: string;
  raised_by_name: string | null;
  raised_position: string;
  outcome: NationalRequestAnsweredData['outcome'] | null;
  answer_lines: { item: string; quantity: number }[] | null;
  answer_note: string | null;
  answered_at: Date | null;
  answered_by: string | null;
  answered_by_name: string | null;
  answer_position: string | null;
}

interface ReceiptRow {
  receipt_id: string;
  request_id: string;
  item: string;
  warehouse_id: string;
  quantity: number;
  received_at: Date;
  position: string;
}

export interface NationalRequestRecord {
  readonly requestId: string;
  readonly county: string;
  readonly allocationId: string | null;
  /** As of the moment asked: `answered` once the answer's business time has come. */
  readonly status: 'open' | 'answered';
  readonly lines: readonly { readonly item: string; readonly quantity: number; readonly granted: number | null; readonly received: number }[];
  readonly note: string | null;
  readonly raised: { readonly at: string; readonly by: { readonly sub: string; readonly name: string | null }; readonly position: string };
  readonly answer: {
    readonly outcome: NationalRequestAnsweredData['outcome'];
    readonly lines: readonly { readonly item: string; readonly quantity: number }[];
    readonly note: string | null;
    readonly at: string;
    readonly by: { readonly sub: string; readonly name: string | null };
    readonly position: string;
  } | null;
  readonly received: readonly {
    readonly receiptId: string;
    readonly item: string;
    readonly quantity: number;
    readonly warehouseId: string;
    readonly receivedAt: string;
    readonly position: string;
  }[];
}

const toRecord = (row: RequestRow, receipts: readonly ReceiptRow[], asOf: Date | undefined): NationalRequestRecord => {
  const answered = row.answered_at !== null && (asOf === undefined || row.answered_at <= asOf);
  const mine = receipts.filter((r) => r.request_id === row.request_id && (asOf === undefined || r.received_at <= asOf));
  const items = [...new Set([...row.lines.map((l) => l.item), ...mine.map((r) => r.item)])];
  return {
    requestId: row.request_id,
    county: row.county,
    allocationId: row.allocation_id,
    status: answered ? 'answered' : 'open',
    lines: items.map((item) => ({
      item,
      quantity: row.lines.find((l) => l.item === item)?.quantity ?? 0,
      granted: answered ? (row.answer_lines!.find((l) => l.item === item)?.quantity ?? 0) : null,
      received: mine.filter((r) => r.item === item).reduce((sum, r) => sum + r.quantity, 0),
    })),
    note: row.note,
    raised: { at: row.raised_at.toISOString(), by: { sub: row.raised_by, name: row.raised_by_name }, position: row.raised_position },
    answer: answered
      ? {
          outcome: row.outcome!,
          lines: row.answer_lines!,
          note: row.answer_note,
          at: row.answered_at!.toISOString(),
          by: { sub: row.answered_by!, name: row.answered_by_name },
          position: row.answer_position!,
        }
      : null,
    received: mine.map((r) => ({
      receiptId: r.receipt_id,
      item: r.item,
      quantity: r.quantity,
      warehouseId: r.warehouse_id,
      receivedAt: r.received_at.toISOString(),
      position: r.position,
    })),
  };
};

@Injectable()
export class NationalRequestsQuery {
  constructor(private readonly db: DataSource) {}

  /** A county's requests raised by `asOf` (every one when omitted), newest first. */
  async ofCounty(county: string, asOf?: Date): Promise<NationalRequestRecord[]> {
    const rows: RequestRow[] = await this.db.query(
      `SELECT * FROM national_requests WHERE county = $1 AND ($2::timestamptz IS NULL OR raised_at <= $2)
        ORDER BY raised_at DESC, request_id`,
      [county, asOf?.toISOString() ?? null],
    );
    if (rows.length === 0) return [];
    const receipts: ReceiptRow[] = await this.db.query('SELECT * FROM national_request_receipts WHERE request_id = ANY ($1::uuid[]) ORDER BY position, item', [
      rows.map((r) => r.request_id),
    ]);
    return rows.map((row) => toRecord(row, receipts, asOf));
  }
}

@ApiTags('national requests')
@ApiBearerAuth()
@Controller('national-requests')
export class NationalRequestsController {
  constructor(private readonly requests: NationalRequestsQuery) {}

  @Get()
  @ReadsFrom(NATIONAL_REQUESTS)
  @ApiOperation({
    summary: 'A county’s national requests, their answers, and what has been received against them',
    description: 'Newest first. `received` lists the national allocations the warehouse recorded naming the request.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        county: '01',
        requests: [
          {
            requestId: '5e2b7c3a-9d1f-4e6a-8b0c-1a2d3e4f5a6b',
            county: '01',
            allocationId: '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10',
            status: 'answered',
            lines: [{ item: 'FFP2', quantity: 4000, granted: 3000, received: 3000 }],
            note: 'Outbreaks in care homes in Vallentuna and Österåker',
            raised: { at: '2026-03-06T10:00:00.000Z', by: { sub: 'u-4', name: 'Eva Lind' }, position: '751000021' },
            answer: {
              outcome: 'partly-granted',
              lines: [{ item: 'FFP2', quantity: 3000 }],
              note: null,
              at: '2026-03-07T09:00:00.000Z',
              by: { sub: 'u-1', name: 'Operator' },
              position: '751000034',
            },
            received: [
              {
                receiptId: '2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f70',
                item: 'FFP2',
                quantity: 3000,
                warehouseId: '01-central',
                receivedAt: '2026-03-09T08:45:00.000Z',
                position: '751000040',
              },
            ],
          },
        ],
      },
    },
  })
  async list(@Query() query: NationalRequestsQueryDto) {
    const requests = await this.requests.ofCounty(query.county);
    return { county: query.county, requests: query.status ? requests.filter((r) => r.status === query.status) : requests };
  }
}
