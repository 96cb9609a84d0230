import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { allocationStream } from '../domain/allocation.events.js';
import { diffInputs, diffOutputs } from '../domain/compare-round.js';
import { DiffEntryDto, DriftDto, PARAMETERS, POSITION_PATTERN } from '../allocation-round.dto.js';
import { policyFor } from '../domain/policies/registry.js';
import { policyId } from '../domain/policies/policy.js';
import { buildRoundInputs } from '../domain/round-inputs.js';
import { loadRound, type RoundStatus } from '../load-round.js';
import { DECISION_DRIFT } from '../projections/decision-drift.projector.js';
import { readRoundFacts } from '../round-facts.js';
import { driftFor } from './decision-drift.js';

export class StreamReadDto {
  @ApiProperty({ example: 'warehouse-01-central' })
  readonly streamId: string;

  @ApiProperty({ pattern: '^-?[0-9]{1,19}$', description: 'Revision of its last event at the position; -1 when it had none' })
  readonly revision: string;
}

export class ReplayReadDto {
  @ApiProperty({ type: () => [StreamReadDto], description: 'Only these streams were read, as they stood at `position`' })
  readonly streams: readonly StreamReadDto[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events read in all' })
  readonly events: number;
}

export class ReplayReport {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;
  @ApiProperty({ example: '01' })
  readonly county: string;
  @ApiProperty({ example: '01-central' })
  readonly warehouseId: string;
  @ApiProperty({ enum: ['proposed', 'approved', 'rejected'], enumName: 'RoundStatus' })
  readonly status: RoundStatus;
  @ApiProperty({ example: 'need-weighted/2', description: 'The recorded policy and version' })
  readonly policy: string;
  @ApiProperty({ ...PARAMETERS, description: 'The recorded parameters' })
  readonly parameters: Record<string, number | boolean>;
  @ApiProperty({ pattern: POSITION_PATTERN, description: 'The log position the inputs were read at' })
  readonly position: string;
  @ApiProperty({ format: 'date-time', description: 'The business time the stock was projected to' })
  readonly asOf: string;
  @ApiProperty()
  readonly inputsReproduced: boolean;
  @ApiProperty()
  readonly outputsReproduced: boolean;
  @ApiProperty({ type: () => [DiffEntryDto], description: 'Where inputs or outputs were not reproduced; empty when both were' })
  readonly diff: readonly DiffEntryDto[];
  /** What the replay read: only these streams, as they stood at `position`. */
  @ApiProperty({ type: () => ReplayReadDto })
  readonly read: ReplayReadDto;
}

export class ReplayWithDriftDto extends ReplayReport {
  @ApiPropertyOptional({
    type: () => DriftDto,
    description: 'Present when facts recorded after the decision change inputs it would have seen',
  })
  readonly drift?: DriftDto;
}

/**
 * Replays a decision: rebuilds its inputs from the log as it stood at the recorded position (the
 * county's municipality streams from reference data, the warehouse's stream and the deliveries they
 * lead to — never the stored copy, never a read model), reruns the recorded policy version with the
 * recorded parameters on them, and compares both with what was recorded.
 */
export const replayRound = async (store: EventStore, registry: EventRegistry, reference: ReferenceData, allocationId: string): Promise<ReplayReport> => {
  const round = await loadRound(store, registry, allocationId);
  const recorded = round.proposal.data;
  const { facts, streams } = await readRoundFacts(store, registry, {
    warehouseId: recorded.warehouseId,
    municipalities: reference.municipalitiesOf(recorded.county).map((m) => m.code),
    items: recorded.inputs.supply.map(({ item, packSize }) => ({ item, packSize })),
    asOf: new Date(recorded.inputs.asOf),
    position: BigInt(recorded.inputs.position),
    // Only sizes the reads: what is read is decided by the position, and compared with this after.
    recorded: recorded.inputs.streams,
  });
  const rebuilt = buildRoundInputs(
    {
      municipalities: reference.municipalitiesOf(recorded.county).map((m) => m.code),
      items: recorded.inputs.supply.map(({ item, packSize }) => ({ item, packSize })),
      asOf: new Date(recorded.inputs.asOf),
    },
    facts,
  );
  const inputsDiff = diffInputs(recorded.inputs, { ...rebuilt, streams });
  const policy = policyFor(recorded.policy.name, recorded.policy.version);
  const outputsDiff = diffOutputs(recorded.outputs, policy.allocate(rebuilt, policy.parameters(recorded.parameters)));
  return {
    allocationId,
    county: recorded.county,
    warehouseId: recorded.warehouseId,
    status: round.status,
    policy: policyId(recorded.policy),
    parameters: recorded.parameters,
    position: recorded.inputs.position,
    asOf: recorded.inputs.asOf,
    inputsReproduced: inputsDiff.length === 0,
    outputsReproduced: outputsDiff.length === 0,
    diff: [...inputsDiff, ...outputsDiff],
    read: {
      streams: [{ streamId: allocationStream(allocationId), revision: String(round.events - 1) }, ...streams],
      // Revisions count from 0 and have no gaps: a stream read up to revision r gave r + 1 events.
      events: round.events + streams.reduce((sum, s) => sum + Number(s.revision) + 1, 0),
    },
  };
};

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/allocation-rounds/:id/replay')
export class ReplayRoundController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly reference: ReferenceData,
    private readonly db: DataSource,
  ) {}

  @Get()
  @ReadsFrom(DECISION_DRIFT)
  @ApiOperation({
    operationId: 'replayAllocationRound',
    summary: 'Replay an allocation decision from the event log',
    description:
      'Rebuilds the round’s inputs from the log as it stood at the recorded position — reading only the streams the decision ' +
      'depended on, never the stored copy or a read model — reruns the recorded policy version with the recorded parameters, ' +
      'and answers whether inputs and outputs are reproduced, with a diff where they are not. `drift` appears when facts ' +
      'recorded after the decision (a late report, a correction) change inputs it would have seen; the replay itself still ' +
      'reads the log as it stood.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The round’s `allocationId`' })
  @ApiOkResponse({ type: ReplayWithDriftDto })
  async replay(@Param('id') id: string, @Query() _query: ReadQueryDto, @CurrentActor() actor: Actor): Promise<ReplayWithDriftDto> {
    const round = await loadRound(this.store, this.registry, id);
    assertInScope(actor, { county: round.proposal.data.county });
    const report = await replayRound(this.store, this.registry, this.reference, id);
    const drift = (await driftFor(this.db, [id])).get(id);
    return { ...report, ...(drift ? { drift } : {}) };
  }
}
