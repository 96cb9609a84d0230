import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ReactionsService } from '../projections/reaction.js';
import { ApproveAllocationRoundController, ApproveAllocationRoundHandler } from './commands/approve-allocation-round.js';
import { OpenAllocationRoundController, OpenAllocationRoundHandler } from './commands/open-allocation-round.js';
import { RejectAllocationRoundController, RejectAllocationRoundHandler } from './commands/reject-allocation-round.js';
import { ALLOCATION_EVENTS } from './domain/allocation.events.js';
import { AllocationRoundsProjection } from './projections/allocation-rounds.projector.js';
import { AllocationRoundsController } from './queries/allocation-rounds.js';
import { reserveStockReaction } from './reactions/reserve-stock.reaction.js';
import { ReplayRoundController } from './queries/replay.js';
import { WhatIfController } from './queries/what-if.js';
import { DecisionDriftProjection } from './projections/decision-drift.projector.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';

/** Allocation rounds, committee decisions, and their audit. */
@Module({
  imports: [CqrsModule],
  controllers: [
    OpenAllocationRoundController,
    ApproveAllocationRoundController,
    RejectAllocationRoundController,
    AllocationRoundsController,
    ReplayRoundController,
    WhatIfController,
  ],
  providers: [OpenAllocationRoundHandler, ApproveAllocationRoundHandler, RejectAllocationRoundHandler],
})
export class AllocationModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
    private readonly reactions: ReactionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onModuleInit(): void {
    this.registry.register(...ALLOCATION_EVENTS);
    this.projections.register(new AllocationRoundsProjection());
    this.reactions.register(reserveStockReaction);
    this.projections.register(new DecisionDriftProjection(this.store, this.registry));
  }
}
