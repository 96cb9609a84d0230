import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReferenceData } from './reference-data.js';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller()
export class ReferenceController {
  constructor(private readonly reference: ReferenceData) {}

  @Get('municipalities')
  @ApiOperation({ summary: 'Counties and their municipalities, by official code' })
  @ApiOkResponse({
    schema: {
      example: { counties: [{ code: '01', name: 'Stockholms län' }], municipalities: [{ code: '0115', name: 'Vallentuna', countyCode: '01' }] },
    },
  })
  municipalities() {
    return { counties: this.reference.counties, municipalities: this.reference.municipalities };
  }

  @Get('items')
  @ApiOperation({ summary: 'The item catalogue: stable code, Swedish and English names, counting unit, pack size' })
  @ApiOkResponse({
    schema: {
      example: { items: [{ code: 'FFP2', nameSv: 'Andningsskydd FFP2', nameEn: 'FFP2 respirator', unit: 'piece', packSize: 20 }] },
    },
  })
  items() {
    return { items: this.reference.items };
  }

  @Get('warehouses')
  @ApiOperation({ summary: 'Each county’s central warehouse' })
  @ApiOkResponse({
    schema: {
      example: { warehouses: [{ id: '01-central', countyCode: '01', name: 'Centrallager Stockholms län', operator: 'Stockholms stad' }] },
    },
  })
  warehouses() {
    return { warehouses: this.reference.warehouses };
  }
}
