import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsUnits, IsCalendarDate, MAX_UNITS } from '../http/request-fields.js';
import { IsItemCode } from '../reference/item-code.validator.js';

/** A line of goods received: from a supplier against a purchase, or from another source. */
export class ReceivedLineDto {
  @ApiProperty({ example: 'FFP2', minLength: 1, maxLength: 40, description: 'Item code from GET /api/items' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({ example: 2000, description: 'Whole units received (not packs)', type: 'integer', minimum: 1, maximum: MAX_UNITS })
  @IsUnits(1)
  quantity: number;

  @ApiPropertyOptional({ example: 'LOT-2026-0412', minLength: 1, maxLength: 60, description: 'The manufacturer’s lot, where the goods carry one' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  lot?: string;

  @ApiPropertyOptional({ format: 'date', example: '2028-03-31', description: 'Expiry date of the lot' })
  @IsOptional()
  @IsCalendarDate()
  expiresOn?: string;
}
