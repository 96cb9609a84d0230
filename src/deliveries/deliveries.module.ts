import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { DELIVERY_EVENTS } from './domain/delivery.events.js';

/** Deliveries to the municipalities: their confirmation and the auditable delivery history. */
@Module({})
export class DeliveriesModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(...DELIVERY_EVENTS);
  }
}
