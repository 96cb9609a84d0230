import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { assertInScope } from '../../auth/auth.guard.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { IsListOf, IsText } from '../../http/request-fields.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { loadRound } from '../../allocation/load-round.js';
import { nationalRequestStream } from '../domain/national-request.events.js';
import { nationalRequestDecider } from '../domain/national-request.decider.js';
import { NationalRequestLineDto } from '../national-request-line.dto.js';

export class RaiseNationalRequestDto {
  // No example: Swagger would send it, and a made-up round is refused.
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The allocation round whose unmet need this escalates: no line may ask for more than the round left unmet of its item',
  })
  @IsOptional()
  @IsUUID()
  allocationId?: string;

  @ApiProperty({
    type: [NationalRequestLineDto],
    minItems: 1,
    maxItems: 100,
    example: [
      { item: 'FFP2', quantity: 4000 },
      { item: 'GOWN-LS', quantity: 600 },
    ],
  })
  @IsListOf(NationalRequestLineDto, { max: 100 })
  lines: NationalRequestLineDto[];

  @ApiPropertyOptional({ example: 'Outbreaks in care homes in Vallentuna and Österåker; respirators last under three days', maxLength: 2000 })
  @IsOptional()
  @IsText(2000)
  note?: string;
}

export class RaiseNationalRequestResult {
  @ApiProperty({ format: 'uuid' })
  readonly requestId: string;

  @ApiProperty({ pattern: '^[0-9]{1,19}$', description: 'The event’s log position: `waitFor` it to read the request back' })
  readonly position: string;
}

export class RaiseNationalRequest extends Command<RaiseNationalRequestResult> {
  constructor(
    readonly body: RaiseNationalRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RaiseNationalRequest)
export class RaiseNationalRequestHandler implements ICommandHandler<RaiseNationalRequest, RaiseNationalRequestResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ body, context }: RaiseNationalRequest): Promise<RaiseNationalRequestResult> {
    this.reference.requireItems(body.lines);
    const round = body.allocationId === undefined ? undefined : await this.unmetOf(body.allocationId, context);
    const requestId = newEntityId(context, 'national-request');
    const result = await this.commands.handle({
      streamId: nationalRequestStream(requestId),
      decider: nationalRequestDecider,
      command: {
        type: 'RaiseNationalRequest',
        requestId,
        county: context.actor.county!,
        lines: body.lines.map(({ item, quantity }) => ({ item, quantity })),
        ...(body.note === undefined ? {} : { note: body.note }),
        ...(round ? { round } : {}),
      },
      context,
    });
    return { requestId, position: result.position!.toString() };
  }

  /** The round's unmet need per item, summed over its municipalities, as its proposal recorded it. */
  private async unmetOf(allocationId: string, context: CommandContext) {
    const round = await loadRound(this.store, this.registry, allocationId).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'not-found') {
        throw new DomainError('ALLOCATION.NOT_FOUND', `no allocation round ${allocationId}`, 'invalid', { field: 'allocationId' });
      }
      throw error;
    });
    assertInScope(context.actor, { county: round.proposal.data.county });
    const unmetByItem = new Map<string, number>();
    for (const line of round.proposal.data.outputs.lines) unmetByItem.set(line.item, (unmetByItem.get(line.item) ?? 0) + line.unmet);
    return { allocationId, unmetByItem };
  }
}

@ApiTags('national-requests')
@ApiBearerAuth()
@Controller('national-requests')
export class RaiseNationalRequestController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'raiseNationalRequest',
    summary: 'Escalate need the county cannot cover to the national board',
    description:
      'By the county board, for its own county. With `allocationId`, the request escalates that round’s unmet need: the round ' +
      'must be of the caller’s county, and each line at most the unmet need of its item in the round’s proposal (409 naming ' +
      '`lines[i].quantity` otherwise).',
  })
  @ApiCreatedResponse({ type: RaiseNationalRequestResult })
  raise(@Body() body: RaiseNationalRequestDto, @Context() context: CommandContext): Promise<RaiseNationalRequestResult> {
    return this.commands.execute(new RaiseNationalRequest(body, context));
  }
}
