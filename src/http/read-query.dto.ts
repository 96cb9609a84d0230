import { ApiHideProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/**
 * Base of every read's query DTO. `waitFor` is handled by the WaitFor interceptor (and documented
 * by `@ReadsFrom`); it is declared here so that the validation pipe, which refuses unknown
 * parameters, lets it through.
 */
export class ReadQueryDto {
  @ApiHideProperty()
  @IsOptional()
  @IsString()
  waitFor?: string;
}
