import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import type { CommandContext } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { IsText } from '../../http/request-fields.js';
import { purchaseDecider } from '../domain/purchase.decider.js';
import { purchaseStream } from '../domain/purchase.events.js';
import { loadPurchaseInScope, PURCHASE_ID } from '../load-purchase.js';

export class CancelPurchaseDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    example: 'The supplier cannot deliver the gloves before May',
    description: 'Why the rest of the order is not coming',
  })
  @IsText(1000)
  reason: string;
}

export class CancelPurchaseResult {
  @ApiUuid()
  purchaseId: string;

  @ApiLogPosition()
  position: string;
}

export class CancelPurchase extends Command<CancelPurchaseResult> {
  constructor(
    readonly purchaseId: string,
    readonly body: CancelPurchaseDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CancelPurchase)
export class CancelPurchaseHandler implements ICommandHandler<CancelPurchase, CancelPurchaseResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
  ) {}

  async execute({ purchaseId, body, context }: CancelPurchase): Promise<CancelPurchaseResult> {
    await loadPurchaseInScope(this.store, this.registry, purchaseId, context.actor);
    const result = await this.commands.handle({
      streamId: purchaseStream(purchaseId),
      decider: purchaseDecider,
      command: { type: 'CancelPurchase', reason: body.reason },
      context,
    });
    return { purchaseId, position: result.position!.toString() };
  }
}

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('purchases/:id/cancellation')
export class CancelPurchaseController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'cancelPurchase',
    summary: 'Cancel what is still outstanding on a purchase order',
    description:
      'By the region, with a reason. What was received stays received; nothing more can be received afterwards. ' +
      'Refused (409) once the order is received in full, and a second time.',
  })
  @ApiParam(PURCHASE_ID)
  @ApiCreatedResponse({ type: CancelPurchaseResult })
  cancel(@Param('id') id: string, @Body() body: CancelPurchaseDto, @Context() context: CommandContext) {
    return this.commands.execute(new CancelPurchase(id, body, context));
  }
}
