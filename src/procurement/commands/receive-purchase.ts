import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { IsBoolean, IsOptional } from 'class-validator';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type LogPosition, type NewEvent } from '../../event-store/event-store.js';
import { ReactionsService } from '../../projections/reaction.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { businessTime, IsInstant, IsListOf } from '../../http/request-fields.js';
import { ReceivedLineDto } from '../../warehouse/received-line.dto.js';
import { warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import { purchaseDecider } from '../domain/purchase.decider.js';
import { purchaseStream } from '../domain/purchase.events.js';
import { loadPurchaseInScope, PURCHASE_ID } from '../load-purchase.js';

export class ReceivePurchaseDto {
  @ApiProperty({
    type: [ReceivedLineDto],
    minItems: 1,
    maxItems: 100,
    description: 'One line per item and lot; an item may come on several lines (one per lot)',
    example: [
      { item: 'FFP2', quantity: 12000, lot: 'LOT-2026-0412', expiresOn: '2028-03-31' },
      { item: 'GLOVE-NITRILE-M', quantity: 20000 },
    ],
  })
  @IsListOf(ReceivedLineDto, { max: 100 })
  lines: ReceivedLineDto[];

  @ApiPropertyOptional({
    example: false,
    description: 'Accept more than was ordered on some line; without it such a receipt is refused (409 PURCHASE.OVER_DELIVERY)',
  })
  @IsOptional()
  @IsBoolean()
  acceptOverDelivery?: boolean;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-11T14:20:00+01:00', description: 'When the goods arrived (business time); default now' })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
}

export class ReceivePurchaseResult {
  @ApiUuid()
  receiptId: string;

  @ApiLogPosition({
    description:
      'Log position of the stock entry the receipt made (of the receipt itself if that entry was deferred): read the warehouse’s stock with `?waitFor=` it',
  })
  position: string;
}

export class ReceivePurchase extends Command<ReceivePurchaseResult> {
  constructor(
    readonly purchaseId: string,
    readonly body: ReceivePurchaseDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReceivePurchase)
export class ReceivePurchaseHandler implements ICommandHandler<ReceivePurchase, ReceivePurchaseResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
    private readonly reactions: ReactionsService,
  ) {}

  async execute({ purchaseId, body, context }: ReceivePurchase): Promise<ReceivePurchaseResult> {
    const { state } = await loadPurchaseInScope(this.store, this.registry, purchaseId, context.actor);
    this.reference.requireItems(body.lines);
    const receivedAt = businessTime(body.receivedAt, 'receivedAt', context.now);
    const receiptId = newEntityId(context, 'purchase-receipt');
    const streamId = purchaseStream(purchaseId);
    const result = await this.commands.handle({
      streamId,
      decider: purchaseDecider,
      command: { type: 'ReceivePurchase', receiptId, lines: body.lines, acceptOverDelivery: body.acceptOverDelivery ?? false },
      context,
      occurredAt: receivedAt,
    });
    await this.reactions.afterCommand(streamId, result.recorded);
    const stockPosition = await this.stockPositionOf(result.recorded[0]!, state.order.warehouseId);
    return { receiptId, position: (stockPosition ?? result.position!).toString() };
  }

  /**
   * The position of the warehouse's StockReceived this receipt caused, so that a client waiting
   * on the answered position sees the goods in the warehouse's stock. Undefined if the reaction
   * was deferred to the log (the receipt itself is recorded either way).
   */
  private async stockPositionOf(receipt: NewEvent, warehouseId: string): Promise<LogPosition | undefined> {
    const recent = await this.store.readStream(warehouseStream(warehouseId), { direction: 'backwards', maxCount: 50 }).catch(() => []);
    return recent.find((e) => e.metadata.causationId === receipt.metadata.eventId)?.position;
  }
}

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('purchases/:id/receipts')
export class ReceivePurchaseController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'receivePurchase',
    summary: 'Record goods received against a purchase order',
    description:
      'By the warehouse or the region, in the purchase’s county. Partial receipts add up per item; more than ordered is ' +
      'refused unless `acceptOverDelivery` is set, and then recorded as an over-delivery. Nothing is received on a cancelled ' +
      'order. The goods enter the warehouse’s stock at once; `position` is that of the stock entry, so ' +
      '`GET /api/warehouses/{id}/stock?waitFor=<position>` shows them.',
  })
  @ApiParam(PURCHASE_ID)
  @ApiCreatedResponse({ type: ReceivePurchaseResult })
  receive(@Param('id') id: string, @Body() body: ReceivePurchaseDto, @Context() context: CommandContext) {
    return this.commands.execute(new ReceivePurchase(id, body, context));
  }
}
