import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ReadQueryDto } from '../../../http/read-query.dto.js';
import { ReadsFrom } from '../../../projections/wait-for.js';
import { NATIONAL_REQUESTS, NationalRequestsQuery } from '../projections/national-requests.js';

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
              { receiptId: '2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f70', item: 'FFP2', quantity: 3000, warehouseId: '01-central', receivedAt: '2026-03-09T08:45:00.000Z', position: '751000040' },
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
