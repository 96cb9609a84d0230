import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ALLOCATION_EVENTS, NATIONAL_REQUEST_EVENTS } from './domain/allocation.events.js';

/** Allocation rounds, committee decisions, national requests, and their audit. */
@Module({})
export class AllocationModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(...ALLOCATION_EVENTS, ...NATIONAL_REQUEST_EVENTS);
  }
}
