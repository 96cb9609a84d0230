import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { AdjustStockController, AdjustStockHandler } from './commands/adjust-stock.js';
import { DispatchDeliveryController, DispatchDeliveryHandler } from './commands/dispatch-delivery.js';
import { ReceiveStockController, ReceiveStockHandler } from './commands/receive-stock.js';
import { WAREHOUSE_EVENTS } from './domain/warehouse.events.js';
import { WarehouseStockProjection } from './projections/warehouse-stock.projector.js';
import { WarehouseStockController } from './queries/warehouse-stock.js';

/** The central warehouse: receipts from every source, adjustments and counts, daily dispatches. */
@Module({
  controllers: [ReceiveStockController, AdjustStockController, DispatchDeliveryController, WarehouseStockController],
  providers: [ReceiveStockHandler, AdjustStockHandler, DispatchDeliveryHandler],
})
export class WarehouseModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(...WAREHOUSE_EVENTS);
    this.projections.register(new WarehouseStockProjection());
  }
}
