import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { REPORTING_EVENTS } from './domain/situation-report.events.js';

/** Situation reports from the municipalities, their corrections, and reporting completeness. */
@Module({})
export class ReportingModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(...REPORTING_EVENTS);
  }
}
