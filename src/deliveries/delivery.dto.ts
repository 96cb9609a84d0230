import { ApiProperty } from '@nestjs/swagger';
import { ApiInstant, ApiLogPosition, ApiNullableObject, ApiUnits, ApiUuid, RecordedByDto } from '../http/api-properties.js';
import { DispatchedLotDto } from '../warehouse/warehouse.dto.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './projections/delivery-history.projector.js';

/**
 * A delivery as the history shows it, and the `id` of a delivery route: what the deliveries'
 * confirmation and reads share.
 */

/** No example: the service makes the ids, and a made-up one answers 404. */
export const DELIVERY_ID = {
  name: 'id',
  format: 'uuid',
  description: 'The delivery’s id: `deliveryId` in the answer to a dispatch, or in GET /api/deliveries',
} as const;

export class DeliveryDispatchDto {
  @ApiInstant({ description: 'When the service recorded the dispatch' })
  recordedAt: string;

  @ApiProperty({ type: () => RecordedByDto })
  recordedBy: RecordedByDto;

  @ApiUuid({ description: 'The `DeliveryDispatched` event' })
  eventId: string;

  @ApiLogPosition({ description: 'Log position of the dispatch' })
  position: string;
}

export class DeliveryLineDto {
  @ApiProperty({ example: 'FFP2' })
  item: string;

  @ApiUnits({ nullable: true, minimum: 1, example: 500, description: 'Dispatched; null if the dispatch is not known (an anomaly)' })
  quantity: number | null;

  @ApiProperty({ type: () => [DispatchedLotDto], description: 'The lots it was taken from' })
  lots: DispatchedLotDto[];

  @ApiUnits({ nullable: true, minimum: 0, example: 450, description: 'Accepted by the municipality; null until confirmed' })
  accepted: number | null;

  @ApiUnits({ nullable: true, minimum: 0, example: 50, description: 'Dispatched but not accepted; null until confirmed' })
  rejected: number | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'torn packaging', description: 'Why not all was accepted' })
  reason: string | null;
}

export class DeliveryReceiptDto {
  @ApiInstant({ description: 'When the goods arrived (business time)' })
  receivedAt: string;

  @ApiInstant({ description: 'When the service recorded the confirmation' })
  recordedAt: string;

  @ApiProperty({ type: () => RecordedByDto })
  confirmedBy: RecordedByDto;

  @ApiProperty({ description: 'Some line was not accepted in full' })
  discrepancy: boolean;

  @ApiUuid({ description: 'The `DeliveryReceived` event' })
  eventId: string;

  @ApiLogPosition({ description: 'Log position of the confirmation' })
  position: string;
}

/** A delivery of the history: what left, who recorded it and when, and its confirmation. */
export class DeliveryRecordDto {
  @ApiUuid()
  deliveryId: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus', example: 'received-with-discrepancy' })
  status: DeliveryStatus;

  @ApiProperty({ type: 'string', nullable: true, example: '01-central', description: 'null if the dispatch is not known (an anomaly)' })
  warehouseId: string | null;

  @ApiProperty({ pattern: '^\\d{4}$', example: '0115' })
  municipality: string;

  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  county: string;

  @ApiUuid({ nullable: true, description: 'The allocation the delivery carried out, if any' })
  allocationId: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'ABC 123' })
  vehicle: string | null;

  @ApiInstant({ nullable: true, description: 'When the goods left (business time)' })
  dispatchedAt: string | null;

  @ApiNullableObject(DeliveryDispatchDto, { description: 'The dispatch as recorded; null if not known' })
  dispatch: DeliveryDispatchDto | null;

  @ApiProperty({ type: () => [DeliveryLineDto], description: 'Per item' })
  lines: DeliveryLineDto[];

  @ApiNullableObject(DeliveryReceiptDto, { description: 'The confirmation; null while in transit' })
  receipt: DeliveryReceiptDto | null;

  @ApiProperty({
    type: [String],
    required: false,
    description: 'What the history could not reconcile (e.g. a confirmation recorded before its dispatch); absent when none',
  })
  anomalies?: string[];
}

/** A delivery as the API answers it: with its municipality's name. */
export class DeliveryDto extends DeliveryRecordDto {
  @ApiProperty({ type: 'string', nullable: true, example: 'Vallentuna', description: 'null if the code is not in the reference data' })
  municipalityName: string | null;
}
