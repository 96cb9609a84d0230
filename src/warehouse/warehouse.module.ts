import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { WAREHOUSE_EVENTS } from './domain/warehouse.events.js';

/** The central warehouse: receipts from every source, adjustments and counts, daily dispatches. */
@Module({})
export class WarehouseModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(...WAREHOUSE_EVENTS);
  }
}
