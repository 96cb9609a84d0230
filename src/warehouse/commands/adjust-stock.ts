import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { warehouseDecider } from '../domain/warehouse.decider.js';
import { ADJUSTMENT_REASONS, type AdjustmentReason, type StockAdjustedData, warehouseStream } from '../domain/warehouse.events.js';
import { businessTime, IsInstant, IsListOf, IsText, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

export class AdjustmentLineDto {
  @ApiProperty({ example: 'FFP2' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiPropertyOptional({
    example: 'LOT-2026-0412',
    description: 'The lot concerned; without it the line concerns the whole item (removals earliest expiry first)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  lot?: string;

  @ApiPropertyOptional({ example: 120, description: '`damaged`, `expired`: units removed', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsOptional()
  @IsUnits(1)
  quantity?: number;

  @ApiPropertyOptional({
    example: 11880,
    description: '`counted`: units counted; the ledger records the difference',
    type: 'integer',
    minimum: 0,
    maximum: MAX_UNITS,
  })
  @IsOptional()
  @IsUnits(0)
  counted?: number;

  @ApiPropertyOptional({ example: -40, description: '`other`: signed change in units, never zero', type: 'integer' })
  @IsOptional()
  @IsInt({ message: 'change must be a whole number of units' })
  @Min(-MAX_UNITS)
  @Max(MAX_UNITS)
  change?: number;
}

export class AdjustStockDto {
  @ApiProperty({
    enum: ADJUSTMENT_REASONS,
    example: 'damaged',
    description:
      '`damaged` and `expired` remove `quantity`; `counted` sets the stock to what was `counted`; ' + '`other` applies a signed `change` and needs a note',
  })
  @IsIn(ADJUSTMENT_REASONS)
  reason: AdjustmentReason;

  @ApiPropertyOptional({ example: 'Water damage in aisle 4', description: 'Required for reason `other`' })
  @IsOptional()
  @IsText(1000)
  note?: string;

  @ApiProperty({ type: [AdjustmentLineDto], example: [{ item: 'FFP2', lot: 'LOT-2026-0412', quantity: 120 }] })
  @IsListOf(AdjustmentLineDto, { max: 100 })
  lines: AdjustmentLineDto[];

  @ApiPropertyOptional({
    example: '2026-03-10T16:00:00+01:00',
    description: 'When the goods were counted or found (business time); default now',
  })
  @IsOptional()
  @IsInstant()
  adjustedAt?: string;
}

export interface AdjustStockResult {
  readonly adjustmentId: string;
  readonly position: string;
  /** What was recorded per line: for a count, the difference it made; and the lots it touched. */
  readonly lines: StockAdjustedData['lines'];
}

export class AdjustStock extends Command<AdjustStockResult> {
  constructor(
    readonly warehouseId: string,
    readonly body: AdjustStockDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AdjustStock)
export class AdjustStockHandler implements ICommandHandler<AdjustStock, AdjustStockResult> {
  constructor(
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ warehouseId, body, context }: AdjustStock): Promise<AdjustStockResult> {
    this.reference.requireItems(body.lines);
    const adjustedAt = businessTime(body.adjustedAt, 'adjustedAt', context.now);
    const adjustmentId = newEntityId(context, 'stock-adjustment');
    const result = await this.commands.handle({
      streamId: warehouseStream(warehouseId),
      decider: warehouseDecider,
      command: {
        type: 'AdjustStock',
        adjustmentId,
        warehouseId,
        reason: body.reason,
        ...(body.note === undefined ? {} : { note: body.note }),
        lines: body.lines,
      },
      context,
      occurredAt: adjustedAt,
    });
    const event = result.events[0]!;
    return { adjustmentId, position: result.position!.toString(), lines: event.type === 'StockAdjusted' ? event.data.lines : [] };
  }
}

@ApiTags('warehouse')
@ApiBearerAuth()
@Controller('warehouses/:id/adjustments')
export class AdjustStockController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record damaged or expired stock written off, a count, or another adjustment',
    description:
      'By the warehouse’s staff. Each line gives the one field its reason needs. Stock never goes below zero (409 ' +
      'WAREHOUSE.INSUFFICIENT_STOCK). A count records the difference to the ledger, zero included. The answer says per line ' +
      'the change recorded and the lots it touched.',
  })
  @ApiCreatedResponse({
    schema: {
      example: {
        adjustmentId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
        position: '751000015',
        lines: [{ item: 'FFP2', counted: 11880, change: -120, lots: [{ lot: 'LOT-2026-0412', expiresOn: '2028-03-31', change: -120 }] }],
      },
    },
  })
  adjust(@Param('id') id: string, @Body() body: AdjustStockDto, @Context() context: CommandContext) {
    return this.commands.execute(new AdjustStock(id, body, context));
  }
}
