import { Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionsService } from '../projections/projections.service.js';
import { MunicipalityStockProjection } from './projections/municipality-stock.projector.js';
import { MunicipalityStockQuery, StockReadsController } from './queries/municipality-stock.js';

/**
 * Each municipality's projected stock, now or as of any past business time, and the county overview.
 * Exports the query so that the situation picture reads the same figures.
 */
@Module({
  controllers: [StockReadsController],
  providers: [MunicipalityStockQuery],
  exports: [MunicipalityStockQuery],
})
export class StockModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionsService) {}

  onModuleInit(): void {
    this.projections.register(new MunicipalityStockProjection());
  }
}
