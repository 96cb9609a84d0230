import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type County, type Item, type Municipality, ReferenceData, type Warehouse } from './reference-data.js';

export class CountyDto implements County {
  @ApiProperty({ pattern: '^\\d{2}$', example: '01', description: 'Official county code (länskod)' })
  code: string;

  @ApiProperty({ example: 'Stockholms län' })
  name: string;
}

export class MunicipalityDto implements Municipality {
  @ApiProperty({ pattern: '^\\d{4}$', example: '0115', description: 'Official municipality code (kommunkod)' })
  code: string;

  @ApiProperty({ example: 'Vallentuna' })
  name: string;

  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  countyCode: string;
}

export class MunicipalitiesDto {
  @ApiProperty({ type: [CountyDto] })
  counties: readonly CountyDto[];

  @ApiProperty({ type: [MunicipalityDto] })
  municipalities: readonly MunicipalityDto[];
}

export class ItemDto implements Item {
  @ApiProperty({ pattern: '^[A-Z0-9-]{2,40}$', example: 'FFP2', description: 'Stable item code, used in every request' })
  code: string;

  @ApiProperty({ example: 'Andningsskydd FFP2' })
  nameSv: string;

  @ApiProperty({ example: 'FFP2 respirator' })
  nameEn: string;

  @ApiProperty({ example: 'piece', description: 'What one counts (piece, bottle, kit): quantities everywhere are whole units of it' })
  unit: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 20, description: 'Units in one pack as the suppliers deliver them' })
  packSize: number;
}

export class ItemsDto {
  @ApiProperty({ type: [ItemDto] })
  items: readonly ItemDto[];
}

export class WarehouseDto implements Warehouse {
  @ApiProperty({ pattern: '^[a-z0-9-]{2,40}$', example: '01-central', description: 'The id the warehouse routes take' })
  id: string;

  @ApiProperty({ pattern: '^\\d{2}$', example: '01' })
  countyCode: string;

  @ApiProperty({ example: 'Centrallager Stockholms län' })
  name: string;

  @ApiProperty({ example: 'Stockholms stad' })
  operator: string;
}

export class WarehousesDto {
  @ApiProperty({ type: [WarehouseDto] })
  warehouses: readonly WarehouseDto[];
}

@ApiTags('reference')
@ApiBearerAuth()
@Controller()
export class ReferenceController {
  constructor(private readonly reference: ReferenceData) {}

  @Get('municipalities')
  @ApiOperation({ operationId: 'listMunicipalities', summary: 'Counties and their municipalities, by official code' })
  @ApiOkResponse({ type: MunicipalitiesDto })
  municipalities(): MunicipalitiesDto {
    return { counties: this.reference.counties, municipalities: this.reference.municipalities };
  }

  @Get('items')
  @ApiOperation({ operationId: 'listItems', summary: 'The item catalogue: stable code, Swedish and English names, counting unit, pack size' })
  @ApiOkResponse({ type: ItemsDto })
  items(): ItemsDto {
    return { items: this.reference.items };
  }

  @Get('warehouses')
  @ApiOperation({ operationId: 'listWarehouses', summary: 'Each county’s central warehouse' })
  @ApiOkResponse({ type: WarehousesDto })
  warehouses(): WarehousesDto {
    return { warehouses: this.reference.warehouses };
  }
}
