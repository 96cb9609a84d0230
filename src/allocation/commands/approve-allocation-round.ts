import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type LogPosition, type NewEvent } from '../../event-store/event-store.js';
import { businessTime, IsListOf, IsText, IsUnits, MAX_UNITS } from '../../http/request-fields.js';
import { ReactionsService } from '../../projections/reaction.js';
import { ReferenceData } from '../../reference/reference-data.js';
import type { CommandContext } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { loadStream } from '../../event-store/command-handling.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { unreserved, warehouseDecider } from '../../warehouse/domain/warehouse.decider.js';
import { warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import { allocationRoundDecider, type Proposal } from '../domain/allocation-round.decider.js';
import { allocationStream, type AllocationApprovedData } from '../domain/allocation.events.js';
import { DecisionDto } from '../decision.dto.js';
import { loadRoundInScope } from '../load-round.js';
import { AmendmentRecordDto, PlannedLineDto, POSITION_PATTERN } from '../allocation-round.dto.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

export class AmendmentDto {
  @ApiProperty({ example: '0117', pattern: '^[0-9]{4}$', description: 'A municipality of the round' })
  @IsString()
  @Matches(/^\d{4}$/, { message: 'municipality must be a municipality code' })
  municipality: string;

  @ApiProperty({ example: 'FFP2', pattern: '^[A-Z0-9-]{2,40}$', description: 'An item of the round' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({
    example: 300,
    type: 'integer',
    description: 'The quantity approved instead of the proposed one (whole units, 0 drops the line)',
    minimum: 0,
    maximum: MAX_UNITS,
  })
  @IsUnits(0)
  quantity: number;

  @ApiProperty({ example: 'Österåker har ett nytt utbrott på två boenden / a new outbreak in two care homes', maxLength: 1000 })
  @IsText(1000)
  reason: string;
}

export class ApproveAllocationRoundDto extends DecisionDto {
  @ApiPropertyOptional({
    type: [AmendmentDto],
    maxItems: 1000,
    description: 'Quantities the meeting changed, each with its reason; the total per item may not exceed what the round had available',
    // None by default: an amendment is the meeting's, and a made-up one may name a line the round has not got.
    example: [],
  })
  @IsOptional()
  @IsListOf(AmendmentDto, { min: 0, max: 1000 })
  amendments?: AmendmentDto[];
}

export class ApproveAllocationRoundResult {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;

  /** Of the warehouse's reservation when the plan reserved anything, so a stock read waiting on it shows it. */
  @ApiProperty({ pattern: POSITION_PATTERN, description: 'The reservation’s log position when the plan reserved anything, else the approval’s' })
  readonly position: string;

  @ApiProperty({ type: () => [AmendmentRecordDto] })
  readonly amendments: AllocationApprovedData['amendments'];

  @ApiProperty({ type: () => [PlannedLineDto], description: 'What is to be delivered: the proposal with the amendments applied' })
  readonly plan: AllocationApprovedData['plan'];
}

export class ApproveAllocationRound extends Command<ApproveAllocationRoundResult> {
  constructor(
    readonly allocationId: string,
    readonly body: ApproveAllocationRoundDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ApproveAllocationRound)
export class ApproveAllocationRoundHandler implements ICommandHandler<ApproveAllocationRound, ApproveAllocationRoundResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
    private readonly reactions: ReactionsService,
  ) {}

  async execute({ allocationId, body, context }: ApproveAllocationRound): Promise<ApproveAllocationRoundResult> {
    const { proposal } = await loadRoundInScope(this.store, this.registry, allocationId, context.actor);
    const amendments = this.checkedAmendments(body.amendments ?? [], proposal.county);
    const decidedAt = businessTime(body.decidedAt, 'decidedAt', context.now);
    const streamId = allocationStream(allocationId);
    const result = await this.commands.handle({
      streamId,
      decider: allocationRoundDecider,
      command: {
        type: 'ApproveAllocation',
        decidedBy: body.decidedBy,
        note: body.note,
        amendments,
        decidedAt: decidedAt.toISOString(),
        warehouseAvailable: await this.warehouseAvailable(proposal),
      },
      context,
      occurredAt: decidedAt,
    });
    await this.reactions.afterCommand(streamId, result.recorded);
    const approved = result.events[0]!.data as AllocationApprovedData;
    const reservedAt = await this.reservationPositionOf(result.recorded[0]!, proposal.warehouseId);
    return { allocationId, position: (reservedAt ?? result.position!).toString(), amendments: approved.amendments, plan: approved.plan };
  }

  /** Amendments name real items, and municipalities of the round's county (another county's: out of scope). */
  private checkedAmendments(amendments: readonly AmendmentDto[], county: string): AmendmentDto[] {
    this.reference.requireItems(amendments, 'amendments');
    amendments.forEach((a, i) => {
      const municipality = this.reference.municipality(a.municipality);
      if (!municipality) {
        throw new DomainError('REFERENCE.UNKNOWN_MUNICIPALITY', `no municipality with code ${a.municipality}`, 'invalid', {
          field: `amendments[${i}].municipality`,
        });
      }
      if (municipality.countyCode !== county) {
        throw new DomainError('AUTH.FORBIDDEN', `${municipality.name} (${municipality.code}) is not in county ${county}`, 'forbidden', {
          field: `amendments[${i}].municipality`,
        });
      }
    });
    return [...amendments];
  }

  /** What the warehouse could set aside now, per item of the round. */
  private async warehouseAvailable(proposal: Proposal): Promise<Record<string, number>> {
    const { state } = await loadStream(this.store, this.registry, warehouseStream(proposal.warehouseId), warehouseDecider);
    return Object.fromEntries(proposal.supply.map(({ item }) => [item, unreserved(state, item)]));
  }

  /** The position of the reservation this approval caused; undefined if it reserved nothing or the reaction was deferred. */
  private async reservationPositionOf(approval: NewEvent, warehouseId: string): Promise<LogPosition | undefined> {
    const recent = await this.store.readStream(warehouseStream(warehouseId), { direction: 'backwards', maxCount: 50 }).catch(() => []);
    return recent.find((e) => e.metadata.causationId === approval.metadata.eventId)?.position;
  }
}

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('allocation-rounds/:id/approve')
export class ApproveAllocationRoundController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'approveAllocationRound',
    summary: 'Approve an allocation proposal, as proposed or amended',
    description:
      'By the committee (logistics meeting) of the round’s county, once per round (a second decision: 409 ' +
      'ALLOCATION.ALREADY_DECIDED). Each amendment changes one line (or adds one for a municipality and item of the round) ' +
      'and says why; per item the approved total may not exceed what the round had available (409 ALLOCATION.OVER_AVAILABLE) ' +
      'nor what the warehouse can still set aside now (409 ALLOCATION.STOCK_NO_LONGER_AVAILABLE). The approved plan is ' +
      'reserved in the warehouse at once; `position` is that of the reservation, so ' +
      '`GET /api/warehouses/{id}/stock?waitFor=<position>` shows it as allocated.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The round’s `allocationId`' })
  @ApiCreatedResponse({ type: ApproveAllocationRoundResult })
  approve(@Param('id') id: string, @Body() body: ApproveAllocationRoundDto, @Context() context: CommandContext): Promise<ApproveAllocationRoundResult> {
    return this.commands.execute(new ApproveAllocationRound(id, body, context));
  }
}
