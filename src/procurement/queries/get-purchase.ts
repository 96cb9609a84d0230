import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../shared/actor.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.js';
import { isFullyReceived } from '../domain/purchase.decider.js';
import { type PurchaseCancelledData, type PurchaseOrderedData, type PurchaseReceivedData, purchaseStream } from '../domain/purchase.events.js';
import { type ExistingPurchase, loadPurchaseInScope } from '../load-purchase.js';

export type PurchaseStatus = 'ordered' | 'partially-received' | 'received' | 'cancelled';

const recordedBy = (event: RecordedEvent) => ({
  actor: event.metadata.actor,
  name: event.metadata.actorName ?? event.metadata.actor,
  role: event.metadata.role,
});

/** A purchase as its own stream tells it: the order, each receipt, the cancellation, and the progress per line. */
export const purchaseView = ({ state }: ExistingPurchase, events: readonly RecordedEvent[]) => {
  const ordered = events.find((e) => e.type === 'PurchaseOrdered')!;
  const cancelled = events.find((e) => e.type === 'PurchaseCancelled');
  const { order, received } = state;
  const anything = Object.values(received).some((n) => n > 0);
  const status: PurchaseStatus =
    state.status === 'cancelled' ? 'cancelled' : isFullyReceived(order, received) ? 'received' : anything ? 'partially-received' : 'ordered';
  return {
    purchaseId: order.purchaseId,
    supplier: order.supplier,
    warehouseId: order.warehouseId,
    county: order.county,
    status,
    expectedAt: (ordered.data as PurchaseOrderedData).expectedAt ?? null,
    orderedAt: ordered.metadata.occurredAt,
    orderedBy: recordedBy(ordered),
    lines: order.lines.map((l) => ({
      item: l.item,
      ordered: l.quantity,
      received: received[l.item] ?? 0,
      outstanding: state.status === 'cancelled' ? 0 : Math.max(0, l.quantity - (received[l.item] ?? 0)),
    })),
    receipts: events
      .filter((e) => e.type === 'PurchaseReceived')
      .map((e) => {
        const data = e.data as PurchaseReceivedData;
        return {
          receiptId: data.receiptId,
          receivedAt: e.metadata.occurredAt,
          recordedAt: e.recordedAt.toISOString(),
          recordedBy: recordedBy(e),
          overDelivery: data.overDelivery,
          lines: data.lines,
          position: e.position.toString(),
        };
      }),
    cancellation: cancelled
      ? {
          reason: (cancelled.data as PurchaseCancelledData).reason,
          cancelledAt: cancelled.metadata.occurredAt,
          cancelledBy: recordedBy(cancelled),
        }
      : null,
    position: events[events.length - 1]!.position.toString(),
  };
};

@ApiTags('purchases')
@ApiBearerAuth()
@Controller('purchases')
export class GetPurchaseController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A purchase order: what was ordered, received per line, outstanding, and its status',
    description:
      'For the region, the warehouse, the county board and auditors, in the purchase’s county. Read from the purchase’s own ' +
      'stream, so it is always current: `waitFor` is not needed here.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        purchaseId: '0d6f3c1e-6a4b-4c1f-9b0e-2b7c8a1d9e01',
        supplier: 'Medisupply Nordic AB',
        warehouseId: '01-central',
        county: '01',
        status: 'partially-received',
        expectedAt: '2026-03-12T09:00:00.000Z',
        orderedAt: '2026-03-02T10:15:00.000Z',
        orderedBy: { actor: 'u-4711', name: 'Anna Inköp', role: 'region' },
        lines: [
          { item: 'FFP2', ordered: 20000, received: 12000, outstanding: 8000 },
          { item: 'GLOVE-NITRILE-M', ordered: 50000, received: 0, outstanding: 50000 },
        ],
        receipts: [
          {
            receiptId: '7a1e2c3d-4b5f-4a6b-8c7d-9e0f1a2b3c4d',
            receivedAt: '2026-03-11T13:20:00.000Z',
            recordedAt: '2026-03-11T13:31:02.114Z',
            recordedBy: { actor: 'u-0815', name: 'Lager Stockholm', role: 'warehouse' },
            overDelivery: false,
            lines: [{ item: 'FFP2', quantity: 12000, lot: 'LOT-2026-0412', expiresOn: '2028-03-31' }],
            position: '751000004',
          },
        ],
        cancellation: null,
        position: '751000004',
      },
    },
  })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const purchase = await loadPurchaseInScope(this.store, this.registry, id, actor);
    // The view shows each receipt with who recorded it and when: the stream's events themselves.
    return purchaseView(purchase, await this.store.readStream(purchaseStream(id)));
  }
}
