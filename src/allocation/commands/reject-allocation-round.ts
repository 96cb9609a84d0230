import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { businessTime } from '../../http/request-fields.js';
import type { CommandContext } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { allocationRoundDecider } from '../domain/allocation-round.decider.js';
import { allocationStream } from '../domain/allocation.events.js';
import { DecisionDto } from '../decision.dto.js';
import { loadRoundInScope } from '../load-round.js';
import { POSITION_PATTERN } from '../allocation-round.dto.js';

export class RejectAllocationRoundDto extends DecisionDto {}

export class RejectAllocationRoundResult {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;

  @ApiProperty({ pattern: POSITION_PATTERN, description: 'The rejection’s log position' })
  readonly position: string;
}

export class RejectAllocationRound extends Command<RejectAllocationRoundResult> {
  constructor(
    readonly allocationId: string,
    readonly body: RejectAllocationRoundDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RejectAllocationRound)
export class RejectAllocationRoundHandler implements ICommandHandler<RejectAllocationRound, RejectAllocationRoundResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
  ) {}

  async execute({ allocationId, body, context }: RejectAllocationRound): Promise<RejectAllocationRoundResult> {
    await loadRoundInScope(this.store, this.registry, allocationId, context.actor);
    const decidedAt = businessTime(body.decidedAt, 'decidedAt', context.now);
    const result = await this.commands.handle({
      streamId: allocationStream(allocationId),
      decider: allocationRoundDecider,
      command: { type: 'RejectAllocation', decidedBy: body.decidedBy, note: body.note, decidedAt: decidedAt.toISOString() },
      context,
      occurredAt: decidedAt,
    });
    return { allocationId, position: result.position!.toString() };
  }
}

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('allocation-rounds/:id/reject')
export class RejectAllocationRoundController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'rejectAllocationRound',
    summary: 'Reject an allocation proposal',
    description:
      'By the committee (logistics meeting) of the round’s county, once per round (a second decision: 409 ' +
      'ALLOCATION.ALREADY_DECIDED). Nothing is reserved; the county board may open a new round.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The round’s `allocationId`' })
  @ApiCreatedResponse({ type: RejectAllocationRoundResult })
  reject(@Param('id') id: string, @Body() body: RejectAllocationRoundDto, @Context() context: CommandContext): Promise<RejectAllocationRoundResult> {
    return this.commands.execute(new RejectAllocationRound(id, body, context));
  }
}
