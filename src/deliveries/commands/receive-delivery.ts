import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsInstant, IsUnits } from '../../http/request-fields.js';
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
  @ApiProperty({ example: 'FFP2', description: 'Item code of a dispatched line (GET /api/items)' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 450, description: 'Arrived and accepted into stock, whole units; at most what was dispatched' })
  @IsUnits(0)
  received: number;

  @ApiPropertyOptional({
    example: '50 respirators arrived with torn packaging and were sent back',
    description: 'Required when received differs from dispatched',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

export class ReceiveDeliveryDto {
  @ApiPropertyOptional({ example: '2026-03-05T09:30:00+01:00', description: 'When the goods arrived (business time, with offset); now when omitted' })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;

  @ApiProperty({ type: [DeliveryReceiptLineDto], description: 'One answer per dispatched item' })
  @ValidateNested({ each: true })
  @Type(() => DeliveryReceiptLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  lines: DeliveryReceiptLineDto[];
}

export interface ReceiveDeliveryResult {
  readonly deliveryId: string;
  readonly position: string;
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
    summary: 'Confirm what arrived of a delivery: per dispatched item, what was accepted, and why any difference',
    description:
      'By the receiving municipality, or the warehouse staff of its county on its behalf. Once per delivery (409 ' +
      '`DELIVERY.ALREADY_RECEIVED`). What was dispatched but not accepted is recorded as rejected.',
  })
  @ApiParam({ name: 'id', description: 'The delivery id the dispatch answered', example: '0b7e5f0c-6f8a-4c1e-9d51-3c2f1a7e9b40' })
  @ApiCreatedResponse({ schema: { example: { deliveryId: '0b7e5f0c-6f8a-4c1e-9d51-3c2f1a7e9b40', position: '751000004' } } })
  receive(@Param('id') id: string, @Body() body: ReceiveDeliveryDto, @Context() context: CommandContext) {
    return this.commands.execute(new ReceiveDelivery(id, body, context));
  }
}
