import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiDate, ApiLogPosition, ApiUnits, ApiUuid } from '../../http/api-properties.js';
import { WAREHOUSE_ID } from '../warehouse.dto.js';
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
  @ApiProperty({ example: 'FFP2', minLength: 1, maxLength: 40, description: 'Item code from GET /api/items' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 60,
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

  @ApiPropertyOptional({ example: -40, description: '`other`: signed change in units, never zero', type: 'integer', minimum: -MAX_UNITS, maximum: MAX_UNITS })
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

  @ApiPropertyOptional({ maxLength: 1000, example: 'Water damage in aisle 4', description: 'Required for reason `other`' })
  @IsOptional()
  @IsText(1000)
  note?: string;

  @ApiProperty({ type: [AdjustmentLineDto], minItems: 1, maxItems: 100, example: [{ item: 'FFP2', quantity: 10 }] })
  @IsListOf(AdjustmentLineDto, { max: 100 })
  lines: AdjustmentLineDto[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the goods were counted or found (business time, e.g. 2026-03-10T16:00:00+01:00); now when omitted',
  })
  @IsOptional()
  @IsInstant()
  adjustedAt?: string;
}

type AdjustedLine = StockAdjustedData['lines'][number];
type AdjustedLotShape = AdjustedLine['lots'][number];

/** A lot an adjustment changed. */
export class AdjustedLotDto implements AdjustedLotShape {
  @ApiProperty({ type: 'string', nullable: true, example: 'LOT-2026-0412', description: 'null: stock received without a lot' })
  lot: string | null;

  @ApiDate({ nullable: true, example: '2028-03-31' })
  expiresOn: string | null;

  @ApiUnits({ example: -120, description: 'Signed change in units, never zero' })
  change: number;
}

/** What was recorded for a line: for a count, the difference it made; and the lots it touched. */
export class AdjustedLineDto implements Omit<AdjustedLine, 'lots'> {
  @ApiProperty({ example: 'FFP2' })
  item: string;

  @ApiPropertyOptional({ example: 'LOT-2026-0412', description: 'The lot the request named' })
  lot?: string;

  @ApiUnits({ example: -120, description: 'Signed change in units; for a count, counted less what the ledger held (0: confirmed)' })
  change: number;

  @ApiUnits({ required: false, minimum: 0, example: 11880, description: 'For a count: the units counted' })
  counted?: number;

  @ApiProperty({ type: () => [AdjustedLotDto], description: 'Where the change landed (removals earliest expiry first)' })
  lots: AdjustedLotDto[];
}

export class AdjustStockResult {
  @ApiUuid()
  adjustmentId: string;

  @ApiLogPosition()
  position: string;

  @ApiProperty({ type: () => [AdjustedLineDto] })
  lines: AdjustedLineDto[];
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
    operationId: 'adjustStock',
    summary: 'Record damaged or expired stock written off, a count, or another adjustment',
    description:
      'By the warehouse’s staff. Each line gives the one field its reason needs. Stock never goes below zero (409 ' +
      'WAREHOUSE.INSUFFICIENT_STOCK). A count records the difference to the ledger, zero included. The answer says per line ' +
      'the change recorded and the lots it touched.',
  })
  @ApiParam(WAREHOUSE_ID)
  @ApiCreatedResponse({ type: AdjustStockResult })
  adjust(@Param('id') id: string, @Body() body: AdjustStockDto, @Context() context: CommandContext) {
    return this.commands.execute(new AdjustStock(id, body, context));
  }
}
