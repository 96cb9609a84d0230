import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsInstant, IsText } from '../http/request-fields.js';

/** What every committee decision states: who decided, why, and when the meeting did. */
export class DecisionDto {
  @ApiProperty({
    example: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)', 'Sara Nilsson (Stockholms stad)'],
    description: 'The members of the logistics meeting who took the decision (1–30 names); who entered it comes from the token',
    type: 'string',
    isArray: true,
    minItems: 1,
    maxItems: 30,
    uniqueItems: true,
    maxLength: 200,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ArrayUnique({ message: 'decidedBy must not name anyone twice' })
  @IsString({ each: true })
  @Matches(/\S/, { each: true, message: 'decidedBy must not hold a blank name' })
  @MaxLength(200, { each: true })
  decidedBy: string[];

  @ApiProperty({ example: 'Beslut vid logistikberedningen 9 mars / decided at the logistics meeting of 9 March', maxLength: 2000 })
  @IsText(2000)
  note: string;

  // No example: Try it out would record a decision dated then.
  @ApiPropertyOptional({ format: 'date-time', description: 'When the meeting decided (business time, with its offset); default now' })
  @IsOptional()
  @IsInstant()
  decidedAt?: string;
}
