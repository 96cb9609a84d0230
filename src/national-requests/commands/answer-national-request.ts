import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { UUID } from '../../shared/ids.js';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { assertInScope } from '../../auth/auth.guard.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { IsListOf, IsText } from '../../http/request-fields.js';
import { ReferenceData } from '../../reference/reference-data.js';
import type { CommandContext } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { loadStream } from '../../event-store/command-handling.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { nationalRequestStream } from '../domain/national-request.events.js';
import { nationalRequestDecider, type NationalRequestOutcome } from '../domain/national-request.decider.js';
import { NationalRequestLineDto } from '../national-request-line.dto.js';

const OUTCOMES = ['granted', 'partly-granted', 'refused'] as const;

export class AnswerNationalRequestDto {
  @ApiProperty({ enum: OUTCOMES, enumName: 'NationalRequestOutcome', example: 'partly-granted' })
  @IsIn(OUTCOMES, { message: `outcome must be one of ${OUTCOMES.join(', ')}` })
  outcome: NationalRequestOutcome;

  @ApiPropertyOptional({
    type: [NationalRequestLineDto],
    maxItems: 100,
    example: [{ item: 'FFP2', quantity: 3000 }],
    description: 'What the national board will send: required to grant or partly grant, absent for a refusal',
  })
  @IsOptional()
  @IsListOf(NationalRequestLineDto, { min: 0, max: 100 })
  lines?: NationalRequestLineDto[];

  @ApiPropertyOptional({ example: 'Gowns cannot be spared this week; respirators leave the national stockpile on Monday', maxLength: 2000 })
  @IsOptional()
  @IsText(2000)
  note?: string;
}

export class AnswerNationalRequestResult {
  @ApiProperty({ format: 'uuid' })
  readonly requestId: string;

  @ApiProperty({ pattern: '^[0-9]{1,19}$', description: 'The event’s log position: `waitFor` it to read the request back' })
  readonly position: string;
}

export class AnswerNationalRequest extends Command<AnswerNationalRequestResult> {
  constructor(
    readonly requestId: string,
    readonly body: AnswerNationalRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AnswerNationalRequest)
export class AnswerNationalRequestHandler implements ICommandHandler<AnswerNationalRequest, AnswerNationalRequestResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ requestId, body, context }: AnswerNationalRequest): Promise<AnswerNationalRequestResult> {
    if (!UUID.test(requestId)) throw new DomainError('NATIONAL_REQUEST.NOT_FOUND', `no national request ${requestId}`, 'not-found');
    const lines = (body.lines ?? []).map(({ item, quantity }) => ({ item, quantity }));
    this.reference.requireItems(lines);
    // An operator whose token names a county answers only that county's requests; its county is known once loaded.
    const { state } = await loadStream(this.store, this.registry, nationalRequestStream(requestId), nationalRequestDecider);
    if (state.status !== 'none') assertInScope(context.actor, { county: state.county });
    const result = await this.commands.handle({
      streamId: nationalRequestStream(requestId),
      decider: nationalRequestDecider,
      command: { type: 'AnswerNationalRequest', requestId, outcome: body.outcome, lines, ...(body.note === undefined ? {} : { note: body.note }) },
      context,
    });
    return { requestId, position: result.position!.toString() };
  }
}

@ApiTags('national-requests')
@ApiBearerAuth()
@Controller('national-requests/:id/answer')
export class AnswerNationalRequestController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'answerNationalRequest',
    summary: 'Record the national board’s answer to a request',
    description: 'By an operator, once per request: `granted` or `partly-granted` with the lines granted, `refused` without lines.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The request’s `requestId`' })
  @ApiCreatedResponse({ type: AnswerNationalRequestResult })
  answer(@Param('id') id: string, @Body() body: AnswerNationalRequestDto, @Context() context: CommandContext): Promise<AnswerNationalRequestResult> {
    return this.commands.execute(new AnswerNationalRequest(id, body, context));
  }
}
