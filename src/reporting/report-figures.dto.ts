import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { IsUnits, MAX_UNITS } from '../http/request-fields.js';
import { IsItemCode } from '../reference/item-code.validator.js';

/** One item of a situation report; shared by reports and their corrections. */
export class ReportLineDto {
  @ApiProperty({ example: 'FFP2', pattern: '^[A-Z0-9-]{2,40}$', description: 'Item code from GET /api/items' })
  @IsString()
  @IsItemCode()
  item: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_UNITS,
    example: 420,
    description: 'Counted on hand at reportedAt, all care homes together (whole units)',
  })
  @IsUnits(0)
  onHand: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_UNITS, example: 180, description: 'Used since the previous report (whole units)' })
  @IsUnits(0)
  usedSinceLastReport: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_UNITS, example: 300, description: 'Asked of the county (whole units)' })
  @IsUnits(0)
  requested: number;
}

/** Infections and the item lines: the figures a report or a correction states. */
export class ReportFiguresDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 10_000_000,
    example: 7,
    description: 'Confirmed infections in the municipality’s care homes, municipal and private',
  })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  infections: number;

  @ApiProperty({ type: [ReportLineDto], minItems: 1, maxItems: 100, description: 'One line per item' })
  @ValidateNested({ each: true })
  @Type(() => ReportLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  lines: ReportLineDto[];
}
