import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../shared/actor.js';
import { assertInScope } from '../../../auth/auth.guard.js';
import { CurrentActor } from '../../../auth/current-actor.js';
import { EventRegistry } from '../../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/event-store.js';
import { ReadQueryDto } from '../../../http/read-query.dto.js';
import { ReadsFrom } from '../../../projections/wait-for.js';
import { ReferenceData } from '../../../reference/reference-data.js';
import { DECISION_DRIFT } from '../../drift/decision-drift.projection.js';
import { driftFor } from '../../drift/drift.query.js';
import { loadRound, replayRound } from '../replay.js';

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
