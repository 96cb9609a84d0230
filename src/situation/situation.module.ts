import { Module } from '@nestjs/common';
import { NationalRequestsModule } from '../national-requests/national-requests.module.js';
import { StockModule } from '../stock/stock.module.js';
import { SituationPictureController } from './queries/situation-picture.js';

/**
 * The situation picture (lägesbild) of a county: no events and no read model of its own, only what
 * the stock, the national requests and the allocation rounds' drift read, put side by side.
 */
@Module({
  imports: [StockModule, NationalRequestsModule],
  controllers: [SituationPictureController],
})
export class SituationModule {}
