import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { DispatchedLineDto, WAREHOUSE_ID } from '../warehouse.dto.js';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ReactionsService } from '../../projections/reaction.js';
import { type Municipality, ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { warehouseDecider } from '../domain/warehouse.decider.js';
import { warehouseStream } from '../domain/warehouse.events.js';
import { businessTime, IsInstant, IsListOf, IsText, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

export class DispatchLineDto {
  @ApiProperty({ example: 'FFP2', minLength: 1, maxLength: 40, description: 'Item code from GET /api/items' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 100, description: 'Whole units sent', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsUnits(1)
  quantity: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 60, description: 'Take from this lot only (e.g. LOT-2026-0412); without it, earliest expiry first' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  lot?: string;
}

export class DispatchDeliveryDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 10,
    example: '0115',
    description: 'Municipality code (GET /api/municipalities); must be served by this warehouse (same county)',
  })
  @IsString()
  @Length(1, 10)
  municipality: string;

  @ApiProperty({
    type: [DispatchLineDto],
    minItems: 1,
    maxItems: 100,
    // Stock a fresh `npm run demo` leaves unreserved at 01-central, so "Try it out" records a dispatch.
    example: [
      { item: 'FFP2', quantity: 100 },
      { item: 'MASK-IIR', quantity: 200 },
    ],
  })
  @IsListOf(DispatchLineDto, { max: 100 })
  lines: DispatchLineDto[];

  // No example: Swagger's "Try it out" sends every example, and a made-up allocation is refused (409).
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The approved allocation this delivery carries out (`allocationId` of GET /api/allocation-rounds); it draws down what ' +
      'the allocation holds for the municipality',
  })
  @IsOptional()
  @IsUUID()
  allocationId?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Bil 3 (ABC 123)' })
  @IsOptional()
  @IsText(100)
  vehicle?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the delivery left (business time, e.g. 2026-03-04T07:30:00+01:00); now when omitted',
  })
  @IsOptional()
  @IsInstant()
  dispatchedAt?: string;
}

export class DispatchDeliveryResult {
  @ApiUuid({ description: 'The delivery’s id: the municipality confirms it at POST /api/deliveries/{id}/receipt' })
  deliveryId: string;

  @ApiLogPosition()
  position: string;

  @ApiProperty({ type: () => [DispatchedLineDto], description: 'The picking list: per line, the lots to take it from' })
  lines: DispatchedLineDto[];
}

export class DispatchDelivery extends Command<DispatchDeliveryResult> {
  constructor(
    readonly warehouseId: string,
    readonly body: DispatchDeliveryDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DispatchDelivery)
export class DispatchDeliveryHandler implements ICommandHandler<DispatchDelivery, DispatchDeliveryResult> {
  constructor(
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
    private readonly reactions: ReactionsService,
  ) {}

  async execute({ warehouseId, body, context }: DispatchDelivery): Promise<DispatchDeliveryResult> {
    const municipality = this.servedMunicipality(warehouseId, body.municipality);
    this.reference.requireItems(body.lines);
    const dispatchedAt = businessTime(body.dispatchedAt, 'dispatchedAt', context.now);
    const deliveryId = newEntityId(context, 'delivery');
    const streamId = warehouseStream(warehouseId);
    const result = await this.commands.handle({
      streamId,
      decider: warehouseDecider,
      command: {
        type: 'DispatchDelivery',
        deliveryId,
        warehouseId,
        municipality: municipality.code,
        county: municipality.countyCode,
        ...(body.allocationId === undefined ? {} : { allocationId: body.allocationId }),
        ...(body.vehicle === undefined ? {} : { vehicle: body.vehicle }),
        dispatchedAt: dispatchedAt.toISOString(),
        lines: body.lines,
      },
      context,
      occurredAt: dispatchedAt,
    });
    await this.reactions.afterCommand(streamId, result.recorded);
    const event = result.events[0]!;
    return { deliveryId, position: result.position!.toString(), lines: event.type === 'DeliveryDispatched' ? event.data.lines : [] };
  }

  /**
   * The warehouse delivers inside its own county. The guard has already held the caller to that
   * county, so a municipality outside it is acting out of scope (403), not a typo (400).
   */
  private servedMunicipality(warehouseId: string, code: string): Municipality {
    const municipality = this.reference.municipality(code);
    if (!municipality) {
      throw new DomainError('REFERENCE.UNKNOWN_MUNICIPALITY', `no municipality with code ${code}`, 'invalid', { field: 'municipality' });
    }
    const county = this.reference.warehouse(warehouseId)!.countyCode;
    if (municipality.countyCode !== county) {
      throw new DomainError(
        'WAREHOUSE.MUNICIPALITY_NOT_SERVED',
        `${municipality.name} (${municipality.code}) is not in county ${county}, which warehouse ${warehouseId} serves`,
        'forbidden',
        { field: 'municipality', municipality: municipality.code, county: municipality.countyCode },
      );
    }
    return municipality;
  }
}

@ApiTags('warehouse')
@ApiBearerAuth()
@Controller('warehouses/:id/dispatches')
export class DispatchDeliveryController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'dispatchDelivery',
    summary: 'Record a delivery leaving the warehouse for a municipality',
    description:
      'By the warehouse’s staff, for a municipality of the warehouse’s county (another county’s: 403). A line without a lot ' +
      'is taken earliest expiry first (lots without expiry next, stock without a lot last); the answer lists the lots to pick. ' +
      'More than is on hand is refused with 409 WAREHOUSE.INSUFFICIENT_STOCK and nothing is recorded. Stock held for ' +
      'approved allocations is honoured: a dispatch naming `allocationId` draws down what that allocation holds for the ' +
      'municipality (an allocation this warehouse holds nothing for: 409 WAREHOUSE.UNKNOWN_ALLOCATION; a municipality outside ' +
      'its plan: 409 WAREHOUSE.NOT_IN_PLAN; more than the plan still holds: 409 WAREHOUSE.BEYOND_PLAN), and one without may ' +
      'only take what no allocation holds (409 WAREHOUSE.INSUFFICIENT_STOCK). The municipality confirms the delivery at ' +
      'POST /api/deliveries/{deliveryId}/receipt.',
  })
  @ApiParam(WAREHOUSE_ID)
  @ApiCreatedResponse({ type: DispatchDeliveryResult })
  dispatch(@Param('id') id: string, @Body() body: DispatchDeliveryDto, @Context() context: CommandContext) {
    return this.commands.execute(new DispatchDelivery(id, body, context));
  }
}
