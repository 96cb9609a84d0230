import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ReactionsService } from '../../projections/reaction.js';
import { type Municipality, ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { warehouseDecider } from '../domain/warehouse.decider.js';
import { type DeliveryDispatchedData, warehouseStream } from '../domain/warehouse.events.js';
import { businessTime, IsInstant, IsListOf, IsText, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

export class DispatchLineDto {
  @ApiProperty({ example: 'FFP2' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 600, description: 'Whole units sent', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsUnits(1)
  quantity: number;

  @ApiPropertyOptional({ example: 'LOT-2026-0412', description: 'Take from this lot only; without it, earliest expiry first' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  lot?: string;
}

export class DispatchDeliveryDto {
  @ApiProperty({ example: '0115', description: 'Municipality code; must be served by this warehouse (same county)' })
  @IsString()
  @Length(1, 10)
  municipality: string;

  @ApiProperty({
    type: [DispatchLineDto],
    example: [
      { item: 'FFP2', quantity: 600 },
      { item: 'GLOVE-NITRILE-M', quantity: 2000 },
    ],
  })
  @IsListOf(DispatchLineDto, { max: 100 })
  lines: DispatchLineDto[];

  @ApiPropertyOptional({
    example: '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
    description: 'The approved allocation this delivery carries out; it draws down what the allocation holds for the municipality',
  })
  @IsOptional()
  @IsUUID()
  allocationId?: string;

  @ApiPropertyOptional({ example: 'Bil 3 (ABC 123)' })
  @IsOptional()
  @IsText(100)
  vehicle?: string;

  @ApiPropertyOptional({ example: '2026-03-04T07:30:00+01:00', description: 'When the delivery left (business time); default now' })
  @IsOptional()
  @IsInstant()
  dispatchedAt?: string;
}

export interface DispatchDeliveryResult {
  readonly deliveryId: string;
  readonly position: string;
  /** The picking list: per line, the lots to take it from. */
  readonly lines: DeliveryDispatchedData['lines'];
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
  @ApiCreatedResponse({
    schema: {
      example: {
        deliveryId: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
        position: '751000020',
        lines: [
          {
            item: 'FFP2',
            quantity: 600,
            lots: [
              { lot: 'LOT-2026-0101', expiresOn: '2026-12-31', quantity: 400 },
              { lot: 'LOT-2026-0412', expiresOn: '2028-03-31', quantity: 200 },
            ],
          },
        ],
      },
    },
  })
  dispatch(@Param('id') id: string, @Body() body: DispatchDeliveryDto, @Context() context: CommandContext) {
    return this.commands.execute(new DispatchDelivery(id, body, context));
  }
}
