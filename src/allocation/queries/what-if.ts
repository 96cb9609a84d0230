import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiCount } from '../../http/api-properties.js';
import { IsObject, IsOptional, Matches } from 'class-validator';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { ReadOnlyPost } from '../../http/idempotency.interceptor.js';
import { DomainError } from '../../shared/domain-error.js';
import type { AllocationProposedData, RoundInputsData } from '../domain/allocation.events.js';
import { compareLines } from '../domain/compare-round.js';
import { knownPolicies, parsePolicy, policyFor } from '../domain/policies/registry.js';
import { type AllocationPolicy, type PolicyOutput, policyId } from '../domain/policies/policy.js';
import { loadRound } from '../load-round.js';
import { PARAMETERS, RoundOutputsDto } from '../allocation-round.dto.js';

export class WhatIfDto {
  @ApiPropertyOptional({
    example: 'need-weighted/1',
    pattern: '^[a-z0-9-]{1,60}(/[0-9]{1,6})?$',
    description: `Policy and version (a bare name means its latest); the recorded one when omitted. Known: ${knownPolicies().join(', ')}`,
  })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}(\/\d{1,6})?$/, { message: 'policy must be name/version, e.g. need-weighted/1' })
  policy?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { anyOf: [{ type: 'number' }, { type: 'boolean' }] },
    example: { infectionWeight: 0, acuteDays: 5 },
    description: 'Parameters to change; the others stay as recorded (or the other policy’s defaults when the policy changes)',
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}

export class PolicyRunDto {
  @ApiProperty({ example: 'need-weighted/2', description: 'Policy and version' })
  readonly policy: string;

  @ApiProperty({ ...PARAMETERS, description: 'Every parameter it ran with' })
  readonly parameters: Record<string, unknown>;
}

export class LineFiguresDto {
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Null when the run had no such line' })
  readonly need: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 when the run had no such line' })
  readonly quantity: number;
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'Null when the run had no such line' })
  readonly unmet: number | null;
}

export class LineComparisonDto {
  @ApiProperty({ example: '0115' })
  readonly municipality: string;
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: () => LineFiguresDto })
  readonly recorded: LineFiguresDto;
  @ApiProperty({ type: () => LineFiguresDto })
  readonly whatIf: LineFiguresDto;
  @ApiProperty({ type: 'integer', description: 'What-if quantity less the recorded one' })
  readonly change: number;
}

export class ItemComparisonDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiCount()
  readonly recordedAllocated: number;
  @ApiCount()
  readonly whatIfAllocated: number;
  @ApiCount()
  readonly recordedUnmet: number;
  @ApiCount()
  readonly whatIfUnmet: number;
}

export class WhatIfReport {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;
  @ApiProperty({ type: () => PolicyRunDto, description: 'The policy and parameters the round recorded' })
  readonly recorded: PolicyRunDto;
  @ApiProperty({ type: () => PolicyRunDto, description: 'The policy and parameters of this run' })
  readonly whatIf: PolicyRunDto;
  @ApiProperty({ type: () => RoundOutputsDto, description: 'This run’s outputs' })
  readonly outputs: PolicyOutput;
  @ApiProperty({ type: () => [LineComparisonDto], description: 'Per municipality and item of either run' })
  readonly lines: readonly LineComparisonDto[];
  @ApiProperty({ type: () => [ItemComparisonDto] })
  readonly items: readonly ItemComparisonDto[];
}

/**
 * The recorded inputs under another policy version or other parameters. Parameters not given are
 * the recorded ones when the policy is the recorded one, else the other policy's defaults.
 */
export const whatIf = (
  proposal: Pick<AllocationProposedData, 'allocationId' | 'policy' | 'parameters' | 'outputs'> & {
    readonly inputs: Pick<RoundInputsData, 'supply' | 'municipalities'>;
  },
  request: { readonly policy?: string; readonly parameters?: Record<string, unknown> },
): WhatIfReport => {
  // Whichever policy it is, its parameters are named values: read them as such, not as any.
  const policy = (request.policy === undefined ? policyFor(proposal.policy.name, proposal.policy.version) : parsePolicy(request.policy)) as AllocationPolicy<
    Record<string, unknown>
  >;
  const samePolicy = policyId(policy) === policyId(proposal.policy);
  for (const name of Object.keys(request.parameters ?? {})) {
    if (!(name in policy.defaults)) {
      throw new DomainError('ALLOCATION.UNKNOWN_PARAMETER', `${policyId(policy)} has no parameter ${name}`, 'invalid', { field: `parameters.${name}` });
    }
  }
  const parameters = policy.parameters({ ...(samePolicy ? proposal.parameters : policy.defaults), ...request.parameters });
  const outputs = policy.allocate(proposal.inputs, parameters);
  const recordedItems = new Map(proposal.outputs.items.map((i) => [i.item, i]));
  return {
    allocationId: proposal.allocationId,
    recorded: { policy: policyId(proposal.policy), parameters: proposal.parameters },
    whatIf: { policy: policyId(policy), parameters },
    outputs,
    lines: compareLines(proposal.outputs, outputs),
    items: outputs.items.map((i) => ({
      item: i.item,
      recordedAllocated: recordedItems.get(i.item)?.allocated ?? 0,
      whatIfAllocated: i.allocated,
      recordedUnmet: recordedItems.get(i.item)?.unmet ?? 0,
      whatIfUnmet: i.unmet,
    })),
  };
};

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/allocation-rounds/:id/what-if')
export class WhatIfController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  @Post()
  @ReadOnlyPost()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'whatIfAllocationRound',
    summary: 'What the round would have given under another policy version or other parameters',
    description:
      'Runs the round’s recorded inputs under the policy and parameters asked for and compares, line by line, with the ' +
      'recorded outputs. Writes nothing. Auditors, and the county board of the round’s county.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The round’s `allocationId`' })
  @ApiOkResponse({ type: WhatIfReport })
  async run(@Param('id') id: string, @Body() body: WhatIfDto, @CurrentActor() actor: Actor): Promise<WhatIfReport> {
    const round = await loadRound(this.store, this.registry, id);
    assertInScope(actor, { county: round.proposal.data.county });
    return whatIf(round.proposal.data, body);
  }
}
