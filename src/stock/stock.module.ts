import { Module } from '@nestjs/common';

/** Each municipality's projected stock, now or as of any past business time, and the county overview. */
@Module({})
export class StockModule {}
