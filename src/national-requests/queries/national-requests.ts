import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { nullableRef } from '../../http/api-properties.js';
import type { NationalRequestAnsweredData } from '../domain/national-request.events.js';
import { NATIONAL_REQUESTS } from '../projections/national-requests.projector.js';

const STATUSES = ['open', 'answered'] as const;

export class NationalRequestsQueryDto extends ReadQueryDto {
  @ApiProperty({ pattern: '^[0-9]{2}$', example: '01', description: 'County code' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ enum: STATUSES, enumName: 'NationalRequestStatus', description: 'Only requests in this status' })
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

export class ItemQuantityDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 3000 })
  readonly quantity: number;
}

export class RequestLineDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Asked for (0 for an item only received, never asked for)' })
  readonly quantity: number;
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Granted by the answer; null while unanswered' })
  readonly granted: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Received against the request so far' })
  readonly received: number;
}

export class ByDto {
  @ApiProperty({ description: 'The token’s subject' })
  readonly sub: string;
  @ApiProperty({ type: 'string', nullable: true })
  readonly name: string | null;
}

export class RaisedDto {
  @ApiProperty({ format: 'date-time' })
  readonly at: string;
  @ApiProperty({ type: () => ByDto })
  readonly by: ByDto;
  @ApiProperty({ pattern: '^[0-9]{1,19}$' })
  readonly position: string;
}

export class AnswerDto {
  @ApiProperty({ enum: ['granted', 'partly-granted', 'refused'] })
  readonly outcome: NationalRequestAnsweredData['outcome'];
  @ApiProperty({ type: () => [ItemQuantityDto], description: 'What the national board will send; empty for a refusal' })
  readonly lines: readonly ItemQuantityDto[];
  @ApiProperty({ type: 'string', nullable: true })
  readonly note: string | null;
  @ApiProperty({ format: 'date-time' })
  readonly at: string;
  @ApiProperty({ type: () => ByDto })
  readonly by: ByDto;
  @ApiProperty({ pattern: '^[0-9]{1,19}$' })
  readonly position: string;
}

export class NationalReceiptDto {
  @ApiProperty({ format: 'uuid' })
  readonly receiptId: string;
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 1 })
  readonly quantity: number;
  @ApiProperty({ example: '01-central' })
  readonly warehouseId: string;
  @ApiProperty({ format: 'date-time' })
  readonly receivedAt: string;
  @ApiProperty({ pattern: '^[0-9]{1,19}$' })
  readonly position: string;
}

@ApiExtraModels(AnswerDto)
export class NationalRequestRecord {
  @ApiProperty({ format: 'uuid' })
  readonly requestId: string;
  @ApiProperty({ example: '01' })
  readonly county: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The allocation round whose unmet need it escalates' })
  readonly allocationId: string | null;
  /** As of the moment asked: `answered` once the answer's business time has come. */
  @ApiProperty({ enum: STATUSES, enumName: 'NationalRequestStatus' })
  readonly status: 'open' | 'answered';
  @ApiProperty({ type: () => [RequestLineDto] })
  readonly lines: readonly RequestLineDto[];
  @ApiProperty({ type: 'string', nullable: true })
  readonly note: string | null;
  @ApiProperty({ type: () => RaisedDto })
  readonly raised: RaisedDto;
  @ApiProperty(nullableRef(() => AnswerDto, { description: 'Null while open' }))
  readonly answer: AnswerDto | null;
  @ApiProperty({ type: () => [NationalReceiptDto], description: 'National allocations the warehouse recorded naming the request' })
  readonly received: readonly NationalReceiptDto[];
}

export class NationalRequestsDto {
  @ApiProperty({ example: '01' })
  readonly county: string;
  @ApiProperty({ type: () => [NationalRequestRecord], description: 'Newest first' })
  readonly requests: readonly NationalRequestRecord[];
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

@ApiTags('national-requests')
@ApiBearerAuth()
@Controller('national-requests')
export class NationalRequestsController {
  constructor(private readonly requests: NationalRequestsQuery) {}

  @Get()
  @ReadsFrom(NATIONAL_REQUESTS)
  @ApiOperation({
    operationId: 'listNationalRequests',
    summary: 'A county’s national requests, their answers, and what has been received against them',
    description: 'Newest first. `received` lists the national allocations the warehouse recorded naming the request.',
  })
  @ApiOkResponse({ type: NationalRequestsDto })
  async list(@Query() query: NationalRequestsQueryDto): Promise<NationalRequestsDto> {
    const requests = await this.requests.ofCounty(query.county);
    return { county: query.county, requests: query.status ? requests.filter((r) => r.status === query.status) : requests };
  }
}
