import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ReferenceData } from '../reference/reference-data.js';
import { CorrectSituationReportController, CorrectSituationReportHandler } from './commands/correct-situation-report.js';
import { ReportSituationController, ReportSituationHandler } from './commands/report-situation.js';
import { REPORTING_EVENTS } from './domain/situation-report.events.js';
import { SituationReportsProjection } from './projections/situation-reports.projector.js';
import { SituationReportsController } from './queries/situation-reports.js';

/** Situation reports from the municipalities, their corrections, and reporting completeness. */
@Module({
  controllers: [ReportSituationController, CorrectSituationReportController, SituationReportsController],
  providers: [ReportSituationHandler, CorrectSituationReportHandler],
})
export class ReportingModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
    private readonly reference: ReferenceData,
  ) {}

  onModuleInit(): void {
    this.registry.register(...REPORTING_EVENTS);
    this.projections.register(new SituationReportsProjection(this.reference));
  }
}
