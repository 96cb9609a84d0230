import { ApiProperty } from '@nestjs/swagger';
import { ApiDate, ApiUnits } from '../http/api-properties.js';
import type { DeliveryDispatchedData } from './domain/warehouse.events.js';

/** What the warehouse's use cases and reads share: the route's warehouse, and the lots a dispatch took. */

/** The `id` of a warehouse route: the county's central warehouse, e.g. Stockholm's. */
export const WAREHOUSE_ID = { name: 'id', description: 'Warehouse id (GET /api/warehouses)', example: '01-central' } as const;

export type DispatchedLot = DeliveryDispatchedData['lines'][number]['lots'][number];

/** A lot a dispatched line was taken from. */
export class DispatchedLotDto implements DispatchedLot {
  @ApiProperty({ type: 'string', nullable: true, example: 'LOT-2026-0412', description: 'null: stock received without a lot' })
  lot: string | null;

  @ApiDate({ nullable: true, example: '2028-03-31' })
  expiresOn: string | null;

  @ApiUnits({ minimum: 1, example: 400 })
  quantity: number;
}

/** A dispatched line and the lots to pick it from. */
export class DispatchedLineDto implements Omit<DeliveryDispatchedData['lines'][number], 'lots'> {
  @ApiProperty({ example: 'FFP2' })
  item: string;

  @ApiUnits({ minimum: 1, example: 600 })
  quantity: number;

  @ApiProperty({ type: () => [DispatchedLotDto], description: 'Earliest expiry first unless a lot was named' })
  lots: DispatchedLotDto[];
}
