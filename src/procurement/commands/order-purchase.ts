import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { IsOptional, IsString, Length } from 'class-validator';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { ReferenceData, type Warehouse } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { IsInstant, IsListOf, IsText, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { purchaseDecider } from '../domain/purchase.decider.js';
import { purchaseStream } from '../domain/purchase.events.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

export class OrderLineDto {
  @ApiProperty({ example: 'FFP2', minLength: 1, maxLength: 40, description: 'Item code from GET /api/items; each item once per order' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 20000, description: 'Whole units ordered (not packs)', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsUnits(1)
  quantity: number;
}

export class OrderPurchaseDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Medisupply Nordic AB' })
  @IsText(200)
  supplier: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 40,
    example: '01-central',
    description: 'The warehouse the goods are delivered to: the purchase belongs to its county',
  })
  @IsString()
  @Length(1, 40)
  warehouseId: string;

  @ApiProperty({
    type: [OrderLineDto],
    minItems: 1,
    maxItems: 100,
    example: [
      { item: 'FFP2', quantity: 20000 },
      { item: 'GLOVE-NITRILE-M', quantity: 50000 },
    ],
  })
  @IsListOf(OrderLineDto, { max: 100 })
  lines: OrderLineDto[];

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-12T10:00:00+01:00',
    description: 'When the supplier promised delivery (a promise about the future, so not refused for being ahead)',
  })
  @IsOptional()
  @IsInstant()
  expectedAt?: string;
}

export class OrderPurchaseResult {
  @ApiUuid({ description: 'The purchase’s id: receipts and the cancellation name it' })
  purchaseId: string;

  @ApiLogPosition()
  position: string;
}

export class OrderPurchase extends Command<OrderPurchaseResult> {
  constructor(
    readonly body: OrderPurchaseDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(OrderPurchase)
export class OrderPurchaseHandler implements ICommandHandler<OrderPurchase, OrderPurchaseResult> {
  constructor(
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ body, context }: OrderPurchase): Promise<OrderPurchaseResult> {
    const warehouse = this.warehouseOf(body.warehouseId, context.actor);
    this.reference.requireItems(body.lines);
    const expectedAt = body.expectedAt === undefined ? undefined : new Date(body.expectedAt).toISOString();
    const purchaseId = newEntityId(context, 'purchase');
    const result = await this.commands.handle({
      streamId: purchaseStream(purchaseId),
      decider: purchaseDecider,
      command: {
        type: 'OrderPurchase',
        order: {
          purchaseId,
          supplier: body.supplier,
          warehouseId: warehouse.id,
          county: warehouse.countyCode,
          lines: body.lines.map((l) => ({ item: l.item, quantity: l.quantity })),
          ...(expectedAt === undefined ? {} : { expectedAt }),
        },
      },
      context,
    });
    return { purchaseId, position: result.position!.toString() };
  }

  /** The purchase belongs to the county of the warehouse it is delivered to: the buyer's own. */
  private warehouseOf(id: string, actor: Actor): Warehouse {
    const warehouse = this.reference.warehouse(id);
    if (!warehouse) throw new DomainError('REFERENCE.UNKNOWN_WAREHOUSE', `no warehouse with id ${id}`, 'invalid', { field: 'warehouseId' });
    assertInScope(actor, { county: warehouse.countyCode });
    return warehouse;
  }
}

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('purchases')
export class OrderPurchaseController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'orderPurchase',
    summary: 'Record a purchase order of the region',
    description:
      'By the region’s purchasing staff, for the central warehouse of their own county (another county’s: 403). ' +
      'Goods are then received against the order at POST /api/purchases/{id}/receipts.',
  })
  @ApiCreatedResponse({ type: OrderPurchaseResult })
  order(@Body() body: OrderPurchaseDto, @Context() context: CommandContext) {
    return this.commands.execute(new OrderPurchase(body, context));
  }
}
