import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
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

export class WhatIfDto {
  @ApiPropertyOptional({
    example: 'need-weighted/1',
    description: `Policy and version (a bare name means its latest); the recorded one when omitted. Known: ${knownPolicies().join(', ')}`,
  })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}(\/\d{1,6})?$/, { message: 'policy must be name/version, e.g. need-weighted/1' })
  policy?: string;

  @ApiPropertyOptional({
    example: { infectionWeight: 0, acuteDays: 5 },
    description: 'Parameters to change; the others stay as recorded (or the other policy’s defaults when the policy changes)',
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}

export interface WhatIfReport {
  readonly allocationId: string;
  readonly recorded: { readonly policy: string; readonly parameters: Record<string, unknown> };
  readonly whatIf: { readonly policy: string; readonly parameters: Record<string, unknown> };
  readonly outputs: PolicyOutput;
  readonly lines: ReturnType<typeof compareLines>;
  readonly items: readonly {
    readonly item: string;
    readonly recordedAllocated: number;
    readonly whatIfAllocated: number;
    readonly recordedUnmet: number;
    readonly whatIfUnmet: number;
  }[];
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

const EXAMPLE_ID = '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10';

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
    summary: 'What the round would have given under another policy version or other parameters',
    description:
      'Runs the round’s recorded inputs under the policy and parameters asked for and compares, line by line, with the ' +
      'recorded outputs. Writes nothing. Auditors, and the county board of the round’s county.',
  })
  @ApiParam({ name: 'id', example: EXAMPLE_ID })
  @ApiOkResponse({
    schema: {
      example: {
        allocationId: EXAMPLE_ID,
        recorded: { policy: 'need-weighted/2', parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false } },
        whatIf: { policy: 'need-weighted/2', parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 0, wholePacks: false } },
        outputs: {
          lines: [{ municipality: '0115', item: 'FFP2', need: 1000, acute: false, quantity: 700, unmet: 300 }],
          items: [{ item: 'FFP2', available: 1500, allocated: 1500, unmet: 500 }],
        },
        lines: [
          {
            municipality: '0115',
            item: 'FFP2',
            recorded: { need: 1000, quantity: 800, unmet: 200 },
            whatIf: { need: 1000, quantity: 700, unmet: 300 },
            change: -100,
          },
        ],
        items: [{ item: 'FFP2', recordedAllocated: 1500, whatIfAllocated: 1500, recordedUnmet: 500, whatIfUnmet: 500 }],
      },
    },
  })
  async run(@Param('id') id: string, @Body() body: WhatIfDto, @CurrentActor() actor: Actor) {
    const round = await loadRound(this.store, this.registry, id);
    assertInScope(actor, { county: round.proposal.data.county });
    return whatIf(round.proposal.data, body);
  }
}
