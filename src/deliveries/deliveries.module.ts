import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ReactionsService } from '../projections/reaction.js';
import { ReceiveDeliveryController, ReceiveDeliveryHandler } from './commands/receive-delivery.js';
import { ExportLimits } from '../http/export-limits.js';
import { DELIVERY_EVENTS } from './domain/delivery.events.js';
import { DeliveryHistoryProjection } from './projections/delivery-history.projector.js';
import { DeliveryHistoryController, DeliveryHistoryQuery } from './queries/delivery-history.js';
import { openDeliveryReaction } from './reactions/open-delivery.reaction.js';

/** Deliveries to the municipalities: their confirmation and the auditable delivery history. */
@Module({
  imports: [CqrsModule],
  controllers: [ReceiveDeliveryController, DeliveryHistoryController],
  providers: [ReceiveDeliveryHandler, DeliveryHistoryQuery, ExportLimits],
  exports: [DeliveryHistoryQuery],
})
export class DeliveriesModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
    private readonly reactions: ReactionsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(...DELIVERY_EVENTS);
    this.reactions.register(openDeliveryReaction);
    this.projections.register(new DeliveryHistoryProjection());
  }
}
