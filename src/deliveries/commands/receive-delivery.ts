import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsInstant, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { DELIVERY_ID } from '../delivery.dto.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { ReferenceData } from '../../reference/reference-data.js';
import type { CommandContext } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { loadStream } from '../../event-store/command-handling.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { deliveryDecider } from '../domain/delivery.decider.js';
import { deliveryStream } from '../domain/delivery.events.js';
import { UUID } from '../../shared/ids.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DeliveryReceiptLineDto {
  @ApiProperty({ example: 'FFP2', maxLength: 40, description: 'Item code of a dispatched line (GET /api/items)' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_UNITS,
    example: 450,
    description: 'Arrived and accepted into stock, whole units; at most what was dispatched',
  })
  @IsUnits(0)
  received: number;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 500,
    description: 'Why received differs from dispatched (e.g. “50 respirators arrived with torn packaging”); required then',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

export class ReceiveDeliveryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the goods arrived (business time, e.g. 2026-03-05T09:30:00+01:00); now when omitted',
  })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;

  @ApiProperty({ type: [DeliveryReceiptLineDto], minItems: 1, maxItems: 100, description: 'One answer per dispatched item' })
  @ValidateNested({ each: true })
  @Type(() => DeliveryReceiptLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  lines: DeliveryReceiptLineDto[];
}

export class ReceiveDeliveryResult {
  @ApiUuid()
  deliveryId: string;

  @ApiLogPosition()
  position: string;
}

export class ReceiveDelivery extends Command<ReceiveDeliveryResult> {
  constructor(
    readonly deliveryId: string,
    readonly body: ReceiveDeliveryDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReceiveDelivery)
export class ReceiveDeliveryHandler implements ICommandHandler<ReceiveDelivery, ReceiveDeliveryResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ deliveryId, body, context }: ReceiveDelivery): Promise<ReceiveDeliveryResult> {
    this.reference.requireItems(body.lines);
    await this.assertMayReceive(deliveryId, context);
    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : context.now;
    const result = await this.commands.handle({
      streamId: deliveryStream(deliveryId),
      decider: deliveryDecider,
      command: { type: 'ReceiveDelivery', deliveryId, receivedAt, lines: body.lines, now: context.now },
      context,
      occurredAt: receivedAt,
    });
    return { deliveryId, position: result.position!.toString() };
  }

  /** Whose delivery it is is known only once it is loaded: its municipality, or the warehouse of its county. */
  private async assertMayReceive(deliveryId: string, context: CommandContext): Promise<void> {
    const notFound = new DomainError('DELIVERY.NOT_FOUND', `no dispatched delivery ${deliveryId}`, 'not-found');
    if (!UUID.test(deliveryId)) throw notFound;
    const { state } = await loadStream(this.store, this.registry, deliveryStream(deliveryId), deliveryDecider);
    if (state.status === 'unknown') throw notFound;
    assertInScope(context.actor, { county: state.delivery.county, municipality: state.delivery.municipality });
  }
}

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('deliveries')
export class ReceiveDeliveryController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/receipt')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'receiveDelivery',
    summary: 'Confirm what arrived of a delivery: per dispatched item, what was accepted, and why any difference',
    description:
      'By the receiving municipality, or the warehouse staff of its county on its behalf. Once per delivery (409 ' +
      '`DELIVERY.ALREADY_RECEIVED`). What was dispatched but not accepted is recorded as rejected.',
  })
  @ApiParam(DELIVERY_ID)
  @ApiCreatedResponse({ type: ReceiveDeliveryResult })
  receive(@Param('id') id: string, @Body() body: ReceiveDeliveryDto, @Context() context: CommandContext) {
    return this.commands.execute(new ReceiveDelivery(id, body, context));
  }
}
