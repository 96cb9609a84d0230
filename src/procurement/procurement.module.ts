import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ReactionsService } from '../projections/reaction.js';
import { CancelPurchaseController, CancelPurchaseHandler } from './commands/cancel-purchase.js';
import { OrderPurchaseController, OrderPurchaseHandler } from './commands/order-purchase.js';
import { ReceivePurchaseController, ReceivePurchaseHandler } from './commands/receive-purchase.js';
import { PROCUREMENT_EVENTS } from './domain/purchase.events.js';
import { GetPurchaseController } from './queries/get-purchase.js';
import { PurchasesController, PurchasesQuery } from './queries/purchases.js';
import { PurchasesProjection } from './projections/purchases.projector.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { receiptsIntoWarehouse } from './reactions/receipts-into-warehouse.reaction.js';

/** The region's purchase orders and the goods received against them. */
@Module({
  controllers: [OrderPurchaseController, ReceivePurchaseController, CancelPurchaseController, GetPurchaseController, PurchasesController],
  providers: [OrderPurchaseHandler, ReceivePurchaseHandler, CancelPurchaseHandler, PurchasesQuery],
})
export class ProcurementModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly reactions: ReactionsService,
    private readonly projections: ProjectionsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(...PROCUREMENT_EVENTS);
    this.reactions.register(receiptsIntoWarehouse);
    this.projections.register(new PurchasesProjection());
  }
}
