import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { PROCUREMENT_EVENTS } from './domain/purchase.events.js';

/** The region's purchase orders and the goods received against them. */
@Module({})
export class ProcurementModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(...PROCUREMENT_EVENTS);
  }
}
