import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { IsUnits, MAX_UNITS } from '../http/request-fields.js';
import { IsItemCode } from '../reference/item-code.validator.js';

/** An item and a quantity asked of, or granted by, the national board. */
export class NationalRequestLineDto {
  @ApiProperty({ example: 'FFP2', minLength: 1, maxLength: 40, description: 'Item code from GET /api/items; each item once' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 4000, description: 'Whole units (not packs)', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsUnits(1)
  quantity: number;
}
