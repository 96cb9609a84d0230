import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
import { diffInputs, diffOutputs, type DiffEntry } from '../domain/compare-round.js';
import { policyFor } from '../domain/policies/registry.js';
import { policyId } from '../domain/policies/policy.js';
import { buildRoundInputs } from '../domain/round-inputs.js';
import { loadRound, type RoundStatus } from '../load-round.js';
import { DECISION_DRIFT } from '../projections/decision-drift.projector.js';
import { readRoundFacts } from '../round-facts.js';
import { driftFor } from './decision-drift.js';

export interface ReplayReport {
  readonly allocationId: string;
  readonly county: string;
  readonly warehouseId: string;
  readonly status: RoundStatus;
  readonly policy: string;
  readonly parameters: Record<string, number | boolean>;
  readonly position: string;
  readonly asOf: string;
  readonly inputsReproduced: boolean;
  readonly outputsReproduced: boolean;
  readonly diff: readonly DiffEntry[];
  /** What the replay read: only these streams, as they stood at `position`. */
  readonly read: {
    readonly streams: readonly { readonly streamId: string; readonly revision: string }[];
    readonly events: number;
  };
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

const EXAMPLE_ID = '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10';

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
    summary: 'Replay an allocation decision from the event log',
    description:
      'Rebuilds the round’s inputs from the log as it stood at the recorded position — reading only the streams the decision ' +
      'depended on, never the stored copy or a read model — reruns the recorded policy version with the recorded parameters, ' +
      'and answers whether inputs and outputs are reproduced, with a diff where they are not. `drift` appears when facts ' +
      'recorded after the decision (a late report, a correction) change inputs it would have seen; the replay itself still ' +
      'reads the log as it stood.',
  })
  @ApiParam({ name: 'id', example: EXAMPLE_ID })
  @ApiOkResponse({
    schema: {
      example: {
        allocationId: EXAMPLE_ID,
        county: '01',
        warehouseId: '01-central',
        status: 'approved',
        policy: 'need-weighted/2',
        parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
        position: '751000020',
        asOf: '2026-03-06T10:00:00.000Z',
        inputsReproduced: true,
        outputsReproduced: false,
        diff: [{ path: 'outputs.lines[0115][FFP2].quantity', recorded: 900, replayed: 800 }],
        read: {
          streams: [
            { streamId: `allocation-${EXAMPLE_ID}`, revision: '1' },
            { streamId: 'warehouse-01-central', revision: '12' },
            { streamId: 'municipality-0115', revision: '3' },
          ],
          events: 19,
        },
        drift: {
          drifted: true,
          detectedAt: '2026-03-08T09:12:00.000Z',
          causedBy: { eventId: '1f2e…', position: '751000052', type: 'SituationReportCorrected', streamId: 'municipality-0115' },
          differences: [{ municipality: '0115', item: 'FFP2', field: 'projectedStock', recorded: 650, now: 600 }],
        },
      },
    },
  })
  async replay(@Param('id') id: string, @Query() _query: ReadQueryDto, @CurrentActor() actor: Actor) {
    const round = await loadRound(this.store, this.registry, id);
    assertInScope(actor, { county: round.proposal.data.county });
    const report = await replayRound(this.store, this.registry, this.reference, id);
    const drift = (await driftFor(this.db, [id])).get(id);
    return { ...report, ...(drift ? { drift } : {}) };
  }
}
