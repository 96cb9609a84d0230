import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { WAREHOUSE_STOCK } from '../projections/warehouse-stock.projector.js';

export interface WarehouseStockItem {
  readonly item: string;
  readonly onHand: number;
  /** Approved for municipalities, not dispatched yet. */
  readonly allocated: number;
  /** What can still be allocated, or dispatched without an allocation: on hand less allocated. */
  readonly available: number;
  /** Earliest expiry first, as stock leaves; `lot: null` is stock received without a lot. */
  readonly lots: { readonly lot: string | null; readonly expiresOn: string | null; readonly onHand: number }[];
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
    summary: 'A warehouse’s stock now: on hand, allocated, available, and by lot and expiry',
    description: 'For the warehouse’s staff, the county board of its county and auditors.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        warehouseId: '01-central',
        county: '01',
        items: [
          {
            item: 'FFP2',
            onHand: 11400,
            allocated: 0,
            available: 11400,
            lots: [
              { lot: 'LOT-2026-0101', expiresOn: '2026-12-31', onHand: 2400 },
              { lot: 'LOT-2026-0412', expiresOn: '2028-03-31', onHand: 8000 },
              { lot: null, expiresOn: null, onHand: 1000 },
            ],
          },
        ],
      },
    },
  })
  async stock(@Param('id') id: string, @Query() _query: ReadQueryDto) {
    return { warehouseId: id, county: this.reference.warehouse(id)!.countyCode, items: await warehouseStock(this.dataSource, id) };
  }
}
