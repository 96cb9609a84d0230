import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNumber, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { StreamNotFoundError } from '../../event-store/errors.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type LogPosition } from '../../event-store/event-store.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { allocationRoundDecider } from '../domain/allocation-round.decider.js';
import { allocationStream, type AllocationProposedData, type RoundInputsData } from '../domain/allocation.events.js';
import { buildRoundInputs, type RoundScope } from '../domain/round-inputs.js';
import { knownPolicies, parsePolicy } from '../domain/policies/registry.js';
import { readRoundFacts } from '../round-facts.js';
import { PARAMETERS, PolicyRefDto, POSITION_PATTERN, RoundInputsDto, RoundOutputsDto } from '../allocation-round.dto.js';
import { municipalityStream } from '../../reporting/domain/situation-report.events.js';
import { warehouseStream } from '../../warehouse/domain/warehouse.events.js';
import { IsItemCode } from '../../reference/item-code.validator.js';

/** How long a round waits for the log's head to pass what its streams hold. */
const HEAD_WAIT_MS = 3_000;

/** A bare name means its latest version. */
const POLICY_NAMES = [...new Set(knownPolicies().flatMap((id) => [id, id.split('/')[0]!]))];

export class PolicyParametersDto {
  @ApiPropertyOptional({ example: 14, minimum: 1, maximum: 365, description: 'Days of use a municipality’s need covers (1–365; default 14)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  horizonDays?: number;

  @ApiPropertyOptional({
    example: 3,
    minimum: 0,
    maximum: 365,
    description: 'Under this many days of supply a shortage is acute and served first (0–horizonDays; default 3)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  acuteDays?: number;

  @ApiPropertyOptional({
    example: 1,
    minimum: 0,
    maximum: 100,
    description: 'How much infection pressure weighs beside need (0–100; 0: need alone; default 1)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  infectionWeight?: number;

  @ApiPropertyOptional({ example: false, description: 'Allocate whole packs only (default false)' })
  @IsOptional()
  @IsBoolean()
  wholePacks?: boolean;
}

export class OpenAllocationRoundDto {
  @ApiPropertyOptional({
    example: ['FFP2', 'GLOVE-NITRILE-M'],
    type: 'string',
    isArray: true,
    minItems: 1,
    maxItems: 100,
    uniqueItems: true,
    pattern: '^[A-Z0-9-]{2,40}$',
    description: 'Only these items (codes from GET /api/items); default every item',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'items must not name an item twice' })
  @IsString({ each: true })
  @IsItemCode({ each: true })
  items?: string[];

  @ApiPropertyOptional({
    example: 'need-weighted/2',
    enum: POLICY_NAMES,
    description: 'Policy and version; a bare name is its latest version; default need-weighted/2',
  })
  @IsOptional()
  @IsIn(POLICY_NAMES)
  policy?: string;

  @ApiPropertyOptional({ type: PolicyParametersDto, example: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false } })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PolicyParametersDto)
  parameters?: PolicyParametersDto;
}

export class OpenAllocationRoundResult {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;

  @ApiProperty({ pattern: POSITION_PATTERN, description: 'The proposal’s log position: `waitFor` it to read the round back' })
  readonly position: string;

  @ApiProperty({ example: '01' })
  readonly county: string;

  @ApiProperty({ example: '01-central' })
  readonly warehouseId: string;

  @ApiProperty({ type: () => PolicyRefDto })
  readonly policy: PolicyRefDto;

  @ApiProperty({ ...PARAMETERS, description: 'Every parameter the policy ran with, defaults included' })
  readonly parameters: AllocationProposedData['parameters'];

  @ApiProperty({ type: () => RoundInputsDto, description: 'Where the inputs were read (their figures are in the round’s detail)' })
  readonly inputs: RoundInputsDto;

  @ApiProperty({ type: () => RoundOutputsDto })
  readonly outputs: RoundOutputsDto;
}

export class OpenAllocationRound extends Command<OpenAllocationRoundResult> {
  constructor(
    readonly body: OpenAllocationRoundDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(OpenAllocationRound)
export class OpenAllocationRoundHandler implements ICommandHandler<OpenAllocationRound, OpenAllocationRoundResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ body, context }: OpenAllocationRound): Promise<OpenAllocationRoundResult> {
    const policy = parsePolicy(body.policy);
    const { county, warehouseId, scope } = this.scopeOf(body, context);
    const inputs = await this.inputsOf(scope, warehouseId);
    const allocationId = newEntityId(context, 'allocation-round');
    const result = await this.commands.handle({
      streamId: allocationStream(allocationId),
      decider: allocationRoundDecider,
      command: {
        type: 'ProposeAllocation',
        allocationId,
        county,
        warehouseId,
        policy: { name: policy.name, version: policy.version },
        // Only the parameters given: the DTO instance carries the others as undefined, which would hide the defaults.
        parameters: Object.fromEntries(Object.entries(body.parameters ?? {}).filter(([, value]) => value !== undefined)),
        inputs,
      },
      context,
    });
    const proposed = result.events[0]!.data as AllocationProposedData;
    return {
      allocationId,
      position: result.position!.toString(),
      county,
      warehouseId,
      policy: proposed.policy,
      parameters: proposed.parameters,
      inputs: { position: proposed.inputs.position, asOf: proposed.inputs.asOf },
      outputs: proposed.outputs,
    };
  }

  /** The actor's county (only ever the token's), its municipalities and warehouse, and the items. */
  private scopeOf(body: OpenAllocationRoundDto, context: CommandContext) {
    const county = context.actor.county;
    if (county === undefined) throw new DomainError('AUTH.FORBIDDEN', 'a round is opened for the county in the token', 'forbidden');
    const warehouse = this.reference.warehouseOf(county);
    if (!warehouse) throw new DomainError('ALLOCATION.NO_WAREHOUSE', `county ${county} has no central warehouse to allocate from`, 'rule');
    body.items?.forEach((code, i) => this.reference.requireItem(code, `items[${i}]`));
    const items = (body.items ?? this.reference.items.map((i) => i.code))
      .map((code) => ({ item: code, packSize: this.reference.item(code)!.packSize }))
      .sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    const scope: RoundScope = { municipalities: this.reference.municipalitiesOf(county).map((m) => m.code), items, asOf: context.now };
    return { county, warehouseId: warehouse.id, scope };
  }

  /** The inputs as the log stood at one position: nothing recorded after it is seen. */
  private async inputsOf(scope: RoundScope, warehouseId: string): Promise<RoundInputsData> {
    const position = await this.settledHead([warehouseStream(warehouseId), ...scope.municipalities.map(municipalityStream)]);
    const { facts, streams } = await readRoundFacts(this.store, this.registry, { ...scope, warehouseId, position });
    const { supply, municipalities } = buildRoundInputs(scope, facts);
    return {
      position: position.toString(),
      asOf: scope.asOf.toISOString(),
      streams,
      supply: supply.map((s) => ({ ...s })),
      municipalities: municipalities.map((m) => ({ ...m, items: m.items.map((i) => ({ ...i })) })),
    };
  }

  /**
   * The log's head, once it has passed the last event of every stream the round reads. The head
   * only ever counts events that nothing can commit behind (see docs/architecture.md, "Why
   * positions are not a sequence"), so for a moment it can lag an event already committed — a
   * receipt recorded just before the round would then be left out. Waits for it, briefly; past
   * that, the round is honestly as of the head it had.
   */
  private async settledHead(streamIds: readonly string[]): Promise<LogPosition> {
    const lastOf = async (streamId: string) =>
      (
        await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }).catch((error: unknown) => {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        })
      )[0]?.position ?? 0n;
    const latest = (await Promise.all(streamIds.map(lastOf))).reduce((max, p) => (p > max ? p : max), 0n);
    const deadline = Date.now() + HEAD_WAIT_MS;
    let head = await this.store.headPosition();
    while (head < latest && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      head = await this.store.headPosition();
    }
    return head;
  }
}

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('allocation-rounds')
export class OpenAllocationRoundController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'openAllocationRound',
    summary: 'Open an allocation round: propose how the county’s warehouse stock is shared out',
    description:
      'By the county board, for the county in its token. Reads the inputs — the warehouse’s available stock per item, and ' +
      'each municipality’s projected stock, daily use, request and infections now — from the event log as it stands at one ' +
      'position, runs the policy (default need-weighted/2; see docs/allocation.md) and records the proposal with every ' +
      'parameter, input and output. The committee then approves or rejects it. Unknown item: 400 naming `items[i]`; a bad ' +
      'parameter: 400 naming `parameters.<name>`.',
  })
  @ApiCreatedResponse({ type: OpenAllocationRoundResult })
  open(@Body() body: OpenAllocationRoundDto, @Context() context: CommandContext): Promise<OpenAllocationRoundResult> {
    return this.commands.execute(new OpenAllocationRound(body, context));
  }
}
