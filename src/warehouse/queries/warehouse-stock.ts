import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiDate, ApiUnits } from '../../http/api-properties.js';
import { WAREHOUSE_ID } from '../warehouse.dto.js';
import { DataSource } from 'typeorm';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { WAREHOUSE_STOCK } from '../projections/warehouse-stock.projector.js';

export class WarehouseLotDto {
  @ApiProperty({ type: 'string', nullable: true, example: 'LOT-2026-0412', description: 'null: stock received without a lot' })
  lot: string | null;

  @ApiDate({ nullable: true, example: '2028-03-31' })
  expiresOn: string | null;

  @ApiUnits({ minimum: 0, example: 8000 })
  onHand: number;
}

export class WarehouseStockItem {
  @ApiProperty({ example: 'FFP2' })
  item: string;

  @ApiUnits({ minimum: 0, example: 11400 })
  onHand: number;

  @ApiUnits({ minimum: 0, example: 0, description: 'Approved for municipalities, not dispatched yet' })
  allocated: number;

  @ApiUnits({ example: 11400, description: 'What can still be allocated, or dispatched without an allocation: on hand less allocated' })
  available: number;

  @ApiProperty({ type: () => [WarehouseLotDto], description: 'Earliest expiry first, as stock leaves; `lot: null` is stock received without a lot' })
  lots: WarehouseLotDto[];
}

export class WarehouseStockDto {
  @ApiProperty({ example: '01-central' })
  warehouseId: string;

  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  county: string;

  @ApiProperty({ type: () => [WarehouseStockItem], description: 'Per item, by code' })
  items: WarehouseStockItem[];
}

/** The stock of one warehouse now, per item, with its lots. */
export const warehouseStock = async (dataSource: DataSource, warehouseId: string): Promise<WarehouseStockItem[]> => {
  const [items, lots] = await Promise.all([
    dataSource.query<unknown[]>(
      `SELECT item, on_hand::text AS on_hand, allocated::text AS allocated
         FROM warehouse_stock_items WHERE warehouse_id = $1 ORDER BY item`,
      [warehouseId],
    ),
    dataSource.query<unknown[]>(
      `SELECT item, lot, expires_on::text AS expires_on, on_hand::text AS on_hand
         FROM warehouse_stock_lots WHERE warehouse_id = $1
        ORDER BY item, expires_on NULLS LAST, lot IS NULL, lot`,
      [warehouseId],
    ),
  ]);
  return (items as { item: string; on_hand: string; allocated: string }[]).map((row) => {
    const onHand = Number(row.on_hand);
    const allocated = Number(row.allocated);
    return {
      item: row.item,
      onHand,
      allocated,
      available: onHand - allocated,
      lots: (lots as { item: string; lot: string | null; expires_on: string | null; on_hand: string }[])
        .filter((l) => l.item === row.item)
        .map((l) => ({ lot: l.lot, expiresOn: l.expires_on, onHand: Number(l.on_hand) })),
    };
  });
};

@ApiTags('warehouse')
@ApiBearerAuth()
@Controller('warehouses/:id/stock')
export class WarehouseStockController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceData,
  ) {}

  @Get()
  @ReadsFrom(WAREHOUSE_STOCK)
  @ApiOperation({
    operationId: 'getWarehouseStock',
    summary: 'A warehouse’s stock now: on hand, allocated, available, and by lot and expiry',
    description: 'For the warehouse’s staff, the county board of its county and auditors.',
  })
  @ApiParam(WAREHOUSE_ID)
  @ApiOkResponse({ type: WarehouseStockDto })
  async stock(@Param('id') id: string, @Query() _query: ReadQueryDto): Promise<WarehouseStockDto> {
    return { warehouseId: id, county: this.reference.warehouse(id)!.countyCode, items: await warehouseStock(this.dataSource, id) };
  }
}
