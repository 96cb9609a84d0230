import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { AnswerNationalRequestController, AnswerNationalRequestHandler } from './commands/answer-national-request.js';
import { RaiseNationalRequestController, RaiseNationalRequestHandler } from './commands/raise-national-request.js';
import { NATIONAL_REQUEST_EVENTS } from './domain/national-request.events.js';
import { NationalRequestsProjection } from './projections/national-requests.projector.js';
import { NationalRequestsController, NationalRequestsQuery } from './queries/national-requests.js';

/**
 * The county's requests to the national stockpile, their answers, and what arrived against them.
 * Exports the query so that the situation picture reads the same requests.
 */
@Module({
  imports: [CqrsModule],
  controllers: [RaiseNationalRequestController, AnswerNationalRequestController, NationalRequestsController],
  providers: [RaiseNationalRequestHandler, AnswerNationalRequestHandler, NationalRequestsQuery],
  exports: [NationalRequestsQuery],
})
export class NationalRequestsModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(...NATIONAL_REQUEST_EVENTS);
    this.projections.register(new NationalRequestsProjection());
  }
}
