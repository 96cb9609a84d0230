import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { WAREHOUSE_ID } from '../warehouse.dto.js';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { loadStream } from '../../event-store/command-handling.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { nationalRequestStream } from '../../national-requests/domain/national-request.events.js';
import { nationalRequestDecider } from '../../national-requests/domain/national-request.decider.js';
import { warehouseDecider } from '../domain/warehouse.decider.js';
import { STOCK_SOURCES, type StockSource, warehouseStream } from '../domain/warehouse.events.js';
import { businessTime, IsInstant, IsListOf, IsText } from '../../http/request-fields.js';
import { ReceivedLineDto } from '../received-line.dto.js';

/** Every source but purchases, which are received against their order. */
const OTHER_SOURCES = STOCK_SOURCES.filter((s) => s !== 'purchase');

export class ReceiveStockDto {
  @ApiProperty({
    enum: OTHER_SOURCES,
    example: 'donation',
    description: 'Goods from a purchase are received at POST /api/purchases/{id}/receipts',
  })
  @IsIn(OTHER_SOURCES, { message: `source must be one of ${OTHER_SOURCES.join(', ')} (purchases are received against their order)` })
  source: Exclude<StockSource, 'purchase'>;

  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: 'Byggbolaget i Solna AB',
    description: 'Donor, national board, stockpile or returning municipality, in words',
  })
  @IsText(200)
  from: string;

  // No example: a made-up request is refused.
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'For a national allocation: the national request it answers, which must be one of the warehouse’s county ' +
      '(400 NATIONAL_REQUEST.UNKNOWN naming the field otherwise)',
  })
  @IsOptional()
  @IsUUID()
  nationalRequestId?: string;

  @ApiProperty({
    type: [ReceivedLineDto],
    minItems: 1,
    maxItems: 100,
    example: [
      { item: 'FFP2', quantity: 2000, lot: 'DON-7', expiresOn: '2027-10-31' },
      { item: 'SANITIZER-500', quantity: 240 },
    ],
  })
  @IsListOf(ReceivedLineDto, { max: 100 })
  lines: ReceivedLineDto[];

  @ApiPropertyOptional({ format: 'date-time', description: 'When the goods arrived (business time, e.g. 2026-03-09T09:45:00+01:00); now when omitted' })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
}

export class ReceiveStockResult {
  @ApiUuid()
  receiptId: string;

  @ApiLogPosition()
  position: string;
}

export class ReceiveStock extends Command<ReceiveStockResult> {
  constructor(
    readonly warehouseId: string,
    readonly body: ReceiveStockDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReceiveStock)
export class ReceiveStockHandler implements ICommandHandler<ReceiveStock, ReceiveStockResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ warehouseId, body, context }: ReceiveStock): Promise<ReceiveStockResult> {
    this.reference.requireItems(body.lines);
    const receivedAt = businessTime(body.receivedAt, 'receivedAt', context.now);
    if (body.source === 'national-allocation' && body.nationalRequestId !== undefined) {
      await this.requireRequestOfCounty(body.nationalRequestId, warehouseId);
    }
    const receiptId = newEntityId(context, 'stock-receipt');
    const result = await this.commands.handle({
      streamId: warehouseStream(warehouseId),
      decider: warehouseDecider,
      command: {
        type: 'ReceiveStock',
        receiptId,
        warehouseId,
        source: body.source,
        from: body.from,
        ...(body.nationalRequestId === undefined ? {} : { nationalRequestId: body.nationalRequestId }),
        lines: body.lines,
      },
      context,
      occurredAt: receivedAt,
    });
    return { receiptId, position: result.position!.toString() };
  }

  /**
   * A national allocation counts as received against the request it names, so that request must
   * exist and be of the warehouse's county. Read from the request's own stream, not the read model,
   * which may lag a request raised a moment ago. Another county's request is refused exactly as an
   * unknown one is: the answer does not tell that it exists elsewhere.
   */
  private async requireRequestOfCounty(requestId: string, warehouseId: string): Promise<void> {
    const county = this.reference.warehouse(warehouseId)?.countyCode;
    const { state } = await loadStream(this.store, this.registry, nationalRequestStream(requestId), nationalRequestDecider);
    if (state.status === 'none' || state.county !== county) {
      throw new DomainError('NATIONAL_REQUEST.UNKNOWN', 'nationalRequestId names no national request of the warehouse’s county', 'invalid', {
        field: 'nationalRequestId',
      });
    }
  }
}

@ApiTags('warehouse')
@ApiBearerAuth()
@Controller('warehouses/:id/receipts')
export class ReceiveStockController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'receiveStock',
    summary: 'Record stock received from a donation, a national allocation, an emergency stockpile or a return',
    description: 'By the warehouse’s staff. Lines may carry a lot and its expiry; stock without a lot is kept apart as “no lot”.',
  })
  @ApiParam(WAREHOUSE_ID)
  @ApiCreatedResponse({ type: ReceiveStockResult })
  receive(@Param('id') id: string, @Body() body: ReceiveStockDto, @Context() context: CommandContext) {
    return this.commands.execute(new ReceiveStock(id, body, context));
  }
}
