import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type Actor, ROLES } from '../../shared/actor.js';
import { ApiInstant, ApiLogPosition, ApiNullableObject, ApiUuid } from '../../http/api-properties.js';
import { ReceivedLineDto } from '../../warehouse/received-line.dto.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { EventRegistry } from '../../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.js';
import { isFullyReceived } from '../domain/purchase.decider.js';
import { type PurchaseCancelledData, type PurchaseOrderedData, type PurchaseReceivedData, purchaseStream } from '../domain/purchase.events.js';
import { type ExistingPurchase, loadPurchaseInScope, PURCHASE_ID } from '../load-purchase.js';

export const PURCHASE_STATUSES = ['ordered', 'partially-received', 'received', 'cancelled'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

/** Who recorded an event of the purchase; `name` is the subject when the token carried none. */
export class PurchaseActorDto {
  @ApiProperty({ example: 'u-4711', description: 'The token’s subject' })
  actor: string;

  @ApiProperty({ example: 'Anna Inköp' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'region' })
  role: string;
}

export class PurchaseLineDto {
  @ApiProperty({ example: 'FFP2' })
  item: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 20000 })
  ordered: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12000, description: 'Received so far, over-deliveries included' })
  received: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 8000, description: 'Still to come; 0 once cancelled' })
  outstanding: number;
}

export class PurchaseReceiptDto {
  @ApiUuid()
  receiptId: string;

  @ApiInstant({ description: 'When the goods arrived (business time)' })
  receivedAt: string;

  @ApiInstant({ description: 'When the service recorded the receipt' })
  recordedAt: string;

  @ApiProperty({ type: () => PurchaseActorDto })
  recordedBy: PurchaseActorDto;

  @ApiProperty({ description: 'More than ordered on some line, accepted as such' })
  overDelivery: boolean;

  @ApiProperty({ type: () => [ReceivedLineDto] })
  lines: ReceivedLineDto[];

  @ApiLogPosition({ description: 'Log position of the receipt' })
  position: string;
}

export class PurchaseCancellationDto {
  @ApiProperty({ example: 'The supplier cannot deliver the gloves before May' })
  reason: string;

  @ApiInstant()
  cancelledAt: string;

  @ApiProperty({ type: () => PurchaseActorDto })
  cancelledBy: PurchaseActorDto;
}

export class PurchaseDto {
  @ApiUuid()
  purchaseId: string;

  @ApiProperty({ example: 'Medisupply Nordic AB' })
  supplier: string;

  @ApiProperty({ example: '01-central' })
  warehouseId: string;

  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  county: string;

  @ApiProperty({ enum: PURCHASE_STATUSES, example: 'partially-received' })
  status: PurchaseStatus;

  @ApiInstant({ nullable: true, description: 'When the supplier promised delivery; null if no promise was recorded' })
  expectedAt: string | null;

  @ApiInstant()
  orderedAt: string;

  @ApiProperty({ type: () => PurchaseActorDto })
  orderedBy: PurchaseActorDto;

  @ApiProperty({ type: () => [PurchaseLineDto], description: 'Per item ordered' })
  lines: PurchaseLineDto[];

  @ApiProperty({ type: () => [PurchaseReceiptDto], description: 'In the order recorded' })
  receipts: PurchaseReceiptDto[];

  @ApiNullableObject(PurchaseCancellationDto, { description: 'null unless cancelled' })
  cancellation: PurchaseCancellationDto | null;

  @ApiLogPosition({ description: 'Log position of the purchase’s last event' })
  position: string;
}

const recordedBy = (event: RecordedEvent): PurchaseActorDto => ({
  actor: event.metadata.actor,
  name: event.metadata.actorName ?? event.metadata.actor,
  role: event.metadata.role,
});

/** A purchase as its own stream tells it: the order, each receipt, the cancellation, and the progress per line. */
export const purchaseView = ({ state }: ExistingPurchase, events: readonly RecordedEvent[]): PurchaseDto => {
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

@ApiTags('procurement')
@ApiBearerAuth()
@ApiExtraModels(PurchaseCancellationDto)
@Controller('purchases')
export class GetPurchaseController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  @Get(':id')
  @ApiOperation({
    operationId: 'getPurchase',
    summary: 'A purchase order: what was ordered, received per line, outstanding, and its status',
    description:
      'For the region, the warehouse, the county board and auditors, in the purchase’s county. Read from the purchase’s own ' +
      'stream, so it is always current: `waitFor` is not needed here.',
  })
  @ApiParam(PURCHASE_ID)
  @ApiOkResponse({ type: PurchaseDto })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<PurchaseDto> {
    const purchase = await loadPurchaseInScope(this.store, this.registry, id, actor);
    // The view shows each receipt with who recorded it and when: the stream's events themselves.
    return purchaseView(purchase, await this.store.readStream(purchaseStream(id)));
  }
}
